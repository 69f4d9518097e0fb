/**
 * kube-apiserver's handler chain (staging/src/k8s.io/apiserver/pkg/server/config.go
 * `DefaultBuildHandlerChain`), in the order a request meets it:
 * - request info, parsed once and first (`WithRequestInfo`): a path that cannot be decoded is a
 *   400 Status here, before anything else reads it; the request context is opened;
 * - the observers of the request's end (request log, metrics, audit) are registered, and the
 *   `Audit-Id` header set (`WithAuditInit`); the observers run
 *   once when the response closes, each guarded, so nothing after the response can throw;
 *   the request's warnings and the audit's status code go out with the response's head (one
 *   hook on the app's response prototype, not a wrapper per response);
 * - public paths (OIDC discovery, when served without credentials) are answered, and the public
 *   endpoints (the clouds' token exchanges, which read their own bodies);
 * - the body is read into `req.body`, at most 3 MiB (api/body-reader.ts);
 * - authentication, then audit (the policy is evaluated and the event opened with the
 *   authenticated user, as `WithAudit`), impersonation, the request-start hooks, authorization;
 * - faults (TokenFaults that act on HTTP alone: faults/fault-stage.ts), also run in front of a
 *   public path's answer;
 * - the router.
 * Errors thrown or passed to `next` anywhere are rendered by api/respond.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, RequestHandler, Response } from 'express';
import type pino from 'pino';
import type { Authorizer } from '../auth/authorizer/index.js';
import type { RequestAuthenticator } from '../auth/request-authenticator.js';
import type { Clock } from '../clock/index.js';
import { errors } from '../errors/index.js';
import { authenticate } from './authentication.js';
import { bodyReader } from './body-reader.js';
import { authorize } from './authorization.js';
import { maybeContext, openContext, requestContext, type RequestContext } from './context.js';
import { impersonate } from './impersonation.js';
import { MAX_BODY_BYTES } from './media.js';
import { MalformedPathError, Query, type RequestInfo, RequestInfoError, requestInfo, unescapePath } from './request-info.js';
import { addWarnings, FilterError, writeError } from './respond.js';
import type { Step } from './step.js';

/** Runs once when a request's response closes (finished or aborted); must not throw, but is guarded. */
export type RequestObserver = (ctx: RequestContext, req: IncomingMessage, res: ServerResponse) => void;

/** Runs once the user is known (after authentication and impersonation), before authorization. */
export type RequestStartHook = (ctx: RequestContext, req: Request, res: Response) => void;

export interface PipelineOptions {
  clock: Clock;
  authenticator: RequestAuthenticator;
  authorizer: Authorizer;
  logger: pino.Logger;
  observers?: ReadonlyArray<RequestObserver | undefined>;
  /** e.g. audit's RequestReceived stage */
  startHooks?: ReadonlyArray<RequestStartHook>;
  /** GET/HEAD paths answered before authentication (public OIDC discovery) */
  publicPaths?: ReadonlyMap<string, Step>;
  /** the faults stage, after authorization (and before a public path's answer) */
  faults?: Step;
  /** endpoints answered before authentication, any method (the clouds' token exchanges) */
  publicEndpoints?: ReadonlyArray<PublicEndpoint>;
  /** what answers a request that passed every filter */
  router: Step;
  /** the audit filters (api/audit-filters.ts): init after the request context, the event opened after authentication, its head hook, closed by its observer */
  audit?: { init: Step; afterAuthentication: Step; observer: RequestObserver; onHead: (ctx: RequestContext, code: number) => void };
}

/**
 * Runs steps one after another inside one express layer: each one's `next()` starts the
 * following one, `next(err)` (or a throw) ends the series with the error.
 * @example
 * app.use(series(authenticate(authn, logger), authorize(authorizer)));
 */
