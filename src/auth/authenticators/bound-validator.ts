import type { Clock } from '../../clock/index.js';
import type { ObjectMeta } from '../../registry/types.js';
import type { KubernetesClaim } from '../../tokens/claims.js';
import type { TokenObjectGetter } from '../../tokens/object-getter.js';
import type { ServiceAccountInfo } from '../../tokens/service-account-info.js';

/** go-jose's jwt.DefaultLeeway, used for time claims and for deletion of bound objects. */
export const LEEWAY_SECONDS = 60;

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
 * - warnafter: reported to the observer (never an error)
 * - credential id `JTI=<jti>`
 */
export async function validateBoundClaims(
  payload: Record<string, unknown>,
  deps: { getter: TokenObjectGetter; clock: Clock; observer?: StaleTokenObserver },
): Promise<ServiceAccountInfo> {
  const now = Math.floor(deps.clock.now() / 1000);
  validateTimes(payload, now);
  const kube = (payload['kubernetes.io'] ?? {}) as Partial<KubernetesClaim>;
  const namespace = String(kube.namespace ?? '');
  const saRef = kube.serviceaccount ?? { name: '' };
  const cut = now - LEEWAY_SECONDS;
  const sa = await deps.getter.getServiceAccount(namespace, String(saRef.name ?? ''));
  if (sa.metadata.uid !== saRef.uid) throw new TokenValidationError(`service account UID (${sa.metadata.uid}) does not match claim (${saRef.uid})`);
  if (deletedBefore(sa.metadata, cut)) throw new TokenValidationError(`service account ${namespace}/${saRef.name} has been deleted`);
  const info: ServiceAccountInfo = { name: String(saRef.name), namespace, uid: String(saRef.uid) };
  if (kube.secret) {
    const s = await tryGet(() => deps.getter.getSecret(namespace, kube.secret!.name));
    if (!s) throw invalidated();
    if (s.metadata.uid !== kube.secret.uid) throw new TokenValidationError(`secret UID (${s.metadata.uid}) does not match service account secret ref claim (${kube.secret.uid})`);
    if (deletedBefore(s.metadata, cut)) throw invalidated();
  }
  if (kube.pod) {
    const p = await tryGet(() => deps.getter.getPod(namespace, kube.pod!.name));
    if (!p) throw invalidated();
    if (p.metadata.uid !== kube.pod.uid) throw new TokenValidationError(`pod UID (${p.metadata.uid}) does not match service account pod ref claim (${kube.pod.uid})`);
    if (deletedBefore(p.metadata, cut)) throw invalidated();
    info.podName = kube.pod.name;
    info.podUID = kube.pod.uid ?? '';
  }
  if (kube.node) {
    if (!kube.pod) {
      const n = await tryGet(() => deps.getter.getNode(kube.node!.name));
      if (!n) throw invalidated();
      if (n.metadata.uid !== kube.node.uid) throw new TokenValidationError(`node UID (${n.metadata.uid}) does not match service account node ref claim (${kube.node.uid})`);
      if (deletedBefore(n.metadata, cut)) throw invalidated();
    }
    info.nodeName = kube.node.name;
    if (kube.node.uid) info.nodeUID = kube.node.uid;
  }
  const warnafter = num(kube.warnafter);
  if (warnafter && now > warnafter) deps.observer?.stale?.(String(payload.sub ?? ''), now - warnafter, info);
  else deps.observer?.valid?.(info);
  if (typeof payload.jti === 'string' && payload.jti) info.credentialID = `JTI=${payload.jti}`;
  return info;
}

/** go-jose's Claims.Validate with 60 s leeway: nbf, then exp, then iat. */
export function validateTimes(payload: Record<string, unknown>, nowSeconds: number): void {
  const nbf = num(payload.nbf);
  const exp = num(payload.exp);
  const iat = num(payload.iat);
  if (nbf !== undefined && nowSeconds + LEEWAY_SECONDS < nbf) throw new TokenValidationError('service account token is not valid yet');
  if (exp !== undefined && nowSeconds - LEEWAY_SECONDS > exp) throw new TokenValidationError('service account token has expired');
  if (iat !== undefined && nowSeconds + LEEWAY_SECONDS < iat) throw new TokenValidationError('service account token is issued in the future');
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

async function tryGet<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch {
    return undefined;
  }
}
