import { requestContext } from '../api/context.js';
import { sendKeySet } from '../api/routes/oidc.js';
import type { Step } from '../api/step.js';
import type { ActiveFault } from './active-faults.js';
import { faultError, waitFor } from './fault-actions.js';
import type { FaultInjector } from './fault-injector.js';
import { contextReporter } from '../api/fault-annotations.js';

export const JWKS_PATH = '/openid/v1/jwks';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

const NO_REQUEST = { audiences: [] };

/** A jwks reject empties the key set: it has nothing to act on in the discovery document. */
const acceptsDiscovery = (f: ActiveFault) => f.action !== 'reject';

/** The faults stage: a step of the request pipeline (api/step.ts). */
export type FaultStage = Step;

/**
 * The `faults` stage of the request pipeline (design.md: after authorization; api/pipeline.ts
 * also runs it in front of the public discovery paths, which are answered before
 * authentication). It acts on what only HTTP has, TokenFaults of target `jwks`, on GET and HEAD
 * of `/openid/v1/jwks` and `/.well-known/openid-configuration`:
 * - reject: the JWKS answered with no keys (`{"keys":[]}`, same headers), so that relying parties
 *   fail to verify every token, as when the keys rotate before they refetch;
 * - error: the fault's code and a Status;
 * - delay: the usual answer, after the delay on the control plane's clock.
 * (Reviews and TokenRequests see their faults in the token service, for the library's sake.)
 * @example
 * usePipeline(app, { ..., faults: faultStage(injector) });
 */
export function faultStage(injector: FaultInjector): FaultStage {
  return (req, res, next) => {
    if (!injector.has('jwks') || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const ctx = requestContext(req);
    const path = ctx.info.path;
    if (path !== JWKS_PATH && path !== DISCOVERY_PATH) return next();
    const act = (f: Awaited<ReturnType<FaultInjector['apply']>>): void => {
      if (!f) return next();
      switch (f.action) {
        case 'reject':
          return sendKeySet({ keys: [] }, res);
        case 'error':
          return next(faultError(f.code, f.reason));
        case 'delay':
          return void waitFor(injector.clock, f.delayMs).then(() => next());
        default:
          return next();
      }
    };
    const f = injector.apply('jwks', NO_REQUEST, contextReporter(ctx), path === DISCOVERY_PATH ? acceptsDiscovery : undefined);
    if (f instanceof Promise) f.then(act, next);
    else act(f);
  };
}
