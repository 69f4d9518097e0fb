/**
 * Reading request bodies, bounded: the pipeline's step that reads an API request's body into
 * `req.body` (a Buffer; undefined when the request has none), and the callback reader under it,
 * which the clouds' token-exchange endpoints share (identity/http-body.ts).
 *
 * kube-apiserver reads a body as it came: it does not inflate a `Content-Encoding` (a gzip body
 * then fails to decode, as it does here) and refuses more than 3 MiB with a 413. A body whose
 * declared length is over the limit is refused before any of it is read; one that grows past it
 * is refused there, and the rest is read and dropped as it comes (Node's server drops the unread
 * body of an answered request, so the connection stays usable; the server's request timeout
 * bounds a body that never ends).
 *
 * Written here instead of express.raw (body-parser, raw-body, type-is, on-finished): on the HTTP
 * TokenReview path that stack took about 9 µs of a 200 µs request (server CPU profile, 60,000
 * reviews), for a content-type test every API request passes and an inflation kube-apiserver
 * does not do.
 */
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors/index.js';
import type { Step } from './step.js';

/** A body larger than the reader takes. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** Whether a request carries a body: a Transfer-Encoding, or a Content-Length other than 0. */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Reads the body of `req`, at most `limit` bytes, and calls `done` once: with the body, or with
 * {@link BodyTooLarge}, or with the stream's error (a client that went away mid-body).
 * @example
 * readRequestBody(req, 64 * 1024, (err, body) => (err ? fail(err) : use(body!)));
 */
export function readRequestBody(req: IncomingMessage, limit: number, done: (err: Error | undefined, body?: Buffer) => void): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return done(new BodyTooLarge(limit));
  const chunks: Buffer[] = [];
  let size = 0;
  const finish = (err: Error | undefined): void => {
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
    req.removeListener('close', onClose);
    if (err) return done(err);
    done(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  };
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > limit) return finish(new BodyTooLarge(limit));
    chunks.push(chunk);
  };
  const onEnd = (): void => finish(undefined);
  const onError = (e: Error): void => finish(e);
  // closed before its end without an error: the client went away
  const onClose = (): void => finish(new Error('request aborted'));
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
}

/**
 * The pipeline step: reads the body into `req.body` before authentication. A body over `limit`
 * is the 413 Status `Request entity too large: limit is <limit>`; a client that went away is
 * a 400 no one reads.
 * @example
 * steps.push(bodyReader(MAX_BODY_BYTES));
 */
export function bodyReader(limit: number): Step {
  return (req, _res, next) => {
    if (!hasBody(req)) return next();
    readRequestBody(req, limit, (err, body) => {
      if (err instanceof BodyTooLarge) return next(errors.tooLarge(limit));
      if (err) return next(errors.badRequest(err.message));
      req.body = body;
      next();
    });
  };
}
