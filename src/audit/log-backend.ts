/**
 * The log backend (staging/src/k8s.io/apiserver/plugin/pkg/audit/log): one line per event, to
 * `--audit-log-path` (a {@link RotatingFile}) or standard output (`-`), in the `json` or
 * `legacy` format, for the requests the policy selects.
 * Lines are gathered during one turn of the event loop and written together right after it
 * (kube-apiserver's `blocking` mode writes each event before answering; satoken answers first,
 * so the cost of a write is not on every request). A failed write loses those lines and is
 * reported as kube-apiserver reports it: `Error in audit plugin 'log' affecting N audit events`.
 */
import type { Clock } from '../clock/index.js';
import { type LogFormat, formatter } from './event-format.js';
import { PolicyEvaluator } from './policy-evaluator.js';
import { RotatingFile } from './rotating-file.js';
import type { AuditSink } from './auditor.js';
import type { AuditEvent, Policy } from './types.js';

/** Where lines go: a rotating file or a stream. */
export interface LineWriter {
  write(chunk: string): void;
  close(): Promise<void>;
}

export interface LogBackendOptions {
  policy: Policy;
  /** a file path, or `-` for standard output */
  path: string;
  format?: LogFormat;
  maxSizeMB?: number;
  maxBackups?: number;
  maxAgeDays?: number;
  compress?: boolean;
  clock: Clock;
  /** reports lines that could not be written */
  onError?: (message: string) => void;
  /** instead of a file or standard output (tests) */
  writer?: LineWriter;
}

/** Standard output as a line writer (a closed pipe is reported once, not thrown). */
function stdoutWriter(onError: (e: Error) => void): LineWriter {
  let failed = false;
  process.stdout.on('error', (e) => {
    if (!failed) onError(e);
    failed = true;
  });
  return {
    write: (chunk) => {
      if (!failed) process.stdout.write(chunk);
    },
    close: () => Promise.resolve(),
  };
}

/**
 * The `log` audit backend as an {@link AuditSink}.
 * @example
 * const log = new LogBackend({ policy, path: '/var/log/kubernetes/audit.log', maxSizeMB: 100, maxBackups: 5, clock });
 * const auditor = new Auditor({ sinks: [log, recorder], clock });
 */
export class LogBackend implements AuditSink {
  readonly evaluator: PolicyEvaluator;
  private readonly line: (ev: AuditEvent) => string;
  private readonly writer: LineWriter;
  private pending: string[] = [];
  private scheduled = false;
  private closed = false;

  constructor(private readonly o: LogBackendOptions) {
    this.evaluator = new PolicyEvaluator(o.policy);
    this.line = formatter(o.format ?? 'json');
    const report = (e: Error, n = 0) => o.onError?.(`Error in audit plugin 'log' affecting ${n} audit events: ${e.message}`);
    this.writer =
      o.writer ??
      (o.path === '-'
        ? stdoutWriter((e) => report(e))
        : new RotatingFile({
            path: o.path,
            clock: o.clock,
            ...(o.maxSizeMB !== undefined ? { maxSizeMB: o.maxSizeMB } : {}),
            ...(o.maxBackups !== undefined ? { maxBackups: o.maxBackups } : {}),
            ...(o.maxAgeDays !== undefined ? { maxAgeDays: o.maxAgeDays } : {}),
            ...(o.compress !== undefined ? { compress: o.compress } : {}),
            onError: (e) => report(e),
          }));
  }

  /** @internal the auditor's call: the line goes out after this turn of the event loop */
  process(event: AuditEvent): undefined {
    if (this.closed) return undefined;
    this.pending.push(`${this.line(event)}\n`);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return undefined;
  }

  /** Writes what is pending now (each line on its own when rotation must fall between lines). */
  flush(): void {
    this.scheduled = false;
    const lines = this.pending;
    if (lines.length === 0) return;
    this.pending = [];
    try {
      this.writer.write(lines.join(''));
    } catch {
      // the batch did not fit before a rotation, or one line is larger than a whole file: line by line
      let lost = 0;
      let first: Error | undefined;
      for (const l of lines) {
        try {
          this.writer.write(l);
        } catch (e) {
          lost++;
          first ??= e as Error;
        }
      }
      if (lost) this.o.onError?.(`Error in audit plugin 'log' affecting ${lost} audit events: ${first!.message}`);
    }
  }

  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await this.writer.close();
  }
}
