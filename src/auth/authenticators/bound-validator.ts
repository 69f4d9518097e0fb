import type { Clock } from '../../clock/index.js';
import type { ObjectMeta } from '../../registry/types.js';
import { LEEWAY_SECONDS } from '../../tokens/leeway.js';
import type { PresentedClaims } from '../../tokens/presented-claims.js';
import type { TokenObjectGetter } from '../../registry/token-object-getter.js';
import type { ServiceAccountInfo } from '../../registry/service-account-info.js';
import type { ValidatedToken } from './validated-token.js';

export class TokenValidationError extends Error {}

export interface StaleTokenObserver {
  stale?(sub: string, secondsAfterWarning: number, info: ServiceAccountInfo): void;
  valid?(info: ServiceAccountInfo): void;
}

const invalidated = () => new TokenValidationError('service account token has been invalidated');

function deletedBefore(meta: ObjectMeta, cutSeconds: number): boolean {
  return !!meta.deletionTimestamp && Date.parse(meta.deletionTimestamp) / 1000 < cutSeconds;
}

/**
 * The bound-token validator, `validator.Validate` of pkg/serviceaccount/claims.go (1.30+ order):
 * - time: nbf, exp, iat with 60 s leeway
 * - service account exists, same UID, not deleted before now − leeway
 * - bound secret / pod: exists, same UID, not deleted before now − leeway
 * - node: copied from the claim when pod-bound; looked up when node-bound
 * - warnafter (extended tokens only): stale or valid, reported to the observer (never an error)
 * - credential id `JTI=<jti>`
 * It returns what the review cache needs (exp, warnafter, the bound object's UID) with the
 * service account info, so nothing reads the payload again.
 */
export async function validateBoundClaims(claims: PresentedClaims, deps: { getter: TokenObjectGetter; clock: Clock; observer?: StaleTokenObserver }): Promise<ValidatedToken> {
  const now = Math.floor(deps.clock.now() / 1000);
  validateTimes(claims, now);
  const kube = claims.kubernetes;
  const namespace = kube?.namespace ?? '';
  const saRef = kube?.serviceaccount ?? { name: '', uid: '' };
  const cut = now - LEEWAY_SECONDS;
  const sa = await deps.getter.getServiceAccount(namespace, saRef.name);
  if (sa.metadata.uid !== saRef.uid) throw new TokenValidationError(`service account UID (${sa.metadata.uid}) does not match claim (${saRef.uid})`);
  if (deletedBefore(sa.metadata, cut)) throw new TokenValidationError(`service account ${namespace}/${saRef.name} has been deleted`);
  const info: ServiceAccountInfo = { name: saRef.name, namespace, uid: saRef.uid };
  let boundUid: string | undefined;
  if (kube?.secret) {
    const ref = kube.secret;
    const s = await tryGet(() => deps.getter.getSecret(namespace, ref.name));
    if (!s) throw invalidated();
    if (s.metadata.uid !== ref.uid) throw new TokenValidationError(`secret UID (${s.metadata.uid}) does not match service account secret ref claim (${ref.uid})`);
    if (deletedBefore(s.metadata, cut)) throw invalidated();
    boundUid = ref.uid;
  }
  if (kube?.pod) {
    const ref = kube.pod;
    const p = await tryGet(() => deps.getter.getPod(namespace, ref.name));
    if (!p) throw invalidated();
    if (p.metadata.uid !== ref.uid) throw new TokenValidationError(`pod UID (${p.metadata.uid}) does not match service account pod ref claim (${ref.uid})`);
    if (deletedBefore(p.metadata, cut)) throw invalidated();
    info.podName = ref.name;
    info.podUID = ref.uid;
    boundUid = ref.uid;
  }
  if (kube?.node) {
    const ref = kube.node;
    if (!kube.pod) {
      const n = await tryGet(() => deps.getter.getNode(ref.name));
      if (!n) throw invalidated();
      if (n.metadata.uid !== (ref.uid ?? '')) throw new TokenValidationError(`node UID (${n.metadata.uid}) does not match service account node ref claim (${ref.uid ?? ''})`);
      if (deletedBefore(n.metadata, cut)) throw invalidated();
      boundUid = ref.uid;
    }
    info.nodeName = ref.name;
    if (ref.uid) info.nodeUID = ref.uid;
  }
  const warnAfter = kube?.warnafter;
  const sub = claims.sub ?? '';
  // claims.go counts only extended tokens (a non-zero warnafter): stale past it, valid before
  if (warnAfter) {
    if (now > warnAfter) deps.observer?.stale?.(sub, now - warnAfter, info);
    else deps.observer?.valid?.(info);
  }
  if (claims.jti) info.credentialID = `JTI=${claims.jti}`;
  return { info, exp: claims.exp, warnAfter: warnAfter || undefined, boundUid, sub };
}

/** go-jose's Claims.Validate with 60 s leeway: nbf, then exp, then iat. */
export function validateTimes(claims: Pick<PresentedClaims, 'nbf' | 'exp' | 'iat'>, nowSeconds: number): void {
  const { nbf, exp, iat } = claims;
  if (nbf !== undefined && nowSeconds + LEEWAY_SECONDS < nbf) throw new TokenValidationError('service account token is not valid yet');
  if (exp !== undefined && nowSeconds - LEEWAY_SECONDS > exp) throw new TokenValidationError('service account token has expired');
  if (iat !== undefined && nowSeconds + LEEWAY_SECONDS < iat) throw new TokenValidationError('service account token is issued in the future');
}

async function tryGet<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch {
    return undefined;
  }
}
