/**
 * What answers a request once it passed the filters, chosen from its request info:
 * - resource requests by group, version, resource and subresource: the review kinds (create-only,
 *   answered in place), `serviceaccounts/token`, `pods/binding`, and every stored kind
 *   (api/routes/resources.ts);
 * - non-resource requests by exact path (case-sensitive, no trailing slash, as kube-apiserver's
 *   path mux registers them): health, metrics, OIDC discovery, API discovery (which also takes
 *   one trailing slash, as go-restful matches it), OpenAPI.
 * Anything else is the 404 `the server could not find the requested resource`.
 */
import type { Request, Response } from 'express';
import { AUDIT_EVENTS_PATH } from '../audit/events-endpoint.js';
import type { RequestRecorder } from '../audit/recorder.js';
import { auditEvents } from './routes/audit-events.js';
import type { Authorizer, RuleResolver } from '../auth/authorizer/index.js';
import type { Clock } from '../clock/index.js';
import type { EmulatorKeys } from '../emulator-keys.js';
import { errors } from '../errors/index.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/exposition.js';
import type { TokenMetrics } from '../metrics/token-metrics.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import type { TokenService } from '../registry/token-service.js';
import { requestContext } from './context.js';
import { DISCOVERY_TEMPLATES, discoveryHandler } from './routes/discovery.js';
import { sendJwks, sendOpenIdConfiguration } from './routes/oidc.js';
import type { KindSchemas } from '../registry/schema/index.js';
import { handleResource } from './routes/resources.js';
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, subjectAccessReview, tokenReview } from './routes/reviews.js';
import { createBinding } from './routes/pod-binding.js';
import { createToken } from './routes/tokens.js';
import type { WatchLimits } from './routes/watch.js';
import type { Step } from './step.js';

/** What the HTTP layer uses of a control plane (src/control-plane.ts implements it). */
export interface ApiControlPlane {
  readonly clock: Clock;
  /** the kinds' schemas bodies are decoded against (built-in and registered kinds) */
  readonly schemas: KindSchemas;
  readonly objects: ObjectRegistry;
  readonly tokens: TokenService;
  readonly authorizer: Authorizer;
  readonly ruleResolver: RuleResolver;
  readonly keys: EmulatorKeys;
  readonly issuers: readonly string[];
  readonly metrics: TokenMetrics;
  /** resolves when controllers have caught up (after a write) */
  idle(): Promise<void>;
}

export interface RouterOptions {
  /** host:port clients use (discovery's serverAddressByClientCIDRs, the default JWKS URI) */
  externalAddress(): string;
  /** `--service-account-jwks-uri`, or undefined for kube-apiserver's default */
  jwksUri(): string | undefined;
  /** readiness (e.g. the store's watch is live) */
  ready?(): boolean;
  watches: WatchLimits;
  /** the request recorder served at `/debug/audit/events` (admin-only: a non-resource URL only cluster-admin may read) */
  recorder?: RequestRecorder;
}

type Handler = (req: Request, res: Response) => Promise<void> | void;

const REVIEWS: Record<string, (cp: ApiControlPlane) => Handler> = {
  'authentication.k8s.io/tokenreviews': (cp) => (req, res) => tokenReview(cp.tokens, req, res),
  'authentication.k8s.io/selfsubjectreviews': () => (req, res) => selfSubjectReview(req, res),
  'authorization.k8s.io/selfsubjectaccessreviews': (cp) => (req, res) => selfSubjectAccessReview(cp.authorizer, req, res),
  'authorization.k8s.io/subjectaccessreviews': (cp) => (req, res) => subjectAccessReview(cp.authorizer, req, res),
  'authorization.k8s.io/localsubjectaccessreviews': (cp) => (req, res) => subjectAccessReview(cp.authorizer, req, res),
  'authorization.k8s.io/selfsubjectrulesreviews': (cp) => (req, res) => selfSubjectRulesReview(cp.ruleResolver, req, res),
};

/** The review kinds that live in a namespace (the others are cluster-scoped). */
const NAMESPACED_REVIEWS = new Set(['authorization.k8s.io/localsubjectaccessreviews']);

/** The namespaced review kinds' path template, and the cluster-scoped ones'. */
function reviewPath(key: string): string {
  const [group, resource] = key.split('/') as [string, string];
  return NAMESPACED_REVIEWS.has(key) ? `/apis/${group}/v1/namespaces/{namespace}/${resource}` : `/apis/${group}/v1/${resource}`;
}

