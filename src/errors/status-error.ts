/**
 * The one error type that crosses module boundaries. It carries everything a Kubernetes
 * `metav1.Status` needs; `toStatus()` is the one place that renders it (member order as
 * apimachinery emits it: kind, apiVersion, metadata, status, message, reason, details, code).
 * Reference: staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go.
 */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'Expired';

/** `ERR_` + a {@link StatusReason} in upper snake case: the errorCode of a StatusError. */
export type StatusErrorCode =
  | 'ERR_BAD_REQUEST'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_FORBIDDEN'
  | 'ERR_NOT_FOUND'
  | 'ERR_ALREADY_EXISTS'
  | 'ERR_CONFLICT'
  | 'ERR_GONE'
  | 'ERR_INVALID'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_NOT_ACCEPTABLE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_REQUEST_ENTITY_TOO_LARGE'
  | 'ERR_TOO_MANY_REQUESTS'
  | 'ERR_INTERNAL_ERROR'
  | 'ERR_SERVICE_UNAVAILABLE'
  | 'ERR_TIMEOUT'
  | 'ERR_EXPIRED';

/**
 * The errorCode of a StatusError of `reason`.
 * @example
 * statusErrorCode('AlreadyExists'); // 'ERR_ALREADY_EXISTS'
 */
export function statusErrorCode(reason: StatusReason): StatusErrorCode {
  return `ERR_${reason.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase()}` as StatusErrorCode;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/**
 * A Kubernetes API error: `code` is the HTTP status (`metav1.Status.code`), `reason` Kubernetes'
 * machine-readable StatusReason, and `errorCode` the stable satoken code derived from it
 * (`ERR_NOT_FOUND`), like every error the library throws.
 * @example
 * try { await emu.get('Pod', 'default', 'nope'); }
 * catch (e) { if (isStatusError(e) && e.errorCode === 'ERR_NOT_FOUND') console.log(e.code); } // 404
 */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  /** `ERR_` and the reason in upper snake case (errors/error-codes.ts). */
  get errorCode(): StatusErrorCode {
    return statusErrorCode(this.reason);
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) {
      // keep Go's member order: message, reason, details, code
      return { kind: s.kind, apiVersion: s.apiVersion, metadata: s.metadata, status: s.status, message: s.message, reason: s.reason, details: orderDetails(this.details), code: s.code } as Status;
    }
    return s;
  }
}

function orderDetails(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length) {
    out.causes = d.causes.map((c) => {
      const o: StatusCause = {};
      if (c.reason) o.reason = c.reason;
      if (c.message) o.message = c.message;
      if (c.field) o.field = c.field;
      return o;
    });
  }
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

/** `group/resource` as Kubernetes qualifies resources in messages (`roles.rbac.authorization.k8s.io`). */
export function qualifiedResource(resource: string, group = ''): string {
  return group ? `${resource}.${group}` : resource;
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}
