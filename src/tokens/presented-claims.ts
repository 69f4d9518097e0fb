import type { Ref } from './claims.js';
import { LEGACY_NAMESPACE_CLAIM, LEGACY_SA_NAME_CLAIM, LEGACY_SA_UID_CLAIM, LEGACY_SECRET_NAME_CLAIM } from './legacy-claims.js';

/**
 * The claims of a presented service-account token, read once from its payload into typed
 * fields (what go-jose's `Claims(key, &public, &private)` unmarshals): the registered claims,
 * Kubernetes' private claim of bound tokens, and the four claims of legacy tokens. Values of
 * the wrong JSON type read as absent.
 */
export interface PresentedClaims {
  iss: string | undefined;
  sub: string | undefined;
  /** `aud` as a list (go-jose accepts a string or an array) */
  aud: string[];
  exp: number | undefined;
  nbf: number | undefined;
  iat: number | undefined;
  jti: string | undefined;
  /** `kubernetes.io` of bound tokens */
  kubernetes: PresentedKubernetesClaim | undefined;
  /** the `kubernetes.io/serviceaccount/*` claims of legacy tokens ('' when absent) */
  legacy: { namespace: string; secretName: string; serviceAccountName: string; serviceAccountUID: string };
}

export interface PresentedKubernetesClaim {
  namespace: string;
  serviceaccount: Required<Ref> | undefined;
  pod: Required<Ref> | undefined;
  secret: Required<Ref> | undefined;
  node: Ref | undefined;
  warnafter: number | undefined;
}


/**
 * Reads a token's payload into {@link PresentedClaims}.
 * @example
 * readClaims(decodeJws(token)!.payload).kubernetes?.pod?.name; // 'web-0'
 */
export function readClaims(payload: Record<string, unknown>): PresentedClaims {
  const k = payload['kubernetes.io'];
  return {
    iss: str(payload.iss),
    sub: str(payload.sub),
    aud: typeof payload.aud === 'string' ? (payload.aud ? [payload.aud] : []) : Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : [],
    exp: num(payload.exp),
    nbf: num(payload.nbf),
    iat: num(payload.iat),
    jti: str(payload.jti),
    kubernetes: k && typeof k === 'object' && !Array.isArray(k) ? kubernetesClaim(k as Record<string, unknown>) : undefined,
    legacy: {
      namespace: str(payload[LEGACY_NAMESPACE_CLAIM]) ?? '',
      secretName: str(payload[LEGACY_SECRET_NAME_CLAIM]) ?? '',
      serviceAccountName: str(payload[LEGACY_SA_NAME_CLAIM]) ?? '',
      serviceAccountUID: str(payload[LEGACY_SA_UID_CLAIM]) ?? '',
    },
  };
}

function kubernetesClaim(k: Record<string, unknown>): PresentedKubernetesClaim {
  const node = refOf(k.node);
  return { namespace: str(k.namespace) ?? '', serviceaccount: refOf(k.serviceaccount), pod: refOf(k.pod), secret: refOf(k.secret), node: node && (node.uid ? node : { name: node.name }), warnafter: num(k.warnafter) };
}

function refOf(v: unknown): Required<Ref> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as { name?: unknown; uid?: unknown };
  return { name: str(r.name) ?? '', uid: str(r.uid) ?? '' };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
