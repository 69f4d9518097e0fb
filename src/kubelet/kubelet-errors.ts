import { aggregateMessage } from '../util/go-format.js';
/**
 * Errors raised by the kubelet emulation, each with a stable `code`. The messages are the kubelet's,
 * byte for byte (pkg/kubelet/token/token_manager.go, pkg/volume/util/atomic_writer.go,
 * pkg/volume/projected/projected.go), so tests pin both `code` and `message`.
 * @example
 * const code: KubeletErrorCode = 'ERR_TOKEN_EXPIRED';
 */
export type KubeletErrorCode =
  /** `failed to fetch token: <err>`: the TokenRequest failed and nothing was cached */
  | 'ERR_TOKEN_FETCH_FAILED'
  /** `token <key> expired and refresh failed: <err>` */
  | 'ERR_TOKEN_EXPIRED'
  /** `invalid path: ...` from the atomic writer's path rules */
  | 'ERR_INVALID_PATH'
  /** a projected volume could not be set up (one source failed; several are aggregated) */
  | 'ERR_VOLUME_SETUP';

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
