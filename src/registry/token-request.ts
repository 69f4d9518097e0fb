import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { rfc3339 } from '../clock/index.js';
import { errors, invalid, type FieldError } from '../errors/index.js';
import type { Admission } from './admission.js';
import { type ResourceInfo, parseApiVersion } from './kinds.js';
import { checkTypeMeta } from './type-meta.js';
import type { BoundObjectReference, KubeObject, TokenRequest, UserInfo } from './types.js';
import { type BoundClaims, type Ref, boundClaims } from '../tokens/claims.js';
import type { KeySource } from '../tokens/key-source.js';
import type { TokenObjectGetter } from './token-object-getter.js';
import { type SigningMode, signToken } from '../tokens/signer.js';

export const DEFAULT_EXPIRATION_SECONDS = 3600;
export const MIN_EXPIRATION_SECONDS = 600;
export const MAX_EXPIRATION_SECONDS = 2 ** 32;
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;

export interface TokenRequestConfig {
  /** `--service-account-issuer` values; the first signs */
  issuers: readonly string[];
  /** `--api-audiences`, defaulting to the issuers */
  apiAudiences: readonly string[];
  /** `--service-account-max-token-expiration` in seconds; 0 = none */
  maxExpirationSeconds: number;
  /** `--service-account-extend-token-expiration` (default true) */
  extendExpiration: boolean;
  maxExtendedExpirationSeconds?: number;
  /** where signatures are computed (default `inline`) */
  signing?: SigningMode;
}

/** What was issued, for the binding registry. */
export interface IssuedToken {
  jti: string;
  namespace: string;
  serviceAccount: Required<Ref>;
  bound?: { kind: 'Pod' | 'Secret' | 'Node'; name: string; uid: string };
  node?: Ref;
  issuedAt: number;
  expiresAt: number;
  warnAfter?: number;
  audiences: string[];
}

/** Admission as TokenRequest runs it: the chain, and the resource the subresource hangs on. */
export interface TokenAdmission extends Admission {
  readonly serviceAccounts: ResourceInfo;
}

export interface TokenRequestResult {
  tokenRequest: TokenRequest;
  warnings: string[];
  issued: IssuedToken;
  claims: BoundClaims;
}

/** A TokenRequest as the node-restriction check reads it. */
export type TokenRequestAdmission = (a: { namespace: string; serviceAccountName: string; request: TokenRequest; user: UserInfo | undefined }) => Promise<void> | void;

/**
 * `TokenREST.Create` (pkg/registry/core/serviceaccount/storage/token.go), in its order:
 * namespace; name/namespace consistency; the service account; defaulting; validation;
 * admission; bound-object resolution; max-expiration clamp; the 3607-second extension;
 * claims, signature and status.
 * @example
 * const { tokenRequest } = await createTokenRequest(deps, 'default', 'build-robot', { spec: { audiences: ['vault'] } });
 */
