import type { Clock } from '../clock/index.js';
import type { IssuedToken } from './token-request.js';
import { MinHeap } from '../util/min-heap.js';
import { LEEWAY_SECONDS } from '../tokens/leeway.js';
import { kindInfo } from './kinds.js';
import type { ObjectRegistry, RegistryEvent } from './object-registry.js';

/** Kinds whose deletion kills tokens. */
const TRACKED = ['ServiceAccount', 'Pod', 'Secret', 'Node'] as const;
export type TrackedKind = (typeof TRACKED)[number];

export interface ObjectIdentity {
  kind: TrackedKind;
  namespace?: string;
  name: string;
  uid: string;
}

export interface InvalidationEvent {
  reason: 'deleted';
  object: ObjectIdentity;
  /** the issued tokens that died with it (still unexpired) */
  tokens: IssuedToken[];
}

/** ~0.55 kB each (npm run bench -- --only memory): about 550 MB of heap at the default cap. */
export const DEFAULT_MAX_INDEXED_TOKENS = 1_000_000;

/**
 * The binding registry: which issued tokens hang on which object (service account, pod, secret,
 * node), which object UIDs are alive, and who wants to hear when tokens die.
 *
 * IMPORTANT: it learns of deletions from the registry's synchronous event stream, so by the time
 * a delete call returns, `isLive(uid)` is false and subscribers have been told. The review cache
 * in auth/authenticators/service-account-tokens.ts depends on this to never serve a dead token.
 *
 * Rejection depends only on which UIDs are alive, never on the per-token entries, which serve
 * `tokensFor` and the `tokens` of invalidation events. Those are capped (`maxTokens`): a load
 * test issuing thousands of tokens a second for an hour would otherwise hold millions; past the
 * cap the entries expiring soonest are dropped (`onFull` is told once), and a dropped token is
 * still rejected when its objects go, only no longer listed.
 * @example
 * const index = new BindingIndex(registry, clock); index.start();
 * index.onInvalidated((e) => console.log(e.object.name, e.tokens.length));
 */
export class BindingIndex {
  private readonly byUid = new Map<string, Map<string, IssuedToken>>();
  private readonly live = new Set<string>();
  private readonly expiry = new MinHeap<IssuedToken>();
  private readonly listeners = new Set<(e: InvalidationEvent) => void>();
  private unsubscribe: (() => void) | undefined;

  private full = false;
  private droppedCount = 0;

  constructor(
    private readonly registry: ObjectRegistry,
    private readonly clock: Clock,
    private readonly opts: { maxTokens?: number; onFull?: (maxTokens: number) => void } = {},
  ) {}

  start(): void {
    for (const kind of TRACKED) {
      for (const o of this.registry.list(kindInfo(kind)!, undefined).items) if (o.metadata.uid) this.live.add(o.metadata.uid);
    }
    this.unsubscribe = this.registry.onEvent((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Records an issued token under every object it depends on. */
  record(t: IssuedToken): void {
    this.prune();
    for (const uid of dependencies(t)) {
      let m = this.byUid.get(uid);
      if (!m) this.byUid.set(uid, (m = new Map()));
      m.set(t.jti, t);
    }
    // indexed until `exp` plus the leeway has passed: the token is accepted until then
    this.expiry.push(t.expiresAt + LEEWAY_SECONDS, t);
    const max = this.opts.maxTokens ?? DEFAULT_MAX_INDEXED_TOKENS;
    while (this.expiry.size > max) {
      if (!this.forget(this.expiry.pop()!)) continue; // its object was deleted: already gone
      this.droppedCount++;
      if (!this.full) {
        this.full = true;
        this.opts.onFull?.(max);
      }
    }
  }

  /** Whether an object with this UID exists now. */
  isLive(uid: string): boolean {
    return this.live.has(uid);
  }

  /** The unexpired tokens that depend on the object with this UID. */
  tokensOf(uid: string): IssuedToken[] {
    this.prune();
    return [...(this.byUid.get(uid)?.values() ?? [])];
  }

  /** The unexpired tokens of the object currently stored under that name. */
  tokensFor(kind: TrackedKind, namespace: string | undefined, name: string): IssuedToken[] {
    const info = kindInfo(kind)!;
    const o = this.registry.peek(info, info.namespaced ? namespace : undefined, name);
    return o?.metadata.uid ? this.tokensOf(o.metadata.uid) : [];
  }

  onInvalidated(fn: (e: InvalidationEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** How many tokens were dropped from the listing to stay under the cap. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Number of indexed tokens (for memory measurements). */
  get size(): number {
    return this.expiry.size;
  }

  private observe(e: RegistryEvent): void {
    if (!(TRACKED as readonly string[]).includes(e.resource.kind)) return;
    const uid = e.object.metadata.uid;
    if (!uid) return;
    if (e.type !== 'DELETED') {
      this.live.add(uid);
      return;
    }
    this.live.delete(uid);
    const tokens = [...(this.byUid.get(uid)?.values() ?? [])];
    for (const t of tokens) this.forget(t);
    this.byUid.delete(uid);
    const meta = e.object.metadata;
    const ev: InvalidationEvent = {
      reason: 'deleted',
      object: { kind: e.resource.kind as TrackedKind, ...(meta.namespace ? { namespace: meta.namespace } : {}), name: meta.name ?? '', uid },
      tokens,
    };
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch {
        // listeners are isolated from each other
      }
    }
  }

  /** Removes a token's entries; whether it still had any. */
  private forget(t: IssuedToken): boolean {
    let had = false;
    for (const uid of dependencies(t)) {
      const m = this.byUid.get(uid);
      if (!m) continue;
      had = m.delete(t.jti) || had;
      if (m.size === 0) this.byUid.delete(uid);
    }
    return had;
  }

  private prune(): void {
    const now = Math.floor(this.clock.now() / 1000);
    while (this.expiry.size && this.expiry.peekPriority()! < now) this.forget(this.expiry.pop()!);
  }
}

/** The object UIDs a token's validity depends on. */
export function dependencies(t: IssuedToken): string[] {
  const out = [t.serviceAccount.uid];
  if (t.bound) out.push(t.bound.uid);
  return out;
}
