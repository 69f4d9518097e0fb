/**
 * The stable codes of the errors satoken throws to its library users, as jose's `ERR_*` codes:
 * match on `err.errorCode`, which every such error carries, rather than on its message.
 * - A {@link StatusError} (a Kubernetes `metav1.Status`) keeps `code` as the HTTP status, as
 *   the wire and Kubernetes' clients have it; its `errorCode` is `ERR_` and its `reason` in upper
 *   snake case (`NotFound` → `ERR_NOT_FOUND`).
 * - Every other error (bad options, a manual-clock call on a real clock, the kubelet's) carries
 *   the same string as `code` too, as jose's and Node's errors do, and stays an instance of the
 *   built-in class it always was (TypeError, RangeError, Error).
 * README "Errors" lists them; test/errors/error-codes.test.ts pins code and message.
 * The StatusError codes live with StatusError (status-error.ts).
 */
import type { StatusErrorCode } from './status-error.js';

/** The codes of the errors that are not Kubernetes Statuses. */
export type LibraryErrorCode =
  /** an option has a value satoken cannot use (createEmulator's options, the webhook authorizer's version) */
  | 'ERR_INVALID_OPTION'
  /** `clock.advance()` on an emulator whose clock is not the manual one */
  | 'ERR_CLOCK_NOT_MANUAL'
  /** `advance(ms)` with a negative or non-finite `ms` */
  | 'ERR_INVALID_DURATION'
  /** the kubelet's: its TokenRequest failed and nothing was cached (`failed to fetch token: <err>`) */
  | 'ERR_TOKEN_FETCH_FAILED'
  /** the kubelet's: `token <key> expired and refresh failed: <err>` */
  | 'ERR_TOKEN_EXPIRED'
  /** the kubelet's: a projected file path breaks the atomic writer's rules (`invalid path: ...`) */
  | 'ERR_INVALID_PATH'
  /** the kubelet's: a projected volume could not be set up (one source failed; several are aggregated) */
  | 'ERR_VOLUME_SETUP';

/**
 * Every code a library user can see on `err.errorCode`.
 * @example
 * const retryable: SatokenErrorCode[] = ['ERR_CONFLICT', 'ERR_TOO_MANY_REQUESTS', 'ERR_TOKEN_FETCH_FAILED'];
 */
export type SatokenErrorCode = StatusErrorCode | LibraryErrorCode;
export type { StatusErrorCode };

/** An error class whose instances carry a {@link LibraryErrorCode} as `code` and `errorCode`. */
type CodedErrorClass<E extends Error> = new (code: LibraryErrorCode, message: string, options?: { cause?: unknown }) => E & { readonly code: LibraryErrorCode; readonly errorCode: LibraryErrorCode };

/** `Base` with a stable code; instances stay `instanceof Base`. */
function coded<E extends Error>(Base: new (message: string, options?: { cause?: unknown }) => E): CodedErrorClass<E> {
  const Plain = Base as unknown as new (message: string, options?: { cause?: unknown }) => Error;
  class Coded extends Plain {
    constructor(
      readonly code: LibraryErrorCode,
      message: string,
      options?: { cause?: unknown },
    ) {
      super(message, options);
    }
    get errorCode(): LibraryErrorCode {
      return this.code;
    }
  }
  return Coded as unknown as CodedErrorClass<E>;
}

/**
 * A TypeError with a stable code: an option or argument of the wrong kind.
 * @example
 * throw new SatokenTypeError('ERR_INVALID_OPTION', 'startTime is not a valid date: soon');
 */
export const SatokenTypeError = coded(TypeError);
export type SatokenTypeError = InstanceType<typeof SatokenTypeError>;

/**
 * A RangeError with a stable code: a number outside what is allowed.
 * @example
 * throw new SatokenRangeError('ERR_INVALID_DURATION', 'advance takes a non-negative number of milliseconds, got -1');
 */
export const SatokenRangeError = coded(RangeError);
export type SatokenRangeError = InstanceType<typeof SatokenRangeError>;

/**
 * An Error with a stable code, where Kubernetes' own message is an error of no finer class.
 * @example
 * throw new SatokenError('ERR_INVALID_OPTION', 'service-account-issuer should not be an empty string');
 */
export const SatokenError = coded(Error);
export type SatokenError = InstanceType<typeof SatokenError>;

/**
 * The stable code of any error satoken threw, or undefined for one it did not make.
 * @example
 * try { await emu.requestToken('default', 'nobody'); } catch (e) { errorCodeOf(e); } // 'ERR_NOT_FOUND'
 */
export function errorCodeOf(e: unknown): SatokenErrorCode | undefined {
  if (e === null || typeof e !== 'object' || !('errorCode' in e)) return undefined;
  const code = (e as { errorCode: unknown }).errorCode;
  return typeof code === 'string' && code.startsWith('ERR_') ? (code as SatokenErrorCode) : undefined;
}
