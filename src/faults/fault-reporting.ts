import type { RequestContext } from '../api/context.js';
import type { AuditRequest } from '../audit/auditor.js';
import type { FaultReporter } from './fault-injector.js';
import { FAULT_ANNOTATION } from './token-fault.js';

/** `a` then `b`, comma-separated, each name once. */
function joinNames(existing: string | undefined, name: string): string {
  if (!existing) return name;
  return existing.split(',').includes(name) ? existing : `${existing},${name}`;
}

/**
 * The reporter of an HTTP request: the fault's name goes into the request context's audit
 * annotations (`testing.satoken.dev/fault`), which the audit filters put on the request's
 * events, the 401 of a failed authentication and the public discovery paths' included.
 * @example
 * await tokens.review(body, ns, contextReporter(requestContext(req)));
 */
export function contextReporter(ctx: RequestContext): FaultReporter {
  return (f) => {
    const a = (ctx.annotations ??= {});
    a[FAULT_ANNOTATION] = joinNames(a[FAULT_ANNOTATION], f.name);
  };
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
