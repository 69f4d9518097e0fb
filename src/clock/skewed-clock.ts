import type { Clock, TimerHandle } from './clock.js';

/**
 * One replica's clock, off by a fixed amount from the clock it wraps (`serve --clock-skew`, the
 * library's `clockSkew`): `now()` is the base's plus `skewMs`, so everything this replica stamps
 * or checks (a token's `iat`, `nbf` and `exp`, the validator's "now", object timestamps) is off
 * by as much, as on a machine whose clock drifted. Timers run on the base clock: a delay is as
 * long on a skewed machine as on any other.
 * @example
 * const clock = new SkewedClock(new RealClock(), -30_000); // 30 s behind
 */
export class SkewedClock implements Clock {
  constructor(
    readonly base: Clock,
    readonly skewMs: number,
  ) {}

  now(): number {
    return this.base.now() + this.skewMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.base.setTimeout(fn, ms);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.base.clearTimeout(handle);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.base.setInterval(fn, ms);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.base.clearInterval(handle);
  }
}

/**
 * The clock under any skew: what decides whether time is manual.
 * @example
 * baseClock(new SkewedClock(manual, 5000)) === manual; // true
 */
export function baseClock(clock: Clock): Clock {
  let c = clock;
  while (c instanceof SkewedClock) c = c.base;
  return c;
}
