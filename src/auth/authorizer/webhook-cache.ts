import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock/index.js';
import type { SarStatus } from './subject-access-review.js';
import type { Attributes } from './types.js';

/** the size of the authorizer's `cache.NewLRUExpireCache` */
const CACHE_SIZE = 8192;
/** `maxControllableAttributesCharacterCount`: requests this large or larger are never cached. */
const MAX_CACHED_ATTRIBUTE_BYTES = 10_000;

/** `--authorization-webhook-cache-authorized-ttl` / `-unauthorized-ttl` defaults, in ms. */
export const DEFAULT_AUTHORIZED_TTL_MS = 300_000;
export const DEFAULT_UNAUTHORIZED_TTL_MS = 30_000;

/**
 * Whether a decision for `a` may be cached (`shouldCache`): the attributes a requester controls
 * (namespace, verb, group, version, resource, subresource, name, path) add up to fewer than
 * 10000 bytes.
 * @example
 * shouldCacheDecision(res(user, 'get', 'pods')); // true
 */
export function shouldCacheDecision(a: Attributes): boolean {
  const size = [a.namespace, a.verb, a.apiGroup, a.apiVersion, a.resource, a.subresource, a.name, a.path].reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  return size < MAX_CACHED_ATTRIBUTE_BYTES;
}

/**
 * The webhook authorizer's decision cache, as `cache.LRUExpireCache` keeps it: the 8192 most
 * recently used answers, each good up to and including its expiry instant on `clock` (allowed
 * answers for `authorizedTTL`, others for `unauthorizedTTL`; a TTL of 0 caches nothing). Expiry
 * is checked against the injected clock on each look-up, so a manual clock governs it.
 * @example
 * const cache = new DecisionCache(clock, { authorizedTTL: 300_000, unauthorizedTTL: 30_000 });
 * cache.get(key) ?? cache.set(key, await ask());
 */
export class DecisionCache {
  private readonly lru = new LRUCache<string, { status: SarStatus; expires: number }>({ max: CACHE_SIZE });

  constructor(
    private readonly clock: Clock,
    private readonly ttls: { authorizedTTL?: number | undefined; unauthorizedTTL?: number | undefined } = {},
  ) {}

  /** The cached answer for `key`, made most recently used; an expired one is dropped. */
  get(key: string): SarStatus | undefined {
    const hit = this.lru.get(key);
    if (!hit) return undefined;
    if (this.clock.now() > hit.expires) {
      this.lru.delete(key);
      return undefined;
    }
    return hit.status;
  }

  /** Caches `status` for its TTL (none when that TTL is 0 or less). */
  set(key: string, status: SarStatus): void {
    const ttl = status.allowed ? (this.ttls.authorizedTTL ?? DEFAULT_AUTHORIZED_TTL_MS) : (this.ttls.unauthorizedTTL ?? DEFAULT_UNAUTHORIZED_TTL_MS);
    if (ttl <= 0) return;
    this.lru.set(key, { status, expires: this.clock.now() + ttl });
  }
}
