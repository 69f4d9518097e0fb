/**
 * The claims of bound service-account tokens (pkg/serviceaccount/claims.go `Claims()`).
 */
import { serviceAccountUsername } from './service-account-username.js';

export interface Ref {
  name: string;
  uid?: string;
}

export interface KubernetesClaim {
  namespace: string;
  node?: Ref;
  pod?: Ref;
  secret?: Ref;
  serviceaccount: Ref;
  warnafter?: number;
}

export interface BoundClaims {
  aud?: string[];
  exp: number;
  iat: number;
  iss: string;
  jti?: string;
  'kubernetes.io': KubernetesClaim;
  nbf: number;
  sub: string;
}

export interface BoundClaimsInput {
  issuer: string;
  namespace: string;
  serviceAccount: Ref;
  audiences: string[];
  /** issue time, whole seconds */
  now: number;
  /** lifetime of the JWT in seconds (after clamp and extension) */
  lifetimeSeconds: number;
  jti: string;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
  warnAfter?: number;
}

function ref(r: Ref): Ref {
  return r.uid ? { name: r.name, uid: r.uid } : { name: r.name };
}

/**
 * Builds the payload of a bound token, keys already in the order go-jose emits (sorted).
 * @example
 * boundClaims({ issuer: 'https://kubernetes.default.svc.cluster.local', namespace: 'default',
 *   serviceAccount: { name: 'default', uid: 'e6a8…' }, audiences: ['vault'], now: 1717671355,
 *   lifetimeSeconds: 3600, jti: crypto.randomUUID() });
 */
export function boundClaims(i: BoundClaimsInput): BoundClaims {
  const kube = { namespace: i.namespace } as KubernetesClaim;
  if (i.node) kube.node = ref(i.node);
  if (i.pod) kube.pod = ref(i.pod);
  if (i.secret) kube.secret = ref(i.secret);
  kube.serviceaccount = ref(i.serviceAccount);
  if (i.warnAfter) kube.warnafter = i.warnAfter;
  const c = {} as BoundClaims;
  if (i.audiences.length) c.aud = [...i.audiences];
  c.exp = i.now + i.lifetimeSeconds;
  c.iat = i.now;
  c.iss = i.issuer;
  if (i.jti) c.jti = i.jti;
  c['kubernetes.io'] = kube;
  c.nbf = i.now;
  c.sub = serviceAccountUsername(i.namespace, i.serviceAccount.name);
  return c;
}

