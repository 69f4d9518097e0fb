import type { RequestContext } from '../api/context.js';
import type { AuditRequest } from '../audit/auditor.js';
import type { FaultReporter } from './fault-injector.js';
import { FAULT_ANNOTATION } from './token-fault.js';

/** Receives audit annotations (the TokenReview's `annotate`). */
export type Annotate = (annotations: Readonly<Record<string, string>>) => void;

/** `a` then `b`, comma-separated, each name once. */
function joinNames(existing: string | undefined, name: string): string {
  if (!existing) return name;
  return existing.split(',').includes(name) ? existing : `${existing},${name}`;
}

/**
 * Adds `annotations` to the request context's, a fault's name joined to any fault already named
 * there (the request's own token and the token it reviews may both meet one).
 */
function addToContext(ctx: RequestContext, annotations: Readonly<Record<string, string>>): void {
  for (const k in annotations) {
    const v = annotations[k]!;
    ctx.annotations[k] = k === FAULT_ANNOTATION ? joinNames(ctx.annotations[k], v) : v;
  }
}

/**
 * The reporter of an HTTP request: the fault's name goes into the request context's audit
 * annotations (`testing.satoken.dev/fault`), which the audit filters put on the request's
 * events, the 401 of a failed authentication and the public discovery paths' included.
 * @example
 * authenticator.authenticate({ authorization, report: contextReporter(requestContext(req)) });
 */
export function contextReporter(ctx: RequestContext): FaultReporter {
  return (f) => addToContext(ctx, { [FAULT_ANNOTATION]: f.name });
}

/**
 * The annotator of an HTTP TokenReview: the review's annotations (a stale token's, a fault's
 * name) go into the request context's.
 * @example
 * await tokens.review(body, undefined, contextAnnotator(requestContext(req)));
 */
export function contextAnnotator(ctx: RequestContext): Annotate {
  return (a) => addToContext(ctx, a);
}

/**
 * A fault reporter that hands the fault's name to `annotate` as `testing.satoken.dev/fault`.
 * @example
 * chain.answer(token, audiences, faultAnnotator(annotate));
 */
export function faultAnnotator(annotate: Annotate): FaultReporter {
  return (f) => annotate({ [FAULT_ANNOTATION]: f.name });
}

/**
 * The reporter of an in-process request (the library's and the kubelets' TokenRequests): its
 * own audit event, when one is recorded.
 * @example
 * auditInProcess(auditor, request, (a) => tokens.issue(ns, name, body, user, auditReporter(a)));
 */
export function auditReporter(a: AuditRequest | undefined): FaultReporter | undefined {
  return a ? (f) => a.annotate(FAULT_ANNOTATION, f.name) : undefined;
}
