import type { IncomingMessage, ServerResponse } from 'node:http';

/** A body larger than the endpoint reads. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/**
 * The request body, at most `limit` bytes: the buffer a body parser already read (express.raw),
 * or the stream read here. Throws {@link BodyTooLarge} past the limit without reading the rest.
 * @example
 * const body = await readBody(req, 64 * 1024);
 */
export async function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) {
    if (req.body.length > limit) throw new BodyTooLarge(limit);
    return req.body;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
