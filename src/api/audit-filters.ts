/**
 * The audit filters of the HTTP pipeline (api/pipeline.ts runs them), as kube-apiserver's
 * (staging/src/k8s.io/apiserver/pkg/endpoints/filters/audit_init.go, audit.go,
 * authorization.go, impersonation.go):
 * - `init`, first after the request context: the `Audit-Id` response header, on every
 *   response, from the client's `Audit-ID` or a new UUID (`WithAuditInit`);
 * - `afterAuthentication` (`WithAudit`): the policy is evaluated once, with the authenticated
 *   user; when something records the request, its event opens (RequestReceived);
 * - `onHead`, as the response's head goes out (the pipeline's head hook): the decision and what
 *   else later filters learned, then the status code (ResponseStarted for long-running requests);
 * - `observer`, when the response closes: the authorization decision, impersonated user and
 *   issued credential id are added, then ResponseComplete; a 401 gets its one ResponseStarted
 *   event (`WithFailedAuthenticationAudit`); the public OIDC paths, answered before
 *   authentication, are recorded as the anonymous user kube-apiserver would see; the clouds' token
 *   exchanges (identity/exchange-record.ts) as a use of the token they verified.
 * Nothing is decoded for the audit unless a sink records the request at level Request or
 * above; JSON answers (error Statuses, and objects at RequestResponse) are handed to the event by
 * api/respond.ts as it writes them, never parsed back.
 */
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { requestContext, type RequestContext } from './context.js';
import { decodeBody, formatOf } from './media.js';
import type { RequestObserver } from './pipeline.js';
import type { Step } from './step.js';
import { ANONYMOUS } from '../auth/request-authenticator.js';
import { errors } from '../errors/index.js';
import type { UserInfo } from '../registry/types.js';
import { exchangeAudit, exchangeOf } from '../identity/exchange-record.js';
import { type AuditRequest, type AuditStart, type Auditor, auditIdOf } from '../audit/auditor.js';
import { sourceIps } from '../audit/source-ips.js';
import { ANNOTATIONS } from '../audit/types.js';

export interface AuditFilters {
  init: Step;
  afterAuthentication: Step;
  observer: RequestObserver;
  /** called once as each response's head goes out */
  onHead: (ctx: RequestContext, code: number) => void;
}

/** Review kinds have no name, uid or resourceVersion to complete the object reference with: their bodies are not read at Metadata. */
const REVIEWS = new Set(['tokenreviews', 'selfsubjectreviews', 'subjectaccessreviews', 'selfsubjectaccessreviews', 'localsubjectaccessreviews', 'selfsubjectrulesreviews']);
const PATCHES = new Set(['merge-patch', 'strategic-merge-patch', 'json-patch', 'apply-patch']);
const DECISION_ALLOW = 'allow';
const DECISION_FORBID = 'forbid';
const REASON_ERROR = 'internal error';

/** Whether a stage annotated the request before its event could exist (a TokenFault that acted). */
function hasAnnotations(ctx: RequestContext): boolean {
  for (const _ in ctx.annotations) return true;
  return false;
}

function startOf(ctx: RequestContext, req: IncomingMessage, user: UserInfo | undefined): AuditStart {
  const i = ctx.info;
  return {
    attributes: { user, verb: i.verb, namespace: i.namespace, apiGroup: i.apiGroup, apiVersion: i.apiVersion, resource: i.resource, subresource: i.subresource, name: i.name, resourceRequest: i.isResourceRequest, path: i.path },
    auditID: ctx.auditID,
    requestURI: req.url ?? '/',
    userAgent: req.headers['user-agent'],
    sourceIPs: sourceIps(req.headers, req.socket.remoteAddress),
    receivedAt: ctx.receivedAt,
    longRunning: ctx.info.verb === 'watch',
  };
}

/** `LogRequestObject` / `LogRequestPatch` from the raw body (the pipeline's body reader has read it). */
function recordRequestBody(a: AuditRequest, ctx: RequestContext, req: Request): void {
  const raw = req.body as unknown;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return;
  if (!a.wantsRequestObject && (REVIEWS.has(ctx.info.resource) || ctx.info.verb === 'patch')) return;
  const format = formatOf(req.headers['content-type']);
  if (!format) return;
  if (PATCHES.has(format)) return a.requestPatch(raw.toString('utf8'));
  try {
    a.requestObject(decodeBody(raw, req.headers['content-type']));
  } catch {
    // the handler answers a body it cannot decode with its own 400
  }
}

