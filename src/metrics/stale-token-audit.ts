import type pino from 'pino';
import { STALE_TOKEN_ANNOTATION, staleTokenAnnotation } from '../auth/authenticators/stale-token.js';
import type { TokenObserver } from './token-metrics.js';

export { STALE_TOKEN_ANNOTATION, staleTokenAnnotation };

/**
 * An observer that logs each use of a stale bound token (one used after its `warnafter`, which
 * kube-apiserver accepts for a year under `--service-account-extend-token-expiration`) as
 * Kubernetes audits it: one structured warning with the audit annotation, the service account
 * and the pod. The token itself is never logged.
 * @example
 * createEmulator({ logger, observer: staleTokenAudit(logger) });
 * // {"level":40,"annotations":{"authentication.k8s.io/stale-token":"subject: ..., seconds after warning threshold: 3"},...,"msg":"stale service account token"}
 */
export function staleTokenAudit(logger: pino.Logger): TokenObserver {
  return {
    stale(sub, secondsAfterWarning, info) {
      logger.warn(
        {
          annotations: { [STALE_TOKEN_ANNOTATION]: staleTokenAnnotation(sub, secondsAfterWarning) },
          namespace: info.namespace,
          serviceAccount: info.name,
          ...(info.podName ? { pod: info.podName } : {}),
          ...(info.nodeName ? { node: info.nodeName } : {}),
          secondsAfterWarning,
        },
        'stale service account token',
      );
    },
  };
}
