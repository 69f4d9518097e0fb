import { type EncodedEvent, decode } from './encoded-event.js';
import type { Watch, WatchEvent } from './types.js';

/**
 * Told about a watch handler that threw; the store and the other watchers carry on regardless.
 * @example
 * const report: HandlerErrorReporter = (err, e) => console.warn(`watch handler failed on ${e.key}`, err);
 */
export type HandlerErrorReporter = (error: unknown, event: WatchEvent) => void;

interface Watcher {
  prefix: string;
  handler: (e: WatchEvent) => void;
  /** live events at or below this revision were replayed (or predate the watch) */
  after: number;
  active: boolean;
}

/**
 * Delivers a store's changes to its watchers, synchronously and in revision order.
 *
 * - `publish` is called by a store after a write is applied and before the write's promise
 *   resolves; every matching handler has run by the time `publish` returns.
 * - A handler that writes to the store (re-entrantly) does not jump the queue: its change is
 *   queued and delivered, to every watcher, after the change being delivered now. Such a nested
 *   write's own handlers therefore run when the outermost `publish` finishes, still before any
 *   promise settles.
 * - Each handler gets its own copy of the object; a handler that throws is reported to
 *   `onHandlerError` and otherwise ignored.
 * - A watch that starts with a replay receives the replayed changes first, then live ones, with no
 *   gap and no duplicate, even when it starts from inside another handler.
 * @example
 * const hub = new WatchHub();
 * hub.subscribe('/registry/pods/', (e) => console.log(e.type, e.key), [], 0);
 * hub.publish({ type: 'ADDED', key: '/registry/pods/ns/a', revision: 1, json: '{"metadata":{}}' });
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private readonly queue: EncodedEvent[] = [];
  private dispatching = false;

  constructor(private readonly onHandlerError: HandlerErrorReporter = () => {}) {}

  /** Delivers a change that has just been applied (see the class comment for the order). */
  publish(e: EncodedEvent): void {
    this.queue.push(e);
    if (!this.dispatching) this.drain();
  }

  /**
   * Adds a watcher: `replay` (changes after the requested revision, up to `current`) is delivered
   * at once, then every published change above `current`.
   */
  subscribe(prefix: string, handler: (e: WatchEvent) => void, replay: EncodedEvent[], current: number): Watch {
    const w: Watcher = { prefix, handler, after: current, active: true };
    this.watchers.add(w);
    const nested = this.dispatching;
    this.dispatching = true;
    try {
      for (const e of replay) if (w.active && e.key.startsWith(prefix)) this.deliver(w, e);
    } finally {
      this.dispatching = nested;
    }
    if (!nested) this.drain();
    return {
      stop: () => {
        w.active = false;
        this.watchers.delete(w);
      },
    };
  }

  /** Stops every watcher (the store is closing). */
  close(): void {
    for (const w of this.watchers) w.active = false;
    this.watchers.clear();
  }

  private drain(): void {
    this.dispatching = true;
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) {
        for (const w of this.watchers) {
          if (w.active && e.revision > w.after && e.key.startsWith(w.prefix)) this.deliver(w, e);
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  private deliver(w: Watcher, e: EncodedEvent): void {
    const event = decode(e);
    try {
      w.handler(event);
    } catch (error) {
      try {
        this.onHandlerError(error, decode(e));
      } catch {
        // the reporter's own failure must not stop delivery either
      }
    }
  }
}
