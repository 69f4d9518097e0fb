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
import type { Express, Request, Response } from 'express';
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
 * Runs steps one after another: each one's `next()` starts the following one; `next(err)` (or a
 * throw) ends the run with the error. `end` gets the error, or nothing when every step called
 * `next()` without answering.
 * @example
 * const run = chain([authenticate(authn, logger), authorize(authorizer)], (req, res, err) => writeError(req, res, err ?? notFound, logger));
 */
export function chain(steps: readonly Step[], end: (req: Request, res: Response, err?: unknown) => void): (req: Request, res: Response) => void {
  return (req, res) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return end(req, res, err);
      if (i === steps.length) return end(req, res);
      const run = steps[i++]!;
      try {
        run(req, res, step);
      } catch (e) {
        end(req, res, e);
      }
    };
    step();
  };
}

/**
 * Makes `run` the whole of an express app's dispatch: what express's own `app.handle` does
 * (the request and response get the app's prototypes, and each other), without its router.
 * The pipeline is one handler that answers every request itself, errors included, and the router
 * walked its layers (and `finalhandler` was set up) for nothing: about 12 µs of a 180 µs TokenReview
 * (server CPU profile). The app still works under supertest and mounted in another app.
 */
function dispatchTo(app: Express, run: (req: Request, res: Response) => void): void {
  const request = app.request;
  const response = app.response;
  (app as unknown as { handle: (req: IncomingMessage, res: ServerResponse) => void }).handle = (req, res) => {
    const r = req as Request;
    const s = res as Response;
    r.res = s;
    s.req = r;
    Object.setPrototypeOf(req, request);
    Object.setPrototypeOf(res, response);
    run(r, s);
  };
}

/** The request info of a request that could not be parsed: non-resource, its raw path. */
function unparsed(method: string, rawPath: string): RequestInfo {
  return { isResourceRequest: false, path: rawPath, verb: method.toLowerCase(), apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [] };
}

const MAX_KNOWN_PATHS = 1024;
const MAX_KNOWN_PATH = 512;

/** A request info shared by the requests of one path: frozen, so that no stage can change another request's. */
function frozenInfo(info: RequestInfo): RequestInfo {
  Object.freeze(info.parts);
  return Object.freeze(info);
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
  // the request info of paths without a query, which depends on method and path alone: API
  // clients send the same few again and again (bounded; emptied when full)
  const known = new Map<string, RequestInfo>();
  return (req, res, next) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const query = new Query(q < 0 ? '' : url.slice(q + 1));
    const key = q < 0 ? `${req.method} ${url}` : undefined;
    let info = key === undefined ? undefined : known.get(key);
    let failure: unknown;
    if (!info) {
      try {
        info = requestInfo(req.method, unescapePath(rawPath), query);
        if (key !== undefined && key.length <= MAX_KNOWN_PATH) {
          if (known.size >= MAX_KNOWN_PATHS) known.clear();
          known.set(key, frozenInfo(info));
        }
      } catch (e) {
        info = unparsed(req.method, rawPath);
        failure = e instanceof MalformedPathError ? errors.badRequest(e.message) : e instanceof RequestInfoError ? new FilterError(e.message) : e;
      }
    }
    openContext(req, info, query, o.clock.now());
    // a response closes once: a plain listener, no once-wrapper per request
    res.on('close', onClose);
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
 * Makes the whole chain the express app's dispatch, errors rendered by api/respond.ts, and hooks
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
  hookResponseHead(app, o);
  dispatchTo(
    app,
    chain(steps, (req, res, err) => writeError(req, res, err ?? errors.pageNotFound(), o.logger)),
  );
}
