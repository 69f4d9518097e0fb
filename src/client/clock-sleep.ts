import type { Clock } from '../clock/index.js';

/**
 * Waits `ms` on `clock`, as client-go's retries wait: without a clock (or for no time) it
 * resolves at once, so code that was given no clock never waits on real time.
 * @example
 * await clockSleep(clock, 500);
 */
export function clockSleep(clock: Clock | undefined, ms: number): Promise<void> {
  if (!clock || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
