import type { Request, Response, NextFunction } from 'express';
import type pino from 'pino';
import { errors, isStatusError, StatusError } from '../errors/index.js';

/**
 * The one place that writes Kubernetes `Status` errors to the wire. Handlers throw StatusErrors;
 * everything else becomes a 500 whose detail goes to the log, not to the client.
 */
export function sendStatus(res: Response, err: StatusError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, err.code, err.toStatus());
}

/**
 * A JSON answer as kube-apiserver writes one: `Content-Type` exactly the serializer's media type
 * (no charset), a Content-Length, and head and body in one write. (express's `send` would add
 * `; charset=utf-8`, and parse that header again on every answer.)
 */
export function sendJson(res: Response, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Adds `Warning: 299 - "<text>"` headers, as kube-apiserver does for request warnings. */
export function addWarnings(res: Response, warnings: readonly string[]): void {
  for (const w of warnings) res.append('Warning', `299 - ${JSON.stringify(w)}`);
}

export function errorHandler(logger: pino.Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    void _next;
    if (isStatusError(err)) return sendStatus(res, err);
    const e = err as { type?: string; status?: number; limit?: number; message?: string };
    if (e?.type === 'entity.too.large' || e?.status === 413) return sendStatus(res, errors.tooLarge(e.limit ?? 3 * 1024 * 1024));
    if (e?.status && e.status >= 400 && e.status < 500) return sendStatus(res, errors.badRequest(e.message ?? 'bad request'));
    logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), method: req.method, path: req.path }, 'request failed');
    sendStatus(res, errors.internal('an unexpected error occurred'));
  };
}