export function series(...steps: Step[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      if (i === steps.length) return next();
      const run = steps[i++]!;
      try {
        run(req, res, step);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}

/** The request info of a request that could not be parsed: non-resource, its raw path. */
function unparsed(method: string, rawPath: string): RequestInfo {
  return { isResourceRequest: false, path: rawPath, verb: method.toLowerCase(), apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [] };
}

/**
 * The request context step: parse the URL once, open the context, register the end observers.
 * A malformed percent-escape is a 400 (Go's server refuses such a URL before any handler); a
 * request-info error (e.g. `/api/v1/watch` with nothing after it) is the plain-text 500
 * kube-apiserver's WithRequestInfo answers.
 */
function withRequestContext(o: PipelineOptions): Step {
  const observers = [...(o.observers ?? []), o.audit?.observer].filter((x): x is RequestObserver => !!x);
  // one listener for every response (no closure per request): the context is the request's
  function onClose(this: ServerResponse): void {
    const ctx = maybeContext(this.req);
    if (!ctx) return;
    for (const observe of observers) {
      try {
        observe(ctx, this.req, this);
      } catch (e) {
        o.logger.warn({ err: String(e) }, 'a request observer failed');
      }
    }
  }
  return (req, res, next) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = new Query(q < 0 ? '' : url.slice(q + 1));
    let info: RequestInfo;
    let failure: unknown;
    try {
      info = requestInfo(req.method, unescapePath(rawPath), query);
    } catch (e) {
      info = unparsed(req.method, rawPath);
      failure = e instanceof MalformedPathError ? errors.badRequest(e.message) : e instanceof RequestInfoError ? new FilterError(e.message) : e;
    }
    openContext(req, info, query, o.clock.now());
    res.once('close', onClose);
    next(failure);
  };
}

/**
 * What goes out with every response's head, whoever writes it: the request's warnings
 * (`Warning: 299` headers) and the audit's decision and status code. Installed once on the app's
 * response prototype (express gives each response that prototype), so that no response is
 * patched one by one.
 */
function hookResponseHead(app: Express, o: PipelineOptions): void {
  const proto = app.response as unknown as ServerResponse;
  const writeHead = proto.writeHead;
  const auditHead = o.audit?.onHead;
  proto.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    const ctx = maybeContext(this.req);
    if (ctx) {
      if (ctx.warnings.length) addWarnings(this, ctx.warnings.splice(0));
      if (auditHead && ctx.audit) auditHead(ctx, typeof args[0] === 'number' ? args[0] : this.statusCode);
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

/** Public paths, answered before authentication (GET and HEAD only), after the faults stage when there is one. */
function publicPaths(paths: ReadonlyMap<string, Step>, faults: Step | undefined): Step {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const h = paths.get(req.path);
    if (!h || (req.url ?? '').split('?')[0] !== req.path) return next();
    if (!faults) return h(req, res, next);
    faults(req, res, (err?: unknown) => (err !== undefined && err !== null ? next(err) : h(req, res, next)));
  };
}

/** An endpoint that takes no Kubernetes credentials: it claims its paths (identity/workload-identity.ts). */
export interface PublicEndpoint {
  owns(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void;
}

/** Public endpoints, answered before authentication by the one that owns the path. */
function publicEndpoints(endpoints: ReadonlyArray<PublicEndpoint>): Step {
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const e = endpoints.find((x) => x.owns(path));
    if (!e) return next();
    e.handle(req, res, next);
  };
}

/** Runs the request-start hooks (the user is known). */
function startHooks(hooks: ReadonlyArray<RequestStartHook>): Step {
  return (req, res, next) => {
    const ctx = requestContext(req);
    for (const h of hooks) h(ctx, req, res);
    next();
  };
}

/**
 * Mounts the whole chain on an express app, as one handler plus its error renderer, and hooks
 * the app's responses' heads (warnings, audit).
 * @example
 * usePipeline(app, { clock, authenticator, authorizer, logger, router });
 */
export function usePipeline(app: Express, o: PipelineOptions): void {
  const steps: Step[] = [withRequestContext(o)];
  if (o.audit) steps.push(o.audit.init);
  if (o.publicPaths?.size) steps.push(publicPaths(o.publicPaths, o.faults));
  if (o.publicEndpoints?.length) steps.push(publicEndpoints(o.publicEndpoints));
  steps.push(bodyReader(MAX_BODY_BYTES));
  steps.push(authenticate(o.authenticator, o.logger));
  if (o.audit) steps.push(o.audit.afterAuthentication);
  steps.push(impersonate(o.authorizer));
  if (o.startHooks?.length) steps.push(startHooks(o.startHooks));
  steps.push(authorize(o.authorizer));
  if (o.faults) steps.push(o.faults);
  steps.push(o.router);
  const handleErrors = (err: unknown, req: Request, res: Response, _next: (e?: unknown) => void): void => {
    void _next;
    writeError(req, res, err, o.logger);
  };
  hookResponseHead(app, o);
  app.use(series(...steps), ((_req: Request, res: Response) => writeError(_req, res, errors.pageNotFound(), o.logger)) as RequestHandler, handleErrors as unknown as RequestHandler);
}
