import { errors } from '../errors/index.js';
import { checkTypeMeta } from './type-meta.js';
import type { TokenAuthResult, TokenReview, TokenReviewAuthenticator, TokenReviewStatus, UserInfo } from './types.js';
import { sortedExtra } from './user-info.js';
import { FAULT_ANNOTATION, type FaultReporter } from './kinds/token-fault.js';

/** A fault reporter that hands the fault's name to `annotate` as `testing.satoken.dev/fault`. */
function faultAnnotator(annotate: (annotations: Readonly<Record<string, string>>) => void): FaultReporter {
  return (f) => annotate({ [FAULT_ANNOTATION]: f.name });
}

/**
 * The checks of a TokenReview's `spec` (a Bad Request for each, in kube-apiserver's words): the
 * token a non-empty string, the audiences absent or a list of strings.
 */
export function validateTokenReviewSpec(spec: { token?: unknown; audiences?: unknown }): asserts spec is TokenReview['spec'] {
  if (spec.token !== undefined && typeof spec.token !== 'string') throw errors.badRequest('spec.token must be a string');
  if (spec.audiences !== undefined && spec.audiences !== null && (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== 'string'))) {
    throw errors.badRequest('spec.audiences must be a list of strings');
  }
  if (!spec.token) throw errors.badRequest('token is required for TokenReview in authentication');
}

/**
 * `REST.Create` of pkg/registry/authentication/tokenreview/storage.go: validates the request,
 * runs the chain with the requested audiences (or the API audiences), and renders the status in
 * Kubernetes' member order. `spec` is echoed unchanged.
 */
export async function reviewToken(chain: TokenReviewAuthenticator, body: unknown, apiAudiences: readonly string[], namespace?: string, annotate?: (annotations: Readonly<Record<string, string>>) => void): Promise<TokenReview> {
  if (namespace) throw errors.badRequest(`namespace is not allowed on this type: ${namespace}`);
  checkTypeMeta(body, 'TokenReview', 'authentication.k8s.io/v1');
  const b = body as Partial<TokenReview>;
  const spec = (b.spec && typeof b.spec === 'object' ? b.spec : {}) as TokenReview['spec'];
  validateTokenReviewSpec(spec);
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...(b.metadata && typeof b.metadata === 'object' ? b.metadata : {}), creationTimestamp: null },
    spec,
    status: await tokenReviewStatus(chain, spec.token!, spec.audiences, apiAudiences, annotate),
  };
}

/**
 * The status of a TokenReview of `token` (already validated): members in Kubernetes' order
 * (authenticated, user, audiences, error). The user's groups, extra values and audiences of a
 * cached review are shared, frozen arrays.
 */
/**
 * `annotate` receives the audit annotations the review produced (a stale token's, a TokenFault's
 * name), which kube-apiserver adds to the TokenReview request's own audit event.
 */
export function tokenReviewStatus(chain: TokenReviewAuthenticator, token: string, audiences: readonly string[] | null | undefined, apiAudiences: readonly string[], annotate?: (annotations: Readonly<Record<string, string>>) => void): Promise<TokenReviewStatus> {
  const auds = audiences && audiences.length ? audiences : apiAudiences;
  try {
    const r = chain.answer(token, auds, annotate && faultAnnotator(annotate));
    if (!annotate) return r instanceof Promise ? r.then((x) => statusOf(x, auds)) : Promise.resolve(statusOf(r, auds));
    const settle = (x: TokenAuthResult) => {
      if ('annotations' in x && x.annotations) annotate(x.annotations);
      return statusOf(x, auds);
    };
    return r instanceof Promise ? r.then(settle) : Promise.resolve(settle(r));
  } catch (e) {
    return Promise.reject(e);
  }
}

function statusOf(r: TokenAuthResult, auds: readonly string[]): TokenReviewStatus {
  if (!('user' in r)) return { user: {}, error: r.error };
  if (auds.length && !r.audiences.some((a) => auds.includes(a))) throw errors.internal('error validating audiences');
  const u = r.user;
  const user: UserInfo = u.uid
    ? { username: u.username ?? '', uid: u.uid, groups: u.groups ?? [], extra: sortedExtra(u.extra) }
    : { username: u.username ?? '', groups: u.groups ?? [], extra: sortedExtra(u.extra) };
  return { authenticated: true, user, audiences: r.audiences };
}
