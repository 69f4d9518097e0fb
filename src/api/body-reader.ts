/**
 * The pipeline's step that reads an API request's body into `req.body` (a Buffer; undefined when
 * the request has none), bounded, with the reader in util/read-body.ts.
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
import { errors } from '../errors/index.js';
import { BodyTooLarge, hasBody, readRequestBody } from '../util/read-body.js';
import type { Step } from './step.js';

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
