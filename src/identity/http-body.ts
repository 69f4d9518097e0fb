import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readRequestBody } from '../util/read-body.js';

/**
 * The request body, at most `limit` bytes: the buffer a body parser in front of the endpoint
 * already read (the API pipeline leaves these endpoints' bodies unread), or the stream read here
 * (util/read-body.ts). Throws {@link BodyTooLarge} past the limit without reading the rest.
 * @example
 * const body = await readBody(req, 64 * 1024);
 */
function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return req.body.length > limit ? Promise.reject(new BodyTooLarge(limit)) : Promise.resolve(req.body);
  return new Promise((ok, fail) => readRequestBody(req, limit, (err, body) => (err ? fail(err) : ok(body!))));
}

/**
 * {@link readBody} for an endpoint that answers an oversized body with its own error: the
 * connection is marked to close (the rest of the body is never read) and `tooLarge` is thrown.
 * @example
 * const body = await readBodyOr(req, res, 64 * 1024, stsErrors.tooLarge);
 */
export async function readBodyOr(req: IncomingMessage & { body?: unknown }, res: ServerResponse, limit: number, tooLarge: (limit: number) => Error): Promise<Buffer> {
  try {
    return await readBody(req, limit);
  } catch (e) {
    if (!(e instanceof BodyTooLarge)) throw e;
    res.setHeader('Connection', 'close');
    throw tooLarge(limit);
  }
}

/** Whether a Content-Type names HTML form encoding (parameters such as `charset` allowed). */
export function isFormEncoded(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** The path and query of a request, as the client sent them (express keeps the mounted prefix in `originalUrl`). */
export function requestTarget(req: IncomingMessage & { originalUrl?: string }): { path: string; query: URLSearchParams } {
  const raw = req.originalUrl ?? req.url ?? '/';
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}
