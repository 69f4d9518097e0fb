/**
 * A keyed work queue, as client-go's workqueue: a key queued while already waiting is queued
 * once; a key being processed when re-queued runs again afterwards; failures retry with
 * exponential backoff up to a limit. `idle()` resolves when nothing is queued or running, which
 * lets the library (and tests) wait for controllers to settle after a change.
 * @example
 * const q = new WorkQueue(async (key) => reconcile(key));
 * q.add('default/build-robot'); await q.idle();
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly retries = new Map<string, number>();
  private waiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly handler: (key: string) => Promise<void>,
    private readonly opts: { maxRetries?: number; onError?: (key: string, err: unknown) => void } = {},
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    queueMicrotask(() => void this.process(key));
  }

  /** Resolves once no key is queued or running. */
  idle(): Promise<void> {
    if (this.queued.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
  }

  /** Accepts keys again after `stop()` (a controller that regains leadership). */
  resume(): void {
    this.stopped = false;
  }

  private async process(key: string): Promise<void> {
    this.queued.delete(key);
    if (this.stopped) return this.settle();
    this.running.add(key);
    try {
      await this.handler(key);
      this.retries.delete(key);
    } catch (err) {
      const n = (this.retries.get(key) ?? 0) + 1;
      this.opts.onError?.(key, err);
      if (n <= (this.opts.maxRetries ?? 10)) {
        this.retries.set(key, n);
        this.dirty.add(key);
      } else this.retries.delete(key);
    } finally {
      this.running.delete(key);
    }
    if (this.dirty.delete(key)) this.add(key);
    this.settle();
  }

  private settle(): void {
    if (this.queued.size === 0 && this.running.size === 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
  }
}
