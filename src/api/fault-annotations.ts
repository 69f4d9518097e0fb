import type { FaultReporter } from '../registry/kinds/token-fault.js';
import { FAULT_ANNOTATION } from '../registry/kinds/token-fault.js';
import type { RequestContext } from './context.js';

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
 * The fault reporter of an HTTP request: the fault's name goes into the request context's audit
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
