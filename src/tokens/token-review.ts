import { errors } from '../errors/index.js';
import type { TokenReview, TokenReviewStatus, UserInfo } from '../registry/types.js';
import { aggregateMessage } from '../util/go-format.js';

/**
 * A bearer-token authenticator: `undefined` = not mine; `{ error }` = mine but rejected. It may
 * answer synchronously (a review-cache hit, an empty token map) to spare the chain a promise.
 */
export type TokenAuthenticator = (token: string, audiences: readonly string[] | undefined) => TokenAuthResult | undefined | Promise<TokenAuthResult | undefined>;

export type TokenAuthResult = { user: UserInfo; audiences: string[] } | { error: string };

/**
 * The request chain's bearer-token union as clients see it (§4.6): a loopback authenticator that
 * always says `invalid bearer token` for foreign tokens, then the configured authenticators; the
 * first success wins, otherwise the distinct errors are aggregated: garbage gives
 * `invalid bearer token`, a rejected service-account token `[invalid bearer token, <why>]`.
 * @example
 * const chain = new BearerTokenChain([staticTokens, boundTokens, legacyTokens]);
 * await chain.authenticate(token, ['vault']);
 */
/** what the loopback authenticator says of every token it does not know */
const INVALID = 'invalid bearer token';

export class BearerTokenChain {
  constructor(private readonly authenticators: readonly TokenAuthenticator[]) {}

  async authenticate(token: string, audiences?: readonly string[]): Promise<TokenAuthResult> {
    return this.answer(token, audiences);
  }

  /** {@link authenticate}, without a promise when every authenticator asked answered at once. */
  answer(token: string, audiences?: readonly string[]): TokenAuthResult | Promise<TokenAuthResult> {
    let errs: string[] | undefined;
    for (let i = 0; i < this.authenticators.length; i++) {
      const r = this.authenticators[i]!(token, audiences);
      if (r instanceof Promise) return r.then((x) => this.rest(token, audiences, errs ?? [INVALID], i, x));
      if (!r) continue;
      if ('user' in r) return r;
      (errs ??= [INVALID]).push(r.error);
    }
    return { error: aggregateMessage(errs ?? [INVALID]) };
  }

  /** The chain after authenticator `i` answered `r` asynchronously. */
  private async rest(token: string, audiences: readonly string[] | undefined, errs: string[], i: number, r: TokenAuthResult | undefined): Promise<TokenAuthResult> {
    for (;;) {
      if (r) {
        if ('user' in r) return r;
        errs.push(r.error);
      }
      if (++i >= this.authenticators.length) return { error: aggregateMessage(errs) };
      r = await this.authenticators[i]!(token, audiences);
    }
  }
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
export async function reviewToken(chain: BearerTokenChain, body: unknown, apiAudiences: readonly string[], namespace?: string): Promise<TokenReview> {
  if (namespace) throw errors.badRequest(`namespace is not allowed on this type: ${namespace}`);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('the body of the request was not a TokenReview object');
  const b = body as Partial<TokenReview>;
  if (b.kind && b.kind !== 'TokenReview') throw errors.badRequest(`the kind in the data (${b.kind}) does not match the expected kind (TokenReview)`);
  if (b.apiVersion && b.apiVersion !== 'authentication.k8s.io/v1') {
    throw errors.badRequest(`the API version in the data (${b.apiVersion}) does not match the expected API version (authentication.k8s.io/v1)`);
  }
  const spec = (b.spec && typeof b.spec === 'object' ? b.spec : {}) as TokenReview['spec'];
  validateTokenReviewSpec(spec);
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...(b.metadata && typeof b.metadata === 'object' ? b.metadata : {}), creationTimestamp: null },
    spec,
    status: await tokenReviewStatus(chain, spec.token!, spec.audiences, apiAudiences),
  };
}

/**
 * The status of a TokenReview of `token` (already validated): members in Kubernetes' order
 * (authenticated, user, audiences, error). The user's groups, extra values and audiences of a
 * cached review are shared, frozen arrays.
 */
export function tokenReviewStatus(chain: BearerTokenChain, token: string, audiences: readonly string[] | null | undefined, apiAudiences: readonly string[]): Promise<TokenReviewStatus> {
  const auds = audiences && audiences.length ? audiences : apiAudiences;
  try {
    const r = chain.answer(token, auds);
    return r instanceof Promise ? r.then((x) => statusOf(x, auds)) : Promise.resolve(statusOf(r, auds));
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

/**
 * The extra in key order, as Go's JSON encoding of a map writes it. A frozen extra already in
 * order (a cached review's) is returned as it is; anything else is copied, so that the answer
 * never aliases an authenticator's own objects.
 */
function sortedExtra(extra: Record<string, string[]> | undefined): Record<string, string[]> {
  if (!extra) return {};
  const keys = Object.keys(extra);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1]! < keys[i]!;
  if (sorted && Object.isFrozen(extra)) return extra;
  const out: Record<string, string[]> = {};
  for (const k of sorted ? keys : keys.sort()) out[k] = extra[k]!;
  return out;
}
