import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock/index.js';
import type { BindingIndex } from '../../registry/binding-index.js';
import type { UserInfo } from '../../registry/types.js';
import { LEEWAY_SECONDS } from '../../tokens/leeway.js';
import type { ServiceAccountInfo } from '../../registry/service-account-info.js';

/** what reviews of all tokens of one (service account, bound object, node, audiences) share. */
export interface CachedIdentity {
  /** the user without its credential id, and the audiences answered */
  user: Required<UserInfo>;
  audiences: string[];
  /** UIDs the review depends on: the service account, then the bound object */
  deps: string[];
  sub: string;
  info: ServiceAccountInfo;
}

export interface CachedReview {
  identity: CachedIdentity;
  /** `JTI=<jti>`, when the token has one */
  credentialID?: string;
  /** JWT exp in seconds */
  exp: number;
  /** kubernetes.io.warnafter, for stale-token accounting on hits */
  warnAfter?: number;
}
interface Shared {
  key: string;
  identity: CachedIdentity;
  refs: number;
}
/** One shape for every entry (no optional properties), so V8 shares one hidden class. */
interface Entry {
  identity: CachedIdentity;
  shared: Shared;
  credentialID: string | undefined;
  exp: number;
  warnAfter: number | undefined;
  /** `kubernetes` mode: clock ms after which the entry is stale (0 otherwise) */
  until: number;
  /** the answer's user (the identity's, with this token's credential id), made on the first hit */
  user: UserInfo | undefined;
}

/** kube-apiserver's `TokenSuccessCacheTTL` (pkg/kubeapiserver/options/authentication.go); failures are not cached. */
export const TOKEN_SUCCESS_CACHE_TTL_MS = 10_000;

/**
 * How the cache treats the objects a review depended on:
 * - `immediate` (satoken's default): a hit is checked against the binding registry, and entries
 *   go when their objects do, so no dead token is ever served from the cache;
 * - `kubernetes`: as kube-apiserver's cached token authenticator, a success is served for
 *   {@link TOKEN_SUCCESS_CACHE_TTL_MS} without looking at its objects again, so a token keeps
 *   authenticating for up to 10 s after the object it is bound to is gone (per replica).
 */
export type ReviewCacheMode = 'immediate' | 'kubernetes';

/**
 * Successful reviews of bound tokens, keyed by a SHA-256 of token and requested audiences.
 * In the default `immediate` mode, unlike kube-apiserver's 10-second cache
 * (pkg/kubeapiserver/options/authentication.go), an entry can never outlive what it depends on:
 * every hit checks that its service account and bound object are still alive in the binding
 * registry (O(1) set look-ups), and entries are dropped when the registry reports their objects
 * deleted. In `kubernetes` mode it is that 10-second cache (see {@link ReviewCacheMode}).
 * Neither outlives `exp`. Legacy tokens are never cached (their Secret's contents and labels
 * matter on every use).
 * @example
 * const cache = new ReviewCache({ index, clock, max: 10_000 });
 */
export class ReviewCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly byUid = new Map<string, Set<string>>();
  private readonly identities = new Map<string, Shared>();

  private readonly ttl: boolean;

  constructor(private readonly opts: { index: BindingIndex; clock: Clock; max?: number; mode?: ReviewCacheMode }) {
    this.ttl = opts.mode === 'kubernetes';
    this.lru = new LRUCache<string, Entry>({
      max: opts.max ?? 10_000,
      dispose: (entry, key) => this.unlink(entry, key),
    });
    if (!this.ttl) {
      opts.index.onInvalidated((e) => {
        for (const key of [...(this.byUid.get(e.object.uid) ?? [])]) this.lru.delete(key);
      });
    }
  }

  /**
   * The key of a review: the token's SHA-256 (fixed length; {@link PresentedToken.digest}), then
   * the audiences as they are, each after a NUL, or as JSON when one of them holds a NUL; so no
   * two (token, audiences) pairs share a key. Hashing the token alone spares copying it into a
   * longer string. `undefined` audiences (the caller's API audiences) key by the digest alone.
   */
  static key(digest: string, audiences: readonly string[] | undefined): string {
    if (!audiences || audiences.length === 0) return digest;
    let joined = digest;
    for (const a of audiences) {
      if (a.includes('\0')) return `${digest}${JSON.stringify(audiences)}`;
      joined += `\0${a}`;
    }
    return joined;
  }

  /** The live entry under `key` at `nowSeconds` (Unix seconds; default: the clock's). */
  get(key: string, nowSeconds = Math.floor(this.opts.clock.now() / 1000)): Entry | undefined {
    const e = this.lru.get(key);
    if (!e) return undefined;
    if (nowSeconds - LEEWAY_SECONDS > e.exp || (this.ttl ? this.opts.clock.now() >= e.until : !this.live(e.identity.deps))) {
      this.lru.delete(key);
      return undefined;
    }
    return e;
  }

  /** The shared identity under `identityKey`, made by `make` when there is none. */
  identity(identityKey: string, make: () => CachedIdentity): CachedIdentity {
    return this.identities.get(identityKey)?.identity ?? make();
  }

  set(key: string, entry: CachedReview, identityKey: string): void {
    if (!this.ttl && !this.live(entry.identity.deps)) return;
    let shared = this.identities.get(identityKey);
    if (!shared) this.identities.set(identityKey, (shared = { key: identityKey, identity: entry.identity, refs: 0 }));
    shared.refs++;
    this.lru.set(key, { identity: shared.identity, shared, credentialID: entry.credentialID, exp: entry.exp, warnAfter: entry.warnAfter, user: undefined, until: this.ttl ? this.opts.clock.now() + TOKEN_SUCCESS_CACHE_TTL_MS : 0 });
    for (const uid of shared.identity.deps) {
      let s = this.byUid.get(uid);
      if (!s) this.byUid.set(uid, (s = new Set()));
      s.add(key);
    }
  }

  /** whether every object a review depends on is still the one it saw (by UID) */
  private live(deps: readonly string[]): boolean {
    for (let i = 0; i < deps.length; i++) if (!this.opts.index.isLive(deps[i]!)) return false;
    return true;
  }

  get size(): number {
    return this.lru.size;
  }

  private unlink(entry: Entry, key: string): void {
    for (const uid of entry.identity.deps) {
      const s = this.byUid.get(uid);
      if (!s) continue;
      s.delete(key);
      if (s.size === 0) this.byUid.delete(uid);
    }
    if (--entry.shared.refs === 0 && this.identities.get(entry.shared.key) === entry.shared) this.identities.delete(entry.shared.key);
  }
}