/** What later filters learned: the impersonated user, the authorization decision, an issued credential. */
function annotateFromContext(a: AuditRequest, ctx: RequestContext): void {
  if (ctx.impersonator && ctx.user) a.impersonatedUser(ctx.user);
  const d = ctx.decision;
  if (d) {
    if (d.decision === 'Allow') {
      a.annotate(ANNOTATIONS.decision, DECISION_ALLOW);
      a.annotate(ANNOTATIONS.reason, d.reason ?? '');
    } else if (d.error) {
      a.annotate(ANNOTATIONS.reason, REASON_ERROR);
    } else {
      a.annotate(ANNOTATIONS.decision, DECISION_FORBID);
      a.annotate(ANNOTATIONS.reason, d.reason ?? '');
    }
  }
  if (ctx.issuedJti) a.annotate(ANNOTATIONS.issuedCredentialId, `JTI=${ctx.issuedJti}`);
  for (const k in ctx.annotations) a.annotate(k, ctx.annotations[k]!);
}

/**
 * The response's head is going out (the pipeline's one head hook calls this): what later filters
 * learned is added, then the status code is recorded (ResponseStarted). The JSON bodies
 * api/respond.ts writes reach the event through {@link AuditRequest.responseWritten}.
 */
function onResponseHead(ctx: RequestContext, code: number): void {
  const a = ctx.audit;
  if (!a) return;
  annotateFromContext(a, ctx);
  a.responseStarted(code);
}

/**
 * The three audit filters of one auditor.
 * @example
 * const audit = httpAuditFilters(auditor);
 * usePipeline(app, { ..., audit });
 */
export function httpAuditFilters(auditor: Auditor): AuditFilters {
  const init: Step = (req, res, next) => {
    const ctx = requestContext(req);
    ctx.auditID = auditIdOf(req.headers['audit-id']);
    res.setHeader('Audit-Id', ctx.auditID);
    next();
  };
  const afterAuthentication: Step = (req, _res, next) => {
    if (!auditor.enabled) return next();
    const ctx = requestContext(req);
    const a = auditor.begin(startOf(ctx, req, ctx.user));
    if (a) {
      ctx.audit = a;
      recordRequestBody(a, ctx, req);
    }
    next();
  };
  const observer: RequestObserver = (ctx, req, res) => {
    const a = ctx.audit;
    if (a) {
      annotateFromContext(a, ctx);
      a.complete(res.headersSent ? res.statusCode : undefined);
      return;
    }
    if (!auditor.enabled || ctx.user !== undefined || !ctx.auditID) return;
    // the clouds' token exchanges (identity/), answered before authentication
    const exchange = exchangeOf(req);
    if (exchange) {
      const { user, annotations } = exchangeAudit(exchange);
      const e = auditor.begin(startOf(ctx, req, user ?? ANONYMOUS));
      if (e) for (const [k, v] of Object.entries(annotations)) e.annotate(k, v);
      return e?.complete(res.statusCode);
    }
    const annotated = hasAnnotations(ctx);
    if (res.statusCode === 401) return auditor.failedAuthentication(startOf(ctx, req, undefined), errors.unauthorized().toStatus(), annotated ? ctx.annotations : undefined);
    // answered before authentication: the public OIDC discovery paths (a fault's error included)
    if ((res.statusCode < 400 || annotated) && ctx.info.parts.length === 0 && !ctx.info.isResourceRequest) {
      const e = auditor.begin(startOf(ctx, req, ANONYMOUS));
      if (e) for (const k in ctx.annotations) e.annotate(k, ctx.annotations[k]!);
      return e?.complete(res.statusCode);
    }
    // a TokenFault's error during authentication (a review fault on the request's token)
    if (annotated && res.statusCode >= 400) auditor.failedAuthentication(startOf(ctx, req, undefined), { status: 'Failure', code: res.statusCode }, ctx.annotations);
  };
  return { init, afterAuthentication, observer, onHead: onResponseHead };
}
