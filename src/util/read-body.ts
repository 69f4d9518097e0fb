/**
 * Reading a request body, bounded, with a callback: the HTTP pipeline's body step
 * (api/body-reader.ts) and the clouds' token-exchange endpoints (identity/http-body.ts) share it.
 */
import type { IncomingMessage } from 'node:http';

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
