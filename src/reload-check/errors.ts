/**
 * Why a reload check could not judge the program: its options, the server, the command, the
 * machine. The CLI prints the message as one line and exits 2; the library rejects with it.
 */

/** The stable codes of a {@link ReloadCheckError}. */
export type ReloadCheckErrorCode =
  /** an option has a value the check cannot use (`--window 0`, `--audience` without `--path`) */
  | 'ERR_RELOAD_CHECK_USAGE'
  /** the check could not set the pod up: no server, no recorder, no such command, a failed mount */
  | 'ERR_RELOAD_CHECK_SETUP'
  /** the check was interrupted (`signal` aborted, SIGINT) before it could judge */
  | 'ERR_RELOAD_CHECK_ABORTED';

/**
 * A reload check that ended without a verdict.
 * @example
 * try { await emu.reloadCheck({ command: 'nope' }); } catch (e) { (e as ReloadCheckError).code; } // 'ERR_RELOAD_CHECK_SETUP'
 */
export class ReloadCheckError extends Error {
  override readonly name = 'ReloadCheckError';
  constructor(
    readonly code: ReloadCheckErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** the same code, under the name every satoken error carries it */
  get errorCode(): ReloadCheckErrorCode {
    return this.code;
  }
}

/** A usage error: a bad option. */
export const usageError = (message: string): ReloadCheckError => new ReloadCheckError('ERR_RELOAD_CHECK_USAGE', message);
/** A set-up error: the world is not as the check needs it. */
export const setupError = (message: string, cause?: unknown): ReloadCheckError => new ReloadCheckError('ERR_RELOAD_CHECK_SETUP', message, cause === undefined ? undefined : { cause });
