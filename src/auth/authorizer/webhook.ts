/**
 * The webhook authorizer (staging/src/k8s.io/apiserver/plugin/pkg/authorizer/webhook/webhook.go,
 * with the generic webhook of staging/src/k8s.io/apiserver/pkg/util/webhook and client-go's REST
 * client under it): each decision is a SubjectAccessReview POSTed to the server a kubeconfig file
 * names (`--authorization-webhook-config-file`).
 * - The review's wire format and the reading of the answer: ./subject-access-review.ts.
 * - The kubeconfig, the version (`--authorization-webhook-version`, v1beta1 by default):
 *   ./webhook-config.ts; the transport (TLS, timeouts, Retry-After, client-go's error texts):
 *   ../../client/rest-transport.ts.
 * - `status.denied` → Deny, `status.allowed` → Allow, neither → NoOpinion, with `status.reason`;
 *   both → Deny with an error.
 * - A failed call is NoOpinion with an empty reason and the error, in client-go's words
 *   (`an error on the server ("boom") has prevented the request from succeeding`, the message
 *   of a returned Status, `Post "https://...": dial tcp ...: connect: connection refused`);
 *   kube-apiserver then answers 500 unless another authorizer allows.
 * - Failed calls are retried as the generic webhook does (../../client/webhook-backoff.ts:
 *   5 attempts, 500 ms apart growing ×1.5, 20 % jitter, on `clock`).
 * - With a clock, answers are cached by spec (./webhook-cache.ts: 8192 entries, allowed for
 *   5 minutes, others for 30 seconds; oversized requests never).
 * - As a rule resolver it lists nothing and says the list is incomplete.
 */
import { loadKubeconfig, type Connection } from '../../client/kubeconfig.js';
import { successBody } from '../../client/rest-errors.js';
import type { RestTransport } from '../../client/rest-transport.js';
import { withExponentialBackoff } from '../../client/webhook-backoff.js';
import type { UserInfo } from '../../registry/types.js';
import { goJsonStringify } from '../../util/go-json.js';
import { readSubjectAccessReview, sarCacheKey, subjectAccessReviewFor, type SarStatus, type SubjectAccessReviewVersion } from './subject-access-review.js';
import { DecisionCache, shouldCacheDecision } from './webhook-cache.js';
import { webhookConfig, type WebhookOptions } from './webhook-config.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesForResult } from './types.js';

/**
 * Asks a remote service.
 * @example
 * const authz = WebhookAuthorizer.fromKubeconfig('/etc/satoken/authz-webhook.yaml', { clock });
 */
export class WebhookAuthorizer implements Authorizer, RuleResolver {
  private readonly version: SubjectAccessReviewVersion;
  private readonly transport: RestTransport;
  private readonly cache: DecisionCache | undefined;

  constructor(
    conn: Connection,
    private readonly opts: WebhookOptions = {},
  ) {
    ({ version: this.version, transport: this.transport } = webhookConfig(conn, opts));
    this.cache = opts.clock ? new DecisionCache(opts.clock, { authorizedTTL: opts.authorizedTTL, unauthorizedTTL: opts.unauthorizedTTL }) : undefined;
  }

  /** Reads the server, CA and credentials from a kubeconfig (its current context). */
  static fromKubeconfig(path: string, opts: WebhookOptions = {}): WebhookAuthorizer {
    return new WebhookAuthorizer(loadKubeconfig(path), opts);
  }

  async authorize(a: Attributes): Promise<AuthorizationResult> {
    const key = this.cache ? sarCacheKey(a) : '';
    let status = this.cache?.get(key);
    if (!status) {
      try {
        status = await this.review(a);
      } catch (e) {
        return { decision: 'NoOpinion', reason: '', error: e instanceof Error ? e : new Error(String(e)) };
      }
      if (this.cache && shouldCacheDecision(a)) this.cache.set(key, status);
    }
    const reason = status.reason;
    if (status.denied && status.allowed) return { decision: 'Deny', reason, error: new Error('webhook subject access review returned both allow and deny response') };
    if (status.denied) return { decision: 'Deny', reason };
    if (status.allowed) return { decision: 'Allow', reason };
    return { decision: 'NoOpinion', reason };
  }

  /** The webhook cannot list rules: nothing, incomplete, and why. */
  async rulesFor(_user: UserInfo, _namespace: string): Promise<RulesForResult> {
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'webhook authorizer does not support user rule resolution' };
  }

  /** One review, with the generic webhook's retries. */
  private review(a: Attributes): Promise<SarStatus> {
    const body = goJsonStringify(subjectAccessReviewFor(a, this.version));
    const { clock, retryBackoff, random } = this.opts;
    return withExponentialBackoff(async () => readSubjectAccessReview(successBody(await this.transport.post(body)), this.version), { clock, backoff: retryBackoff, random });
  }
}
