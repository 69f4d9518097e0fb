import type { Request } from 'express';
import { checkTypeMeta } from '../registry/type-meta.js';
import { decodeBody } from './media.js';

const EMPTY = Buffer.alloc(0);

/**
 * The one body decoder of the HTTP layer: the request body decoded by its Content-Type (JSON,
 * YAML, Kubernetes protobuf; api/media.ts), undefined when empty.
 * @example
 * const patch = requestBody(req);
 */
export function requestBody(req: Request): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body : EMPTY;
  return decodeBody(raw, req.headers['content-type']);
}

/**
 * The body as an object of `kind` in `apiVersion` (registry/type-meta.ts checks both, with
 * kube-apiserver's messages); `{}` when the body is empty.
 * @example
 * const review = requestObject(req, 'SelfSubjectAccessReview', 'authorization.k8s.io/v1');
 */
export function requestObject(req: Request, kind: string, apiVersion: string | undefined): Record<string, unknown> {
  const b = requestBody(req) ?? {};
  checkTypeMeta(b, kind, apiVersion);
  return b;
}
