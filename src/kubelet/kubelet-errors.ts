import type { LibraryErrorCode } from '../errors/error-codes.js';
import { aggregateMessage } from '../util/go-format.js';
/**
 * Errors raised by the kubelet emulation, each with a stable `code` (documented with the other
 * library codes in errors/error-codes.ts). The messages are the kubelet's, byte for byte
 * (pkg/kubelet/token/token_manager.go, pkg/volume/util/atomic_writer.go,
 * pkg/volume/projected/projected.go), so tests pin both `code` and `message`.
 * @example
 * const code: KubeletErrorCode = 'ERR_TOKEN_EXPIRED';
 */
export type KubeletErrorCode = Extract<LibraryErrorCode, 'ERR_TOKEN_FETCH_FAILED' | 'ERR_TOKEN_EXPIRED' | 'ERR_INVALID_PATH' | 'ERR_VOLUME_SETUP'>;

/**
 * @example
 * try { await tokenManager.getServiceAccountToken('ns', 'sa', tr); }
 * catch (e) { if (e instanceof KubeletError && e.code === 'ERR_TOKEN_EXPIRED') retryLater(); }
 */
export class KubeletError extends Error {
  override readonly name = 'KubeletError';
  constructor(
    readonly code: KubeletErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** the same as `code`, as on every error the library throws */
  get errorCode(): KubeletErrorCode {
    return this.code;
  }
}

/**
 * What Go's `%v` prints for an error: its message.
 * @example
 * errorMessage(new Error('boom')); // 'boom'
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The message of apimachinery's `utilerrors.NewAggregate(errs).Error()`: one distinct message as is,
 * several as `[a, b]` (duplicates dropped, first-seen order kept).
 * @example
 * aggregateErrors([new Error('a'), new Error('b'), new Error('a')]); // '[a, b]'
 */
export function aggregateErrors(errs: readonly unknown[]): string {
  return aggregateMessage(errs.map(errorMessage));
}
