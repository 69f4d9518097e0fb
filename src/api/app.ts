import express, { type NextFunction, type Request, type Response } from 'express';
import type pino from 'pino';
import type { Emulator } from '../emulator.js';
import { errors } from '../errors/index.js';
import type { Authorizer, RuleResolver } from '../auth/authorizer/index.js';
import { authenticate } from './authentication.js';
import { authorize } from './authorization.js';
import { discoveryRouter } from './routes/discovery.js';
import { impersonate } from './impersonation.js';
import { MAX_BODY_BYTES } from './media.js';
import { requestInfo, type RequestInfo } from './request-info.js';
import { requestLog } from './request-log.js';
import { errorHandler, sendStatus } from './respond.js';
import { sendJwks, sendOpenIdConfiguration } from './routes/oidc.js';
import { handleResource } from './routes/resources.js';
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, subjectAccessReview, tokenReview } from './routes/reviews.js';
import { createToken, shortFormNamespace } from './routes/tokens.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/exposition.js';
import { countRequests } from '../metrics/request-metrics.js';

export interface AppOptions {
  emulator: Emulator;
  authorizer: Authorizer;
  ruleResolver: RuleResolver;
  logger: pino.Logger;
  /** `--anonymous-auth` (default true) */
  anonymousAuth?: boolean;
  /** serve OIDC discovery and JWKS without credentials (default true; false = Kubernetes' RBAC-gated default) */
  publicDiscovery?: boolean;
  /** `--service-account-jwks-uri` */
  jwksUri?: string;
  /** host:port clients use, for discovery's serverAddressByClientCIDRs */
  externalAddress: string;
  /** readiness (e.g. the store is open) */
  ready?: () => boolean;
}

type Handler = (req: Request, res: Response, info: RequestInfo) => Promise<void> | void;

/**
 * The express app, built without listening and without globals (`serve` and `emulator.listen`
 * listen). Order: request log, body (3 MiB), public discovery, authentication, impersonation,
 * authorization, routes, 404, Status errors.
 * @example
 * const app = createApp({ emulator, authorizer, ruleResolver, logger, externalAddress: '127.0.0.1:6443' });
 */
export function createApp(o: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(requestLog(o.logger));
  app.use(countRequests(o.emulator.metrics));
  app.use(express.raw({ type: () => true, limit: MAX_BODY_BYTES }));
  const emu = o.emulator;

  const oidc: Record<string, Handler> = {
    '/.well-known/openid-configuration': (_req, res) => sendOpenIdConfiguration(emu, o.jwksUri ? { jwksUri: o.jwksUri } : { externalAddress: o.externalAddress }, res),
    '/openid/v1/jwks': (_req, res) => sendJwks(emu, res),
  };
  if (o.publicDiscovery !== false) {
    app.get(Object.keys(oidc), (req, res) => void oidc[req.path]!(req, res, requestInfo(req.method, req.path, req.query)));
  }

  app.use(authenticate({ chain: emu.chain, anonymous: o.anonymousAuth !== false, logger: o.logger }));
  app.use(impersonate(o.authorizer));
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.info = requestInfo(req.method, req.path, req.query as Record<string, unknown>);
    next();
  });
  app.use(authorize(o.authorizer));

  const health = (_req: Request, res: Response) => {
    if (o.ready && !o.ready()) return void res.status(500).type('text/plain').send('[-]store failed: not ready\nhealthz check failed');
    res.status(200).type('text/plain').send('ok');
  };
  app.get(['/healthz', '/livez', '/readyz'], health);
  app.get('/metrics', (_req, res) => void res.status(200).type(PROMETHEUS_CONTENT_TYPE).send(emu.metrics.render()));
  app.get(Object.keys(oidc), (req, res) => void oidc[req.path]!(req, res, res.locals.info as RequestInfo));
  app.use(discoveryRouter(emu, () => o.externalAddress));

  const wrap = (h: Handler) => (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve(h(req, res, res.locals.info as RequestInfo)).catch(next);
  };
  const only = (method: string, h: Handler): Handler => (req, res, info) => {
    if (req.method !== method) throw errors.methodNotAllowed();
    return h(req, res, info);
  };

  app.all('/serviceaccounts/:name/token', wrap(only('POST', (req, res) => createToken(emu, shortFormNamespace(req), String(req.params.name), req, res))));
  app.all('/api/v1/namespaces/:ns/serviceaccounts/:name/token', wrap(only('POST', (req, res) => createToken(emu, String(req.params.ns), String(req.params.name), req, res))));
  app.all('/apis/authentication.k8s.io/v1/tokenreviews', wrap(only('POST', (req, res) => tokenReview(emu, req, res))));
  app.all('/apis/authentication.k8s.io/v1/selfsubjectreviews', wrap(only('POST', (req, res) => selfSubjectReview(req, res))));
  app.all('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', wrap(only('POST', (req, res) => selfSubjectAccessReview(o.authorizer, req, res))));
  app.all('/apis/authorization.k8s.io/v1/subjectaccessreviews', wrap(only('POST', (req, res) => subjectAccessReview(o.authorizer, req, res))));
  app.all('/apis/authorization.k8s.io/v1/namespaces/:ns/localsubjectaccessreviews', wrap(only('POST', (req, res) => subjectAccessReview(o.authorizer, req, res, String(req.params.ns)))));
  app.all('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', wrap(only('POST', (req, res) => selfSubjectRulesReview(o.ruleResolver, req, res))));
  app.all(['/api/v1/*rest', '/apis/*rest'], wrap((req, res, info) => handleResource({ emulator: emu }, info, req, res)));

  app.use((_req: Request, res: Response) => sendStatus(res, errors.pageNotFound()));
  app.use(errorHandler(o.logger));
  return app;
}
