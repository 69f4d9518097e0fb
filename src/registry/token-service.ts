import type { FaultReporter } from './kinds/token-fault.js';
import type { Clock } from '../clock/index.js';
import type { KeySource } from '../tokens/key-source.js';
import type { TokenObjectGetter } from './token-object-getter.js';
import type { Admission } from './admission.js';
import type { BindingIndex } from './binding-index.js';
import type { ResourceInfo } from './kinds.js';
import { createTokenRequest, type IssuedToken, type TokenAdmission, type TokenRequestConfig } from './token-request.js';
import { reviewToken, tokenReviewStatus, validateTokenReviewSpec } from './token-review.js';
import type { TokenRequest, TokenReview, TokenReviewAuthenticator, TokenReviewStatus, UserInfo } from './types.js';

/**
 * What TokenService.issue asks before it issues (faults/issue-faults.ts: TokenFaults of target
 * `issue`): nothing (undefined) or a promise that settles when the request may go on; it throws
 * (or rejects) the error the request ends with.
 */
export type IssueFaultHook = (namespace: string, serviceAccount: string, body: unknown, report: FaultReporter | undefined) => void | Promise<void>;

export interface TokenServiceDeps {
  config: TokenRequestConfig;
  getter: TokenObjectGetter;
  keys: KeySource;
  clock: Clock;
  /** the control plane's admission chain: a TokenRequest is a CREATE of `serviceaccounts/token` */
  admission: Admission;
  /** where issued tokens are recorded, so that they die with their objects */
  bindings: BindingIndex;
  /** the bearer-token authenticators a TokenReview runs */
  authentication: TokenReviewAuthenticator;
  /** the ServiceAccount resource (the subresource's parent, for admission) */
  serviceAccounts: ResourceInfo;
  /** TokenFaults of target `issue` (faults/issue-faults.ts), asked before each TokenRequest */
  faults?: IssueFaultHook;
}

/** What {@link TokenService.issue} returns: the answer, its warnings, and what was recorded. */
export interface IssueResult {
  tokenRequest: TokenRequest;
  /** `Warning: 299` texts (a clamped expiration, a UID mismatch) */
  warnings: string[];
  issued: IssuedToken;
}

/**
 * The token REST storages of kube-apiserver: `TokenREST` (pkg/registry/core/serviceaccount/
 * storage/token.go) and the TokenReview storage (pkg/registry/authentication/tokenreview).
 * Issuing records the token in the binding registry itself, as Kubernetes' issuer records
 * nothing but satoken's registry must know every token to kill it with its objects.
 * @example
 * const { tokenRequest, warnings, issued } = await tokens.issue('default', 'build-robot', { spec: { audiences: ['vault'] } }, user);
 * const review = await tokens.review({ spec: { token: tokenRequest.status.token } });
 */
export class TokenService {
  readonly issuers: readonly string[];
  readonly apiAudiences: readonly string[];
  private readonly admission: TokenAdmission;

  constructor(private readonly deps: TokenServiceDeps) {
    this.issuers = deps.config.issuers;
    this.apiAudiences = deps.config.apiAudiences;
    this.admission = { serviceAccounts: deps.serviceAccounts, run: (a) => deps.admission.run(a) };
  }

  /**
   * `POST .../serviceaccounts/<name>/token`: `body` is what a client would send. `report` hears
   * of a TokenFault that acted on the request.
   */
  async issue(namespace: string, serviceAccount: string, body: unknown, user?: UserInfo, report?: FaultReporter): Promise<IssueResult> {
    const d = this.deps;
    const fault = d.faults?.(namespace, serviceAccount, body, report);
    if (fault) await fault;
    const r = await createTokenRequest({ config: d.config, getter: d.getter, keys: d.keys, clock: d.clock, admission: this.admission }, namespace, serviceAccount, body, user);
    d.bindings.record(r.issued);
    return { tokenRequest: r.tokenRequest, warnings: r.warnings, issued: r.issued };
  }

  /** `POST /apis/authentication.k8s.io/v1/tokenreviews`; `annotate` receives the review's audit annotations. */
  review(body: unknown, namespace?: string, annotate?: (annotations: Readonly<Record<string, string>>) => void): Promise<TokenReview> {
    return reviewToken(this.deps.authentication, body, this.apiAudiences, namespace, annotate);
  }

  /** A TokenReview's status for `token` and `audiences` (checked as the spec would be). */
  reviewStatus(token: string, audiences?: string[]): Promise<TokenReviewStatus> {
    // a string token and no audiences: nothing to check (the common call)
    if (typeof token !== 'string' || !token || audiences !== undefined) {
      try {
        validateTokenReviewSpec({ token, audiences });
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return tokenReviewStatus(this.deps.authentication, token, audiences, this.apiAudiences);
  }
}
