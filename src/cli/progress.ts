/** A terminal-ish stream: standard error in the CLI, a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

export interface Progress {
  /** shows what is being done now, replacing the previous step's line */
  step(label: string): void;
  /** clears the step line; with a summary, leaves that one line instead */
  done(summary?: string): void;
}

/** Progress that shows nothing: for callers without a terminal. */
export const NO_PROGRESS: Progress = { step: () => undefined, done: () => undefined };

const CLEAR_LINE = '\r\u001b[2K';
/** the stream whose line a step occupies now, if any: an error is printed on a clean line */
let pending: ProgressStream | undefined;

/**
 * Clears a step line still shown (an operation that failed half way), so that the error which
 * follows starts on its own line.
 * @example
 * clearProgress(); process.stderr.write(`error: ${message}\n`);
 */
export function clearProgress(): void {
  pending?.write(CLEAR_LINE);
  pending = undefined;
}

/**
 * Progress of a long operation for a person at a terminal, on one line that each step rewrites
 * (`label...`), cleared at the end or replaced by a one-line summary. Off a terminal (a pipe, a
 * file, a test) it writes nothing at all, so scripts and logs see only the command's output.
 * @example
 * const p = terminalProgress(process.stderr, 'satoken compare');
 * p.step('step 3/8: the hour');
 * p.done();
 */
export function terminalProgress(stream: ProgressStream, prefix: string): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  let shown = false;
  return {
    step(label) {
      stream.write(`${CLEAR_LINE}${prefix}: ${label}...`);
      shown = true;
      pending = stream;
    },
    done(summary) {
      if (shown) stream.write(CLEAR_LINE);
      if (summary) stream.write(`${prefix}: ${summary}\n`);
      shown = false;
      if (pending === stream) pending = undefined;
    },
  };
}
