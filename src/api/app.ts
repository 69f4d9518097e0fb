import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
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
 * listen). Order: request log and metrics, body (3 MiB), public discovery, then the handler chain
 * (authentication, impersonation, authorization) and the routes: fixed paths from a map, then
 * discovery, token requests and resources; then 404 and Status errors.
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

  // kube-apiserver's handler chain, one express layer: authentication, impersonation, request
  // info, authorization
  app.use(
    series(
      authenticate({ chain: emu.chain, anonymous: o.anonymousAuth !== false, logger: o.logger }),
      impersonate(o.authorizer),
      (req: Request, res: Response, next: NextFunction) => {
        res.locals.info = requestInfo(req.method, req.path, req.query as Record<string, unknown>);
        next();
      },
      authorize(o.authorizer),
    ),
  );

  const wrap = (h: Handler) => (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve(h(req, res, res.locals.info as RequestInfo)).catch(next);
  };
  const only = (method: string, h: Handler): Handler => (req, res, info) => {
    if (req.method !== method) throw errors.methodNotAllowed();
    return h(req, res, info);
  };

  // the fixed paths, found with one look-up instead of a walk through the routes
  const health: Handler = (_req, res) => {
    if (o.ready && !o.ready()) return void res.status(500).type('text/plain').send('[-]store failed: not ready\nhealthz check failed');
    res.status(200).type('text/plain').send('ok');
  };
  const fixed = new Map<string, Handler>([
    ['/apis/authentication.k8s.io/v1/tokenreviews', only('POST', (req, res) => tokenReview(emu, req, res))],
    ['/apis/authentication.k8s.io/v1/selfsubjectreviews', only('POST', (req, res) => selfSubjectReview(req, res))],
    ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', only('POST', (req, res) => selfSubjectAccessReview(o.authorizer, req, res))],
    ['/apis/authorization.k8s.io/v1/subjectaccessreviews', only('POST', (req, res) => subjectAccessReview(o.authorizer, req, res))],
    ['/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', only('POST', (req, res) => selfSubjectRulesReview(o.ruleResolver, req, res))],
  ]);
  const gets = new Map<string, Handler>([
    ['/healthz', health],
    ['/livez', health],
    ['/readyz', health],
    ['/metrics', (_req, res) => void res.status(200).type(PROMETHEUS_CONTENT_TYPE).send(emu.metrics.render())],
    ...Object.entries(oidc),
  ]);
  const wrapped = (m: Map<string, Handler>) => new Map([...m].map(([path, h]) => [path, wrap(h)]));
  const [fixedRoutes, getRoutes] = [wrapped(fixed), wrapped(gets)];
  app.use((req: Request, res: Response, next: NextFunction) => {
    // as express routes match: one trailing slash is allowed
    const path = req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
    const h = fixedRoutes.get(path) ?? (req.method === 'GET' || req.method === 'HEAD' ? getRoutes.get(path) : undefined);
    if (!h) return next();
    h(req, res, next);
  });
  app.use(discoveryRouter(emu, () => o.externalAddress));

  app.all('/serviceaccounts/:name/token', wrap(only('POST', (req, res) => createToken(emu, shortFormNamespace(req), String(req.params.name), req, res))));
  app.all('/api/v1/namespaces/:ns/serviceaccounts/:name/token', wrap(only('POST', (req, res) => createToken(emu, String(req.params.ns), String(req.params.name), req, res))));
  app.all('/apis/authorization.k8s.io/v1/namespaces/:ns/localsubjectaccessreviews', wrap(only('POST', (req, res) => subjectAccessReview(o.authorizer, req, res, String(req.params.ns)))));
  app.all(['/api/v1/*rest', '/apis/*rest'], wrap((req, res, info) => handleResource({ emulator: emu }, info, req, res)));

  app.use((_req: Request, res: Response) => sendStatus(res, errors.pageNotFound()));
  app.use(errorHandler(o.logger));
  return app;
}

/**
 * Runs express middlewares one after another inside one layer: each one's `next()` starts the
 * following one, `next(err)` (or a throw) ends the series with the error.
 * @example
 * app.use(series(authenticate(opts), authorize(authorizer)));
 */
export function series(...steps: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      if (i === steps.length) return next();
      const run = steps[i++]!;
      try {
        void run(req, res, step);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}
