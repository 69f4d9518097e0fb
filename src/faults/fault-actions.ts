import type { Clock } from '../clock/index.js';
import { StatusError, type StatusReason } from '../errors/index.js';

/**
 * What an `error` fault answers: the Status kube-apiserver would send with that code, its
 * reason as apimachinery names it, and as message the fault's `reason` or, without one,
 * client-go's words for an unexpected answer of that code (apimachinery/pkg/api/errors
 * `NewGenericServerResponse`), so that a client prints what it prints for the real thing.
 */
const BY_CODE: Record<number, { reason: StatusReason; message: string }> = {
  400: { reason: 'BadRequest', message: 'the server rejected our request for an unknown reason' },
  401: { reason: 'Unauthorized', message: 'Unauthorized' },
  403: { reason: 'Forbidden', message: 'the server does not allow access to the requested resource' },
  404: { reason: 'NotFound', message: 'the server could not find the requested resource' },
  409: { reason: 'Conflict', message: 'the server reported a conflict' },
  429: { reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' },
  500: { reason: 'InternalError', message: 'an error on the server ("unknown") has prevented the request from succeeding' },
  503: { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' },
  504: { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted, but may still be processing the request' },
};

/**
 * The StatusError an `error` fault answers with.
 * @example
 * faultError(503, undefined).toStatus().message; // 'the server is currently unable to handle the request'
 */
export function faultError(code: number, reason: string | undefined): StatusError {
  const known = BY_CODE[code] ?? BY_CODE[500]!;
  const message = reason ?? known.message;
  // a 500 reads as kube-apiserver's InternalError does
  if (code === 500 || !BY_CODE[code]) return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  // 429 and 503 carry a Retry-After hint, as kube-apiserver's throttling answers do
  return new StatusError(code, known.reason, message, code === 429 || code === 503 ? { retryAfterSeconds: 1 } : undefined);
}

/**
 * Resolves after `ms` of the clock's time: on a manual clock, when a test advances it that far.
 * @example
 * await waitFor(clock, 2000);
 */
export function waitFor(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
