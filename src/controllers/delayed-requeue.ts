import type { Clock, TimerHandle } from '../clock/index.js';

/**
 * A work queue's `AddAfter` on the injected clock: one timer per key (the earliest asked for
 * wins), cancelled together when the controller stops.
 * @example
 * const later = new DelayedRequeue(clock, (key) => queue.add(key));
 * later.after('default/web', 30_000);
 */
export class DelayedRequeue {
  private readonly timers = new Map<string, { at: number; handle: TimerHandle }>();

  constructor(
    private readonly clock: Clock,
    private readonly add: (key: string) => void,
  ) {}

  /** Queues `key` again `ms` from now (unless it is already due sooner). */
  after(key: string, ms: number): void {
    const at = this.clock.now() + Math.max(0, ms);
    const current = this.timers.get(key);
    if (current && current.at <= at) return;
    if (current) this.clock.clearTimeout(current.handle);
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, Math.max(0, ms));
    this.timers.set(key, { at, handle });
  }

  /** Queues `key` again at the instant `at` of the clock. */
  at(key: string, at: number): void {
    this.after(key, at - this.clock.now());
  }

  stop(): void {
    for (const { handle } of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
  }
}
