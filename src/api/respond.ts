/**
 * The one module that writes responses' error bodies and JSON. Handlers and filters throw;
 * {@link writeError} renders what they threw:
 * - a StatusError: its `metav1.Status`, with its code;
 * - a {@link FilterError} (a filter that failed, as impersonation or authorization can): the
 *   plain-text 500 kube-apiserver's `responsewriters.InternalError` sends;
 * - express's own body errors: 413 and 400 Statuses;
 * - anything else: a 500 Status whose detail goes to the log, not to the client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pino from 'pino';
import { errors, isStatusError, type StatusError } from '../errors/index.js';
import { goQuote } from '../util/go-format.js';
import { maybeContext } from './context.js';
import { MAX_BODY_BYTES } from './media.js';

/**
 * A failure inside a filter of kube-apiserver's handler chain (impersonation, authorization,
 * request info), which answers with a plain-text 500, not a Status:
 * `Internal Server Error: "<uri>": <err>`.
 */
export class FilterError extends Error {
  override readonly name = 'FilterError';
}

/**
 * A JSON answer as kube-apiserver writes one: `Content-Type` exactly the serializer's media type
 * (no charset), a Content-Length, and head and body in one write. The request's audit event is
 * handed the object (`LogResponseObject`): an error's Status, or the object at RequestResponse.
 */
export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  maybeContext(res.req)?.audit?.responseWritten(code, body);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Writes a Status error (or just ends a response whose head already went out, e.g. a watch). */
export function sendStatus(res: ServerResponse, err: StatusError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err.details?.retryAfterSeconds) res.setHeader('Retry-After', String(err.details.retryAfterSeconds));
  sendJson(res, err.code, err.toStatus());
}

/** Adds `Warning: 299 - "<text>"` headers, as kube-apiserver does for request warnings. */
export function addWarnings(res: ServerResponse, warnings: readonly string[]): void {
  for (const w of warnings) res.appendHeader('Warning', `299 - ${JSON.stringify(w)}`);
}

/**
 * `responsewriters.InternalError`: `Internal Server Error: "<uri>": <err>` as text/plain, with
 * Go's HTML escaping of the message (http.Error escapes nothing, but the writer does).
 */
function internalError(req: IncomingMessage, res: ServerResponse, message: string): void {
  const text = `Internal Server Error: ${goQuote(req.url ?? '')}: ${message}`.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = `${text}\n`;
  res.statusCode = 500;
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * Renders whatever a request's handling threw. It never throws itself: a response that is
 * already on its way is ended instead.
 */
export function writeError(req: IncomingMessage, res: ServerResponse, err: unknown, logger: pino.Logger): void {
  try {
    if (res.headersSent) return void res.end();
    if (isStatusError(err)) return sendStatus(res, err);
    if (err instanceof FilterError) return internalError(req, res, err.message);
    const e = err as { type?: string; status?: number; limit?: number; message?: string };
    if (e?.type === 'entity.too.large' || e?.status === 413) return sendStatus(res, errors.tooLarge(e.limit ?? MAX_BODY_BYTES));
    if (e?.status && e.status >= 400 && e.status < 500) return sendStatus(res, errors.badRequest(e.message ?? 'bad request'));
    logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), method: req.method, path: pathOf(req) }, 'request failed');
    sendStatus(res, errors.internal('an unexpected error occurred'));
  } catch (e) {
    logger.error({ err: String(e) }, 'writing an error response failed');
    res.destroy();
  }
}

/** The path of a request without its query (queries may hold secrets in misused requests). */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
