import type { Clock } from '../../clock/index.js';
import type { BindingIndex } from '../../registry/binding-index.js';
import type { Secret } from '../../registry/types.js';
import { type StaleTokenObserver, validateBoundClaims } from './bound-validator.js';
import { JwtAuthenticator } from './jwt-authenticator.js';
import { staleTokenAnnotations } from './stale-token.js';
import { sortedFrozen } from '../../registry/user-info.js';
import type { KeySource } from '../../tokens/key-source.js';
import { LEGACY_ISSUER } from '../../tokens/legacy-claims.js';
import { validateLegacyClaims } from './legacy-validator.js';
import type { TokenObjectGetter } from '../../registry/token-object-getter.js';
import { EXTRA_CREDENTIAL_ID, userInfoOf } from '../../registry/service-account-info.js';
import type { PresentedToken, TokenAuthenticator, TokenAuthResult } from './bearer-token-chain.js';
import { type CachedIdentity, ReviewCache, type ReviewCacheMode } from './review-cache.js';

export interface ServiceAccountAuthOptions {
  issuers: readonly string[];
  apiAudiences: readonly string[];
  keys: KeySource;
  getter: TokenObjectGetter;
  clock: Clock;
  index: BindingIndex;
  /** false while the object cache may miss deletions: the review cache is then bypassed */
  inSync?: () => boolean;
  /** cached successful reviews (0 disables the cache) */
  cacheSize?: number;
  /** `immediate` (default) or kube-apiserver's 10 s success cache (`--revocation kubernetes`) */
  cacheMode?: ReviewCacheMode;
  /** `--service-account-lookup` for legacy tokens */
  lookup?: boolean;
  observer?: StaleTokenObserver & { legacy?(sub: string): void };
  markLegacyUsed?(secret: Secret, date: string): void;
  warn?(message: string): void;
}

/**
 * The two service-account authenticators of kube-apiserver (pkg/kubeapiserver/authenticator/config.go):
 * bound tokens (the configured issuers) with a review cache, and legacy Secret tokens
 * (`kubernetes/serviceaccount`), never cached.
 * @example
 * const [bound, legacy] = serviceAccountAuthenticators({ issuers, apiAudiences, keys, getter, clock, index });
 */
