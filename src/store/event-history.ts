import type { EncodedEvent } from './encoded-event.js';
import { StoreError } from './types.js';

/**
 * How many recent changes a store keeps for watches that resume from a revision.
 * @example
 * new MemoryStore({ historySize: DEFAULT_HISTORY_SIZE * 2 });
 */
export const DEFAULT_HISTORY_SIZE = 10_000;

/**
 * Throws Kubernetes' Gone error when a watch asks for changes after `since` but everything up to
 * `compacted` has been discarded. The second number is the oldest revision one can still resume
 * from, as the watch cache prints it
 * (k8s.io/apiserver/pkg/storage/cacher/watch_cache.go: `too old resource version: %d (%d)`).
 * @example
 * assertNotCompacted(5, 10); // throws StoreError('Gone', 'too old resource version: 5 (10)')
 * assertNotCompacted(10, 10); // fine: the change at 11 is still kept
 */
export function assertNotCompacted(since: number, compacted: number): void {
  if (!Number.isSafeInteger(since) || since < 0) {
    throw new RangeError(`sinceRevision must be a non-negative integer, got ${since}`);
  }
  if (since < compacted) throw new StoreError('Gone', `too old resource version: ${since} (${compacted})`);
}

/**
 * The last `capacity` changes in revision order, in a ring buffer (push is O(1)). `compacted` is
 * the highest revision that has been discarded: changes after it are all still here.
 * @example
 * const h = new EventHistory(2);
 * for (const revision of [1, 2, 3]) h.push({ type: 'ADDED', key: `/k/${revision}`, revision, json: '{}' });
 * h.compacted; // 1
 * h.since(2).map((e) => e.revision); // [3]
 */
export class EventHistory {
  private readonly ring: EncodedEvent[] = [];
  private start = 0;
  private dropped = 0;

  constructor(readonly capacity: number = DEFAULT_HISTORY_SIZE) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`history size must be a positive integer, got ${capacity}`);
  }

  /** The highest revision no longer kept (0 while nothing has been discarded). */
  get compacted(): number {
    return this.dropped;
  }

  push(e: EncodedEvent): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(e);
      return;
    }
    this.dropped = this.ring[this.start]!.revision;
    this.ring[this.start] = e;
    this.start = (this.start + 1) % this.capacity;
  }

  /** Every kept change with a revision above `revision`, oldest first. */
  since(revision: number): EncodedEvent[] {
    const n = this.ring.length;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    const out: EncodedEvent[] = [];
    for (let i = lo; i < n; i++) out.push(this.at(i));
    return out;
  }

  private at(i: number): EncodedEvent {
    return this.ring[(this.start + i) % this.ring.length]!;
  }
}
