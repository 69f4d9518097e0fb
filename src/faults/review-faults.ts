import type { ChainInterceptor, PresentedToken, TokenAuthResult } from '../auth/authenticators/bearer-token-chain.js';
import { LEGACY_ISSUER } from '../tokens/legacy-claims.js';
import { readClaims } from '../tokens/presented-claims.js';
import type { FaultRequest } from './active-faults.js';
import { faultError, waitFor } from './fault-actions.js';
import type { AppliedFault, FaultInjector } from './fault-injector.js';
import { DEFAULT_REJECT_REASON, EXPIRED_ERROR } from '../registry/kinds/token-fault.js';

/**
 * The identity a presented service-account token claims, for matching (read, not verified: a
 * fault acts on what the token says, as a broken reviewer would), or undefined when the token
 * is no service-account token of these issuers (static tokens, certificates, garbage): faults
 * never touch those, so an administrator's own credentials keep working whatever faults exist.
 */
export function reviewRequest(token: PresentedToken, audiences: readonly string[], issuers: ReadonlySet<string>): FaultRequest | undefined {
  const d = token.jws;
  if (!d) return undefined;
  const iss = d.payload.iss;
  if (iss === LEGACY_ISSUER) {
    const c = readClaims(d.payload).legacy;
    return { namespace: c.namespace, serviceAccount: c.serviceAccountName, audiences };
  }
  if (typeof iss !== 'string' || !issuers.has(iss)) return undefined;
  const c = readClaims(d.payload);
  return { namespace: c.kubernetes?.namespace, serviceAccount: c.kubernetes?.serviceaccount?.name, audiences, ...(c.jti ? { credentialId: `JTI=${c.jti}` } : {}) };
}

/**
 * TokenFaults of target `review`, in front of the bearer-token chain, so that a TokenReview
 * (HTTP or library) and every request authenticated with a service-account token see them:
 * - reject: unauthenticated with `status.error` = the fault's reason, or Kubernetes' words for
 *   an invalidated token (a request made with the token: 401 Unauthorized);
 * - expire: unauthenticated with Kubernetes' words for an expired token;
 * - error: the review (or the request) ends with the fault's code and a Status;
 * - delay: the usual answer, after the delay on the control plane's clock.
 * The requested audiences are the review's (the API audiences when it names none, and for
 * requests made with the token). Nothing is cached from a faulted answer.
 * @example
 * const chain = new BearerTokenChain([staticTokens, bound, legacy], reviewFaults(injector, { issuers, apiAudiences }));
 */
export function reviewFaults(injector: FaultInjector, o: { issuers: readonly string[]; apiAudiences: readonly string[] }): ChainInterceptor {
  const issuers = new Set(o.issuers);
  const act = (f: AppliedFault, answer: () => TokenAuthResult | Promise<TokenAuthResult>): TokenAuthResult | Promise<TokenAuthResult> => {
    switch (f.action) {
      case 'reject':
        return { error: f.reason ?? DEFAULT_REJECT_REASON };
      case 'expire':
        return { error: EXPIRED_ERROR };
      case 'error':
        throw faultError(f.code, f.reason);
      case 'delay':
        return waitFor(injector.clock, f.delayMs).then(answer);
    }
  };
  return {
    intercept(token, audiences, report, answer) {
      if (!injector.has('review')) return undefined;
      const request = reviewRequest(token, audiences && audiences.length ? audiences : o.apiAudiences, issuers);
      if (!request) return undefined;
      const f = injector.apply('review', request, report);
      if (f === undefined) return undefined;
      if (f instanceof Promise) return f.then((x) => (x ? act(x, answer) : answer()));
      return act(f, answer);
    },
  };
}
