import { type FieldError } from './field-error.js';
import { StatusError, qualifiedResource } from './status-error.js';

/**
 * Constructors for the Kubernetes errors satoken raises, one per reason, with apimachinery's
 * messages (staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go).
 */
export const errors = {
  notFound(resource: string, name: string, group = ''): StatusError {
    return new StatusError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { name, group, kind: resource });
  },
  alreadyExists(resource: string, name: string, group = ''): StatusError {
    return new StatusError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { name, group, kind: resource });
  },
  conflict(resource: string, name: string, why: string, group = ''): StatusError {
    return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`, { name, group, kind: resource });
  },
  invalid(kind: string, name: string, errs: FieldError[], group = ''): StatusError {
    const qualified = group ? `${kind}.${group}` : kind;
    const msgs = errs.map((e) => e.toString());
    const joined = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
    return new StatusError(422, 'Invalid', `${qualified} "${name}" is invalid: ${joined}`, {
      name,
      group,
      kind,
      causes: errs.map((e) => ({ reason: e.type, message: e.body(), field: e.field })),
    });
  },
  badRequest(message: string): StatusError {
    return new StatusError(400, 'BadRequest', message);
  },
  unauthorized(message = 'Unauthorized'): StatusError {
    return new StatusError(401, 'Unauthorized', message);
  },
  /** `forbiddenMessage` of apiserver responsewriters: `<resource> "<name>" is forbidden: <why>`. */
  forbidden(resource: string, name: string, why: string, group = ''): StatusError {
    const q = qualifiedResource(resource, group);
    const msg = name ? `${q} "${name}" is forbidden: ${why}` : `${q} is forbidden: ${why}`;
    return new StatusError(403, 'Forbidden', msg, { name, group, kind: resource });
  },
  forbiddenRaw(message: string): StatusError {
    return new StatusError(403, 'Forbidden', message);
  },
  methodNotAllowed(): StatusError {
    return new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  },
  unsupportedMediaType(): StatusError {
    return new StatusError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  },
  tooLarge(limitBytes: number): StatusError {
    return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);
  },
  gone(message: string): StatusError {
    return new StatusError(410, 'Expired', message);
  },
  internal(message: string): StatusError {
    return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  },
  serviceUnavailable(message: string): StatusError {
    return new StatusError(503, 'ServiceUnavailable', message);
  },
  pageNotFound(): StatusError {
    return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  },
};
