import { errors } from '../errors/index.js';

/**
 * The one check of a request body's type: it must be an object, and the `kind` and `apiVersion`
 * it names (when it names them: the Python client sends neither) must be the ones the endpoint
 * serves, with kube-apiserver's messages.
 * @example
 * checkTypeMeta(body, 'TokenReview', 'authentication.k8s.io/v1');
 */
export function checkTypeMeta(body: unknown, kind: string, apiVersion: string | undefined, notAnObject = `the body of the request was not a ${kind} object`): asserts body is { kind?: unknown; apiVersion?: unknown; [k: string]: unknown } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest(notAnObject);
  const b = body as { kind?: unknown; apiVersion?: unknown };
  if (b.kind !== undefined && b.kind !== null && b.kind !== '' && b.kind !== kind) {
    throw errors.badRequest(`the kind in the data (${String(b.kind)}) does not match the expected kind (${kind})`);
  }
  if (apiVersion !== undefined && b.apiVersion !== undefined && b.apiVersion !== null && b.apiVersion !== '' && b.apiVersion !== apiVersion) {
    throw errors.badRequest(`the API version in the data (${String(b.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
}
