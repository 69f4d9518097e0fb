import type { KubeObject } from '../types.js';
import { FAULT_ACTIONS, FAULT_ANNOTATION, FAULT_TARGETS, type AppliedFault, type FaultAction, type FaultReporter, type FaultTarget } from '../applied-fault.js';

export { FAULT_ACTIONS, FAULT_ANNOTATION, FAULT_TARGETS, type AppliedFault, type FaultAction, type FaultReporter, type FaultTarget };

/**
 * The TokenFault kind (testing.satoken.dev/v1alpha1, cluster-scoped): a fault a test asks for,
 * applied by every replica that sees the object. What each target and action do:
 *
 * | target | reject | error | delay | expire |
 * | --- | --- | --- | --- | --- |
 * | `review` (TokenReview, bearer use) | unauthenticated, `status.error` = `reason` | HTTP `code` with a Status | answer after `delay` | `service account token has expired` |
 * | `issue` (TokenRequest) | 403 Forbidden, `reason` in the message | HTTP `code` with a Status | answer after `delay` | — |
 * | `jwks` (`/openid/v1/jwks`, discovery) | a key set with no keys | HTTP `code` with a Status | answer after `delay` | — |
 *
 * `times` limits how many requests a fault changes (counted in `status.matched` on every replica
 * together); without it the fault stays in force until deleted.
 */
export interface TokenFault extends KubeObject {
  spec: TokenFaultSpec;
  status?: { matched?: number };
}

export interface TokenFaultSpec {
  /** every field given must match; an omitted field matches anything */
  match?: TokenFaultMatch;
  target: FaultTarget;
  action: FaultAction;
  /** reject: the review's `status.error` (default Kubernetes' invalidated text), or the TokenRequest's refusal; error: the Status message */
  reason?: string;
  /** error: the HTTP status answered (default 500) */
  code?: number;
  /** delay: a Go duration (`2s`, `1m30s`), added before the answer */
  delay?: string;
  /** apply to the next N matching requests, then stop (omitted: until deleted) */
  times?: number;
}

export interface TokenFaultMatch {
  /** the token's (review) or the TokenRequest's (issue) namespace */
  namespace?: string;
  /** the service account's name */
  serviceAccount?: string;
  /** the review's requested audiences (API audiences when none) or the TokenRequest's must intersect these */
  audiences?: string[];
  /** one token: `JTI=<jti>`, as `authentication.kubernetes.io/credential-id` names it (review only) */
  credentialId?: string;
}



/** The actions each target supports (expire is a property of tokens, so of reviews only). */
export const TARGET_ACTIONS: Readonly<Record<FaultTarget, readonly FaultAction[]>> = {
  review: ['reject', 'error', 'delay', 'expire'],
  issue: ['reject', 'error', 'delay'],
  jwks: ['reject', 'error', 'delay'],
};


/** The HTTP codes `error` may answer, each with the Kubernetes reason its Status carries. */
export const ERROR_CODES = [400, 401, 403, 404, 409, 429, 500, 503, 504] as const;

/** The longest `delay` (a request would have timed out long before: kube-apiserver's is 1m0s). */
export const MAX_DELAY_MS = 3_600_000;

/** `status.error` of a rejected review when the fault gives no reason: what Kubernetes answers for a token whose object is gone. */
export const DEFAULT_REJECT_REASON = '[invalid bearer token, service account token has been invalidated]';

/** `status.error` of a review a fault expired: what Kubernetes answers past `exp`. */
export const EXPIRED_ERROR = '[invalid bearer token, service account token has expired]';

/** The spec a library caller passes to `emulator.faults.inject`: the object's spec, and optionally its name. */
export type FaultSpec = TokenFaultSpec & { name?: string };
