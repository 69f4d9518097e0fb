import type { Clock, TimerHandle } from './clock.js';
import { SatokenRangeError } from '../errors/error-codes.js';

interface Timer {
  id: number;
  due: number;
  seq: number;
  interval: number | undefined;
  fn: () => void;
}

/**
 * A clock that moves only when told. `advance(ms)` fires every timer that falls due, in order of
 * due time (ties in order of creation), with `now()` set to each timer's due time while it runs,
 * and lets promises started by a timer settle (plus any registered idle hooks) before the next
 * one fires. Time travel backwards
 * (`set` to an earlier instant) is allowed: the kubelet must survive it.
 * @example
 * const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
 * clock.setTimeout(() => console.log('an hour later'), 3_600_000);
 * await clock.advance(3_600_000);
 */
export class ManualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private nextId = 1;
  private seq = 0;
  private readonly idleHooks = new Set<() => Promise<void>>();

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, Math.max(0, ms), undefined);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, Math.max(1, ms), Math.max(1, ms));
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /**
   * Registers work to wait for after each timer fires (e.g. an emulator's controllers and
   * kubelets), so that time does not move on while what a timer started is still running on
   * the thread pool (signing, file I/O). Returns the unregister function.
   */
  addIdleHook(hook: () => Promise<void>): () => void {
    this.idleHooks.add(hook);
    return () => this.idleHooks.delete(hook);
  }

  /** Number of timers waiting to fire. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new SatokenRangeError('ERR_INVALID_DURATION', `advance takes a non-negative number of milliseconds, got ${ms}`);
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.current = Math.max(this.current, next.due);
      if (next.interval !== undefined) {
        next.due += next.interval;
        next.seq = this.seq++;
      } else {
        this.timers = this.timers.filter((t) => t !== next);
      }
      next.fn();
      await this.quiesce();
    }
    this.current = target;
    await settle();
  }

  private async quiesce(): Promise<void> {
    await settle();
    for (const hook of this.idleHooks) await hook();
  }

  /** Jumps to an instant without firing timers in between (for clock-skew tests); may go backwards. */
  set(ms: number): void {
    this.current = ms;
  }

  private add(fn: () => void, delay: number, interval: number | undefined): TimerHandle {
    const timer: Timer = { id: this.nextId++, due: this.current + delay, seq: this.seq++, interval, fn };
    this.timers.push(timer);
    return { id: timer.id };
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Lets pending promise chains (and I/O callbacks already queued) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
