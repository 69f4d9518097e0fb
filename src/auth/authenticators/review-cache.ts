import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock/index.js';
import type { BindingIndex } from '../../registry/binding-index.js';
import type { TokenAuthResult } from '../../tokens/token-review.js';

export interface CachedReview {
  result: TokenAuthResult;
  deps: string[];
  /** JWT exp in seconds */
  exp: number;
  /** kubernetes.io.warnafter, for stale-token accounting on hits */
  warnAfter?: number;
  sub: string;
}
type Entry = CachedReview;

const LEEWAY_SECONDS = 60;

/**
 * Successful reviews of bound tokens, keyed by a SHA-256 of token and requested audiences.
 * Unlike kube-apiserver's 10-second cache (pkg/kubeapiserver/options/authentication.go), an
 * entry can never outlive what it depends on: every hit checks that its service account and
 * bound object are still alive in the binding registry (O(1) set look-ups), and entries are
 * dropped when the registry reports their objects deleted. Nor can it outlive `exp`.
 * Legacy tokens are never cached (their Secret's contents and labels matter on every use).
 * @example
 * const cache = new ReviewCache({ index, clock, max: 10_000 });
 */
export class ReviewCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly byUid = new Map<string, Set<string>>();

  constructor(private readonly opts: { index: BindingIndex; clock: Clock; max?: number }) {
    this.lru = new LRUCache<string, Entry>({
      max: opts.max ?? 10_000,
      dispose: (entry, key) => this.unlink(entry, key),
    });
    opts.index.onInvalidated((e) => {
      for (const key of [...(this.byUid.get(e.object.uid) ?? [])]) this.lru.delete(key);
    });
  }

  static key(token: string, audiences: readonly string[] | undefined): string {
    return createHash('sha256').update(token).update('\0').update((audiences ?? []).join('\0')).digest('base64url');
  }

  get(key: string): CachedReview | undefined {
    const e = this.lru.get(key);
    if (!e) return undefined;
    const now = Math.floor(this.opts.clock.now() / 1000);
    if (now - LEEWAY_SECONDS > e.exp || !e.deps.every((uid) => this.opts.index.isLive(uid))) {
      this.lru.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, entry: CachedReview): void {
    if (!entry.deps.every((uid) => this.opts.index.isLive(uid))) return;
    this.lru.set(key, entry);
    for (const uid of entry.deps) {
      let s = this.byUid.get(uid);
      if (!s) this.byUid.set(uid, (s = new Set()));
      s.add(key);
    }
  }

  get size(): number {
    return this.lru.size;
  }

  private unlink(entry: Entry, key: string): void {
    for (const uid of entry.deps) {
      const s = this.byUid.get(uid);
      if (!s) continue;
      s.delete(key);
      if (s.size === 0) this.byUid.delete(uid);
    }
  }
}