export async function createTokenRequest(
  deps: { config: TokenRequestConfig; getter: TokenObjectGetter; keys: KeySource; clock: Clock; admission?: TokenAdmission },
  namespace: string,
  name: string,
  body: unknown,
  user?: UserInfo,
): Promise<TokenRequestResult> {
  if (!namespace) throw errors.badRequest('namespace is required');
  const req = normalize(body);
  const meta = req.metadata;
  if (meta.name && meta.name !== name) {
    throw errors.invalid('TokenRequest', name, [invalid('metadata.name', meta.name, 'must match the service account name if specified')], 'authentication.k8s.io');
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw errors.invalid('TokenRequest', name, [invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')], 'authentication.k8s.io');
  }
  const sa = await deps.getter.getServiceAccount(namespace, name);
  const warnings: string[] = [];
  if (meta.uid && meta.uid !== sa.metadata.uid) {
    warnings.push(`the UID in the token request (${meta.uid}) does not match the UID of the service account (${sa.metadata.uid}) but TokenRequestServiceAccountUIDValidation is not enabled. In the future, this will return a conflict error`);
  }
  const apiAuds = deps.config.apiAudiences;
  // IMPORTANT: admission (NodeRestriction, auth/admission/node-restriction-audience.ts) sees the
  // audiences as sent, as kube-apiserver's mutating admission runs before TokenREST defaults them
  const sent = req.spec.audiences;
  if (!req.spec.audiences || req.spec.audiences.length === 0) req.spec.audiences = [...apiAuds];
  const now = deps.clock.now();
  req.metadata = { name, namespace, creationTimestamp: rfc3339(now) };
  req.status = { token: '', expirationTimestamp: null };
  const errs = validateSpec(req);
  if (errs.length) throw errors.invalid('TokenRequest', '', errs, 'authentication.k8s.io');
  const admitted = { ...req, spec: { ...req.spec, audiences: sent } };
  await deps.admission?.run({ operation: 'CREATE', resource: deps.admission.serviceAccounts, subresource: 'token', namespace, name, object: admitted as unknown as KubeObject, oldObject: undefined, user, dryRun: false });

  const bound = await resolveBoundObject(deps.getter, namespace, name, req.spec.boundObjectRef);
  let seconds = req.spec.expirationSeconds!;
  const max = deps.config.maxExpirationSeconds;
  if (max > 0 && seconds > max) {
    warnings.push(`requested expiration of ${seconds} seconds shortened to ${max} seconds`);
    seconds = max;
    req.spec.expirationSeconds = max;
  }
  const audiences = req.spec.audiences;
  const apiAudSet = new Set(apiAuds);
  let lifetime = seconds;
  let warnAfter: number | undefined;
  const nowSec = Math.floor(now / 1000);
  if (deps.config.extendExpiration && bound.pod && seconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && audiences.every((a) => apiAudSet.has(a))) {
    lifetime = deps.config.maxExtendedExpirationSeconds ?? EXPIRATION_EXTENSION_SECONDS;
    warnAfter = nowSec + WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS;
  }
  const jti = randomUUID();
  const saRef = { name, uid: sa.metadata.uid ?? '' };
  const claims = boundClaims({ issuer: deps.config.issuers[0]!, namespace, serviceAccount: saRef, audiences, now: nowSec, lifetimeSeconds: lifetime, jti, ...bound.claims, ...(warnAfter ? { warnAfter } : {}) });
  req.status.token = await signToken(deps.keys, claims, deps.config.signing);
  req.status.expirationTimestamp = rfc3339((nowSec + seconds) * 1000);
  const issued: IssuedToken = { jti, namespace, serviceAccount: saRef, issuedAt: nowSec, expiresAt: claims.exp, audiences: [...audiences] };
  if (bound.ref) issued.bound = bound.ref;
  if (bound.claims.node) issued.node = bound.claims.node;
  if (warnAfter) issued.warnAfter = warnAfter;
  return { tokenRequest: req, warnings, issued, claims };
}

/** Takes JSON (with or without kind/apiVersion, as the Python client sends) into a TokenRequest with JSON's nulls. */
function normalize(body: unknown): TokenRequest {
  if (body !== undefined && body !== null) checkTypeMeta(body, 'TokenRequest', 'authentication.k8s.io/v1');
  const b = (body ?? {}) as Partial<TokenRequest>;
  const spec = (b.spec && typeof b.spec === 'object' ? b.spec : {}) as Partial<TokenRequest['spec']>;
  const auds = spec.audiences;
  if (auds != null && (!Array.isArray(auds) || auds.some((a) => typeof a !== 'string'))) throw errors.badRequest('spec.audiences must be a list of strings');
  const exp = spec.expirationSeconds;
  if (exp != null && (typeof exp !== 'number' || !Number.isInteger(exp))) throw errors.badRequest(`spec.expirationSeconds must be an integer, got ${JSON.stringify(exp)}`);
  const ref = spec.boundObjectRef;
  if (ref != null && (typeof ref !== 'object' || Array.isArray(ref))) throw errors.badRequest('spec.boundObjectRef must be an object');
  const meta = b.metadata && typeof b.metadata === 'object' ? b.metadata : {};
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...meta },
    spec: { audiences: auds ? [...auds] : null, expirationSeconds: exp ?? DEFAULT_EXPIRATION_SECONDS, boundObjectRef: ref ? { ...ref } : null },
    status: { token: '', expirationTimestamp: null },
  };
}

/** ValidateTokenRequest (pkg/apis/authentication/validation). */
function validateSpec(req: TokenRequest): FieldError[] {
  const exp = req.spec.expirationSeconds!;
  if (exp < MIN_EXPIRATION_SECONDS) return [invalid('spec.expirationSeconds', exp, 'may not specify a duration less than 10 minutes')];
  if (exp > MAX_EXPIRATION_SECONDS) return [invalid('spec.expirationSeconds', exp, 'may not specify a duration larger than 2^32 seconds')];
  return [];
}

interface ResolvedBinding {
  pod?: true;
  ref?: IssuedToken['bound'];
  claims: { pod?: Ref; secret?: Ref; node?: Ref };
}

/** boundObjectRef resolution: group and kind only, case-sensitive; UID must match when given. */
async function resolveBoundObject(getter: TokenObjectGetter, namespace: string, saName: string, ref: BoundObjectReference | null): Promise<ResolvedBinding> {
  if (!ref) return { claims: {} };
  const { group, version } = parseApiVersion(ref.apiVersion);
  const kind = ref.kind ?? '';
  const name = ref.name ?? '';
  const checkUid = (actual: string | undefined) => {
    if (ref.uid && ref.uid !== actual) {
      throw errors.conflict(kind, name, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`, group);
    }
  };
  if (group === '' && kind === 'Pod') {
    const pod = await getter.getPod(namespace, name);
    if ((pod.spec?.serviceAccountName || 'default') !== saName) {
      throw errors.badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
    }
    const uid = pod.metadata.uid ?? '';
    const claims: ResolvedBinding['claims'] = { pod: { name, uid } };
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      let nodeUid: string | undefined;
      try {
        nodeUid = (await getter.getNode(nodeName)).metadata.uid;
      } catch (e) {
        if (!(e instanceof Error && 'code' in e && (e as { code: number }).code === 404)) throw errors.internal(e instanceof Error ? e.message : String(e));
      }
      claims.node = nodeUid ? { name: nodeName, uid: nodeUid } : { name: nodeName };
    }
    checkUid(pod.metadata.uid);
    return { pod: true, ref: { kind: 'Pod', name, uid }, claims };
  }
  if (group === '' && kind === 'Secret') {
    const secret = await getter.getSecret(namespace, name);
    checkUid(secret.metadata.uid);
    const uid = secret.metadata.uid ?? '';
    return { ref: { kind: 'Secret', name, uid }, claims: { secret: { name, uid } } };
  }
  if (group === '' && kind === 'Node') {
    const node = await getter.getNode(name);
    checkUid(node.metadata.uid);
    const uid = node.metadata.uid ?? '';
    return { ref: { kind: 'Node', name, uid }, claims: { node: { name, uid } } };
  }
  throw errors.badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
}
