import { errors } from '../errors/index.js';
import type { TokenReview, TokenReviewStatus, UserInfo } from '../registry/types.js';
import { aggregateMessage } from '../util/go-format.js';

/** A bearer-token authenticator: `undefined` = not mine; `{ error }` = mine but rejected. */
export type TokenAuthenticator = (token: string, audiences: readonly string[] | undefined) => Promise<TokenAuthResult | undefined>;

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
export class BearerTokenChain {
  constructor(private readonly authenticators: readonly TokenAuthenticator[]) {}

  async authenticate(token: string, audiences?: readonly string[]): Promise<TokenAuthResult> {
    const errs = ['invalid bearer token'];
    for (const a of this.authenticators) {
      const r = await a(token, audiences);
      if (!r) continue;
      if ('user' in r) return r;
      errs.push(r.error);
    }
    return { error: aggregateMessage(errs) };
  }
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
  if (spec.token !== undefined && typeof spec.token !== 'string') throw errors.badRequest('spec.token must be a string');
  if (spec.audiences !== undefined && spec.audiences !== null && (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== 'string'))) {
    throw errors.badRequest('spec.audiences must be a list of strings');
  }
  if (!spec.token) throw errors.badRequest('token is required for TokenReview in authentication');
  const auds = spec.audiences && spec.audiences.length ? spec.audiences : apiAudiences;
  const r = await chain.authenticate(spec.token, auds);
  const status: TokenReviewStatus = { user: {} };
  if ('user' in r) {
    if (auds.length && !r.audiences.some((a) => auds.includes(a))) throw errors.internal('error validating audiences');
    const u = r.user;
    status.authenticated = true;
    status.user = { username: u.username ?? '', ...(u.uid ? { uid: u.uid } : {}), groups: u.groups ?? [], extra: sortedExtra(u.extra) };
    status.audiences = r.audiences;
  } else {
    status.error = r.error;
  }
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...(b.metadata && typeof b.metadata === 'object' ? b.metadata : {}), creationTimestamp: null },
    spec,
    status: orderStatus(status),
  };
}

function sortedExtra(extra: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const keys = Object.keys(extra ?? {});
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1]! < keys[i]!;
  for (const k of sorted ? keys : keys.sort()) out[k] = extra![k]!;
  return out;
}

function orderStatus(s: TokenReviewStatus): TokenReviewStatus {
  const o = {} as TokenReviewStatus;
  if (s.authenticated) o.authenticated = true;
  o.user = s.user;
  if (s.audiences) o.audiences = s.audiences;
  if (s.error) o.error = s.error;
  return o;
}
