import type { Clock } from '../clock/index.js';
import { type Status, StatusError } from '../errors/index.js';
import type { KubeObject } from './types.js';

/**
 * The pieces of `?limit=`/`?continue=` list pagination that do not need the registry: pages cut
 * from a key-sorted list the way kube-apiserver's etcd3 store cuts them (GetList in
 * k8s.io/apiserver/pkg/storage/etcd3/store.go), the list snapshots that let later pages see the
 * first page's state, and the errors for tokens that cannot be honoured.
 */

/** One stored object and its storage key; lists are arrays of these sorted by key. */
export type Entry = readonly [key: string, object: KubeObject];

export interface Page {
  items: KubeObject[];
  /** where the next page starts (the last returned key plus NUL), when keys remain after this page */
  next?: string;
  /** how many keys remain after this page; only when asked for (lists without selectors) */
  remaining?: number;
}

/**
 * Cuts one page from `entries` (sorted by key): from the first key at or after `startKey`, the
 * objects that `match`, at most `limit` of them (0: no limit). As in Kubernetes, a page that
 * fills up says there is more whenever any key follows its last item, whether or not that key
 * matches: with selectors, the last page can come back empty.
 * @example
 * takePage(entries, undefined, 2, () => true, true); // { items: [a, b], next: '<b key>\u0000', remaining: 3 }
 */
export function takePage(entries: readonly Entry[], startKey: string | undefined, limit: number, match: (o: KubeObject) => boolean, countRemaining: boolean): Page {
  const items: KubeObject[] = [];
  let i = startKey === undefined ? 0 : lowerBound(entries, startKey);
  for (; i < entries.length; i++) {
    if (limit > 0 && items.length >= limit) break;
    const object = entries[i]![1];
    if (match(object)) items.push(object);
  }
  if (limit <= 0 || i >= entries.length) return { items };
  const page: Page = { items, next: `${entries[i - 1]![0]}\u0000` };
  if (countRemaining) page.remaining = entries.length - i;
  return page;
}

/** The index of the first entry whose key is at or after `key`. */
function lowerBound(entries: readonly Entry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]![0] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Recent list states, so that the pages after the first are cut from the list the first page
 * was cut from: kube-apiserver reads every page at the first page's etcd revision, and this is
 * our equivalent. A snapshot is only an array of references to the cache's objects (which are
 * replaced, never mutated), kept while a continue token may still come back for it: for `ttlMs`
 * (five minutes, etcd's default compaction interval in kube-apiserver) and at most `max` of them,
 * the oldest dropped first. Time is the registry's clock, so a manual clock expires them too.
 */
export class ListSnapshots {
  private readonly byKey = new Map<string, { entries: readonly Entry[]; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 5 * 60_000,
    private readonly max = 64,
  ) {}

  /** The list under `prefix` at revision `rv`, if still kept. */
  get(prefix: string, rv: number): readonly Entry[] | undefined {
    this.prune();
    return this.byKey.get(snapshotKey(prefix, rv))?.entries;
  }

  /** Keeps the list under `prefix` at revision `rv` (a list already kept keeps its age). */
  put(prefix: string, rv: number, entries: readonly Entry[]): void {
    this.prune();
    const key = snapshotKey(prefix, rv);
    if (this.byKey.has(key)) return;
    this.byKey.set(key, { entries, at: this.clock.now() });
    while (this.byKey.size > this.max) this.byKey.delete(this.byKey.keys().next().value!);
  }

  get size(): number {
    return this.byKey.size;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, s] of this.byKey) {
      if (now - s.at < this.ttlMs) break; // insertion order is age order
      this.byKey.delete(k);
    }
  }
}

function snapshotKey(prefix: string, rv: number): string {
  return `${rv}\u0000${prefix}`;
}

/** etcd3/errors.go: the first page's revision is gone; the Status carries a token that resumes at the latest state. */
export const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * 410 Expired for a continue token whose list state is no longer known, with `metadata.continue`
 * holding the same position at revision -1 ("continue at the latest state"), as kube-apiserver
 * answers once etcd has compacted the first page's revision.
 */
export class ContinueExpiredError extends StatusError {
  constructor(readonly continueToken: string) {
    super(410, 'Expired', INCONSISTENT_CONTINUE);
  }

  override toStatus(): Status {
    const s = super.toStatus();
    return { ...s, metadata: { continue: this.continueToken } as unknown as Status['metadata'] };
  }
}

/**
 * storage.NewTooLargeResourceVersionError: a continue token from a revision this server has not
 * reached (504 Timeout, cause ResourceVersionTooLarge).
 */
export function tooLargeResourceVersion(rv: number, current: number): StatusError {
  return new StatusError(504, 'Timeout', `Timeout: Too large resource version: ${rv}, current: ${current}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] });
}
