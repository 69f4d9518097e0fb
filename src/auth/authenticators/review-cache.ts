import * as nodeCrypto from 'node:crypto';

/** node:crypto's one-shot `hash` (Node ≥ 20.12), else createHash. */
const sha256 = (typeof (nodeCrypto as { hash?: unknown }).hash === 'function'
  ? (s: string) => (nodeCrypto as unknown as { hash(alg: string, data: string, enc: string): string }).hash('sha256', s, 'base64url')
  : (s: string) => nodeCrypto.createHash('sha256').update(s).digest('base64url'));
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock/index.js';
import type { BindingIndex } from '../../registry/binding-index.js';
import type { UserInfo } from '../../registry/types.js';
import type { ServiceAccountInfo } from '../../tokens/service-account-info.js';

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
}

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
  private readonly identities = new Map<string, Shared>();

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
    return sha256(audiences && audiences.length ? `${token}\0${audiences.join('\0')}` : `${token}\0`);
  }

  get(key: string): Entry | undefined {
    const e = this.lru.get(key);
    if (!e) return undefined;
    const now = Math.floor(this.opts.clock.now() / 1000);
    if (now - LEEWAY_SECONDS > e.exp || !e.identity.deps.every((uid) => this.opts.index.isLive(uid))) {
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
    if (!entry.identity.deps.every((uid) => this.opts.index.isLive(uid))) return;
    let shared = this.identities.get(identityKey);
    if (!shared) this.identities.set(identityKey, (shared = { key: identityKey, identity: entry.identity, refs: 0 }));
    shared.refs++;
    this.lru.set(key, { identity: shared.identity, shared, credentialID: entry.credentialID, exp: entry.exp, warnAfter: entry.warnAfter });
    for (const uid of shared.identity.deps) {
      let s = this.byUid.get(uid);
      if (!s) this.byUid.set(uid, (s = new Set()));
      s.add(key);
    }
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
