import type { Clock, TimerHandle } from './clock.js';

interface RealHandle extends TimerHandle {
  readonly timer: NodeJS.Timeout;
}

/**
 * Wall-clock time. Timers are unref'd so a forgotten refresher never keeps a process alive.
 * @example
 * const clock = new RealClock();
 * clock.setTimeout(() => console.log('tick'), 1000);
 */
export class RealClock implements Clock {
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = setTimeout(fn, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    timer.unref();
    return { id: this.nextId++, timer } as RealHandle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) clearTimeout((handle as RealHandle).timer);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const timer = setInterval(fn, Math.max(1, Math.min(ms, 2 ** 31 - 1)));
    timer.unref();
    return { id: this.nextId++, timer } as RealHandle;
  }

  clearInterval(handle: TimerHandle | undefined): void {
    if (handle) clearInterval((handle as RealHandle).timer);
  }
}