/**
 * Every path template the router answers besides the stored kinds' collections and objects
 * (test/api/openapi.test.ts keeps openapi.yaml in step with it).
 */
export function routeTemplates(): string[] {
  return [
    ...HEALTH_PATHS,
    '/metrics',
    ...OIDC_PATHS,
    ...DISCOVERY_TEMPLATES,
    ...Object.keys(REVIEWS).map(reviewPath),
    '/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token',
    '/serviceaccounts/{name}/token',
    '/api/v1/namespaces/{namespace}/pods/{name}/binding',
    AUDIT_EVENTS_PATH,
  ];
}

const HEALTH_PATHS = ['/healthz', '/livez', '/readyz'] as const;
const OIDC_PATHS = ['/.well-known/openid-configuration', '/openid/v1/jwks'] as const;

/**
 * OIDC discovery, as handlers by path (also served before authentication when public).
 * @example
 * const paths = oidcHandlers(cp, opts);
 */
export function oidcHandlers(cp: ApiControlPlane, o: RouterOptions): Map<string, Handler> {
  const [configuration, jwks] = OIDC_PATHS;
  return new Map<string, Handler>([
    [configuration, (_req, res) => sendOpenIdConfiguration(cp.keys, cp.issuers[0]!, o.jwksUri() ? { jwksUri: o.jwksUri()! } : { externalAddress: o.externalAddress() }, res)],
    [jwks, (_req, res) => sendJwks(cp.keys, res)],
  ]);
}

/**
 * The router step.
 * @example
 * const router = apiRouter(cp, { externalAddress: () => '127.0.0.1:6443', jwksUri: () => undefined, watches: new WatchLimits() });
 */
export function apiRouter(cp: ApiControlPlane, o: RouterOptions): Step {
  const health: Handler = (_req, res) => {
    if (o.ready && !o.ready()) return void res.status(500).type('text/plain').send('[-]store failed: not ready\nhealthz check failed');
    res.status(200).type('text/plain').send('ok');
  };
  const gets = new Map<string, Handler>([
    ...HEALTH_PATHS.map((p): [string, Handler] => [p, health]),
    ['/metrics', (_req, res) => void res.status(200).type(PROMETHEUS_CONTENT_TYPE).send(cp.metrics.render())],
    ...oidcHandlers(cp, o),
    ...(o.recorder ? [[AUDIT_EVENTS_PATH, auditEvents(o.recorder)] as [string, Handler]] : []),
  ]);
  const reviews = new Map(Object.entries(REVIEWS).map(([k, make]) => [k, make(cp)]));
  const resources = { objects: cp.objects, clock: cp.clock, idle: () => cp.idle(), watches: o.watches, schemas: cp.schemas };
  const token: Handler = (req, res) => createToken(cp.tokens, req, res);
  const binding: Handler = (req, res) => createBinding(resources, req, res);
  const resource: Handler = (req, res) => handleResource(resources, req, res);

  const choose = (req: Request): Handler => {
    const info = requestContext(req).info;
    if (info.isResourceRequest) {
      const review = reviews.get(`${info.apiGroup}/${info.resource}`);
      if (review) {
        if (info.apiVersion !== 'v1' || info.name || info.subresource || !!info.namespace !== NAMESPACED_REVIEWS.has(`${info.apiGroup}/${info.resource}`)) throw errors.pageNotFound();
        if (req.method !== 'POST') throw errors.methodNotAllowed();
        return review;
      }
      if (info.apiGroup === '' && info.apiVersion === 'v1' && info.resource === 'serviceaccounts' && info.subresource === 'token' && info.parts.length === 3) {
        if (req.method !== 'POST') throw errors.methodNotAllowed();
        return token;
      }
      if (info.apiGroup === '' && info.apiVersion === 'v1' && info.resource === 'pods' && info.subresource === 'binding' && info.parts.length === 3 && info.namespace) {
        if (req.method !== 'POST') throw errors.methodNotAllowed();
        return binding;
      }
      if (info.apiPrefix === 'api' || info.apiPrefix === 'apis') return resource;
      throw errors.pageNotFound();
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const h = gets.get(info.path) ?? discoveryHandler(info.path, o.externalAddress, cp.schemas);
      if (h) return h;
    }
    throw errors.pageNotFound();
  };

  return (req, res, next) => {
    let h: Handler;
    try {
      h = choose(req);
    } catch (e) {
      return next(e);
    }
    try {
      const p = h(req, res);
      if (p) p.catch(next);
    } catch (e) {
      next(e);
    }
  };
}
