import { errors } from '../errors/index.js';
import { faultError, waitFor } from './fault-actions.js';
import type { IssueFaultHook } from '../registry/token-service.js';
import type { AppliedFault, FaultInjector } from './fault-injector.js';

/** The audiences a TokenRequest body asks for, read as the request would be (the API audiences when none are). */
function requestedAudiences(body: unknown, apiAudiences: readonly string[]): readonly string[] {
  const spec = body && typeof body === 'object' ? (body as { spec?: unknown }).spec : undefined;
  const auds = spec && typeof spec === 'object' ? (spec as { audiences?: unknown }).audiences : undefined;
  return Array.isArray(auds) && auds.length && auds.every((a) => typeof a === 'string') ? auds : apiAudiences;
}

/**
 * TokenFaults of target `issue`, asked by TokenService.issue before anything else, so that
 * TokenRequests over HTTP, from the library and from the kubelets (in-process or agents) see them:
 * - reject: 403 Forbidden, `serviceaccounts "<name>" is forbidden: <reason>` (as an admission
 *   plugin refuses a TokenRequest);
 * - error: the fault's code and a Status;
 * - delay: the request goes on after the delay on the control plane's clock.
 * @example
 * new TokenService({ ..., faults: issueFaults(injector, apiAudiences) });
 */
export function issueFaults(injector: FaultInjector, apiAudiences: readonly string[]): IssueFaultHook {
  const act = (f: AppliedFault, serviceAccount: string): void | Promise<void> => {
    switch (f.action) {
      case 'reject':
        throw errors.forbidden('serviceaccounts', serviceAccount, f.reason ?? `the token request was rejected by TokenFault ${f.name}`);
      case 'error':
        throw faultError(f.code, f.reason);
      case 'delay':
        return waitFor(injector.clock, f.delayMs);
      default:
        return undefined;
    }
  };
  return (namespace, serviceAccount, body, report) => {
    if (!injector.has('issue')) return undefined;
    const f = injector.apply('issue', { namespace, serviceAccount, audiences: requestedAudiences(body, apiAudiences) }, report);
    if (f === undefined) return undefined;
    if (f instanceof Promise) return f.then((x) => (x ? act(x, serviceAccount) : undefined));
    return act(f, serviceAccount);
  };
}