export function serviceAccountAuthenticators(o: ServiceAccountAuthOptions): [TokenAuthenticator, TokenAuthenticator] {
  const cache = o.cacheSize === 0 ? undefined : new ReviewCache({ index: o.index, clock: o.clock, max: o.cacheSize ?? 10_000, ...(o.cacheMode ? { mode: o.cacheMode } : {}) });
  const bound = new JwtAuthenticator({
    issuers: o.issuers,
    keys: o.keys,
    implicitAudiences: o.apiAudiences,
    validator: (_token, claims) => validateBoundClaims(claims, { getter: o.getter, clock: o.clock, ...(o.observer ? { observer: o.observer } : {}) }),
  });
  const legacy = new JwtAuthenticator({
    issuers: [LEGACY_ISSUER],
    keys: o.keys,
    implicitAudiences: o.apiAudiences,
    validator: (token, claims) => {
      o.observer?.legacy?.(claims.sub ?? '');
      return validateLegacyClaims(token, claims, {
        getter: o.getter,
        clock: o.clock,
        ...(o.lookup !== undefined ? { lookup: o.lookup } : {}),
        ...(o.markLegacyUsed ? { markUsed: o.markLegacyUsed } : {}),
        ...(o.warn ? { warn: o.warn } : {}),
      });
    },
  });

  /** A cached review's answer: no promise, no signature, only the liveness checks `get` made. */
  const fromCache = (hit: NonNullable<ReturnType<ReviewCache['get']>>, now: number): TokenAuthResult => {
    const id = hit.identity;
    const annotations = staleTokenAnnotations(id.sub, hit.warnAfter, now);
    if (annotations) o.observer?.stale?.(id.sub, now - hit.warnAfter!, id.info);
    else if (hit.warnAfter) o.observer?.valid?.(id.info);
    // made once per entry: credential-id sorts before the node and pod extras, so the extra stays in key order
    const user = (hit.user ??= hit.credentialID ? Object.freeze({ username: id.user.username, uid: id.user.uid, groups: id.user.groups, extra: sortedFrozen({ [EXTRA_CREDENTIAL_ID]: Object.freeze([hit.credentialID]) as string[], ...id.user.extra }) }) : id.user);
    return annotations ? { user, audiences: id.audiences, annotations } : { user, audiences: id.audiences };
  };

  /**
   * A review the cache could not answer: decode once; a bound-family token is verified and, if
   * valid, cached with what its validator returned (no payload is read again).
   */
  const verify = async (token: PresentedToken, audiences: readonly string[] | undefined, key: string | undefined): Promise<TokenAuthResult | undefined> => {
    const d = token.jws;
    if (!d || !bound.claims(d)) return undefined;
    const r = await bound.authenticateDecoded(token.value, d, audiences);
    if (r.kind === 'notMine') return undefined;
    if (r.kind === 'error') return { error: r.message };
    const v = r.token;
    const annotations = staleTokenAnnotations(v.sub, v.warnAfter, Math.floor(o.clock.now() / 1000));
    const result = annotations ? { user: userInfoOf(v.info), audiences: r.audiences, annotations } : { user: userInfoOf(v.info), audiences: r.audiences };
    if (cache && key !== undefined && (o.inSync?.() ?? true)) {
      const { credentialID, ...info } = v.info;
      const identityKey = JSON.stringify([info.namespace, info.name, info.uid, info.podName, info.podUID, info.nodeName, info.nodeUID, v.boundUid, r.audiences, v.sub]);
      const identity = cache.identity(identityKey, () =>
        frozen({
          user: userInfoOf(info),
          audiences: r.audiences,
          deps: v.boundUid ? [info.uid, v.boundUid] : [info.uid],
          sub: v.sub,
          info,
        }),
      );
      cache.set(key, { identity, exp: v.exp ?? 0, ...(credentialID ? { credentialID } : {}), ...(v.warnAfter ? { warnAfter: v.warnAfter } : {}) }, identityKey);
    }
    return result;
  };

  const boundAuth: TokenAuthenticator = (token, audiences) => {
    // the cache is bypassed while the object cache may have missed a deletion
    if (!cache || !(o.inSync?.() ?? true)) return verify(token, audiences, undefined);
    // the API audiences (the usual request) are keyed by the digest alone: a short, flat key
    const key = ReviewCache.key(token.digest, audiences === o.apiAudiences ? undefined : audiences);
    const now = Math.floor(o.clock.now() / 1000);
    const hit = cache.get(key, now);
    return hit ? fromCache(hit, now) : verify(token, audiences, key);
  };
  const legacyAuth: TokenAuthenticator = async (token, audiences) => {
    const d = token.jws;
    if (!d || !legacy.claims(d)) return undefined;
    const r = await legacy.authenticateDecoded(token.value, d, audiences);
    if (r.kind === 'notMine') return undefined;
    if (r.kind === 'error') return { error: r.message };
    const u = userInfoOf(r.token.info);
    return { user: { ...u, extra: {} }, audiences: r.audiences };
  };
  return [boundAuth, legacyAuth];
}

/**
 * Freezes what every cached review of one identity shares (the user, its groups and extra
 * values, the audiences, the dependencies), so that a caller changing an answer it got cannot
 * change the answers others get.
 */
function frozen(id: CachedIdentity): CachedIdentity {
  for (const v of Object.values(id.user.extra)) Object.freeze(v);
  sortedFrozen(id.user.extra);
  Object.freeze(id.user.groups);
  Object.freeze(id.user);
  Object.freeze(id.audiences);
  Object.freeze(id.deps);
  Object.freeze(id.info);
  return Object.freeze(id);
}
