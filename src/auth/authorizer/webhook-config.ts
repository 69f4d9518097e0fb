import type { Clock } from '../../clock/index.js';
import type { Connection } from '../../client/kubeconfig.js';
import { RestTransport } from '../../client/rest-transport.js';
import type { RetryBackoff } from '../../client/webhook-backoff.js';
import { goQuote } from '../../util/go-format.js';
import type { SubjectAccessReviewVersion } from './subject-access-review.js';
import { SatokenError } from '../../errors/error-codes.js';

/**
 * Options: `clock` turns the cache on and times retries and the request timeout; TTLs in
 * milliseconds (0: that answer is not cached); `timeoutMs` bounds each call (30 s); `version`
 * of the SubjectAccessReview (v1beta1); `retryBackoff`; `random` for the jitter (Math.random).
 * @example
 * const opts: WebhookOptions = { clock: new RealClock(), authorizedTTL: 300_000, version: 'v1' };
 */
export interface WebhookOptions {
  clock?: Clock;
  authorizedTTL?: number;
  unauthorizedTTL?: number;
  timeoutMs?: number;
  version?: SubjectAccessReviewVersion;
  retryBackoff?: RetryBackoff;
  random?: () => number;
}

/**
 * The configuration kube-apiserver reads for `--authorization-webhook-config-file` and
 * `--authorization-webhook-version`: the SubjectAccessReview version (v1beta1 unless told;
 * others refused with the apiserver's message) and the REST transport to the server of the
 * kubeconfig's current context (its CA, client certificate or token).
 * @example
 * const { version, transport } = webhookConfig(loadKubeconfig(path), { clock, version: 'v1' });
 */
export function webhookConfig(conn: Connection, opts: WebhookOptions = {}): { version: SubjectAccessReviewVersion; transport: RestTransport } {
  const version = opts.version ?? 'v1beta1';
  if (version !== 'v1' && version !== 'v1beta1') throw new SatokenError('ERR_INVALID_OPTION', `unsupported webhook authorizer version ${goQuote(String(version))}, supported versions are "v1", "v1beta1"`);
  const transport = new RestTransport(conn, { clock: opts.clock, timeoutMs: opts.timeoutMs });
  return { version, transport };
}

