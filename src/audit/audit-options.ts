/**
 * `satoken serve`'s audit flags, read and checked as kube-apiserver checks them
 * (staging/src/k8s.io/apiserver/pkg/server/options/audit.go), and the auditor they describe:
 * - `--audit-policy-file`: the policy (without it the log records nothing, as kube-apiserver);
 * - `--audit-log-path` (`-` for standard output), `--audit-log-maxage`, `--audit-log-maxbackup`,
 *   `--audit-log-maxsize`, `--audit-log-format` (json, legacy), `--audit-log-compress`;
 * - `--audit-recorder-size` (satoken's): requests the in-memory recorder keeps for
 *   `satoken audit` (default 10,000; 0 turns it off). It records what the policy file selects,
 *   else {@link DEFAULT_RECORDER_POLICY}.
 */
import type { Clock } from '../clock/index.js';
import { Auditor, type AuditSink } from './auditor.js';
import { LOG_FORMATS, type LogFormat } from './event-format.js';
import { LogBackend } from './log-backend.js';
import { loadPolicyFile } from './policy-file.js';
import { DEFAULT_MAX_EVENTS, type RecorderOptions, RequestRecorder } from './recorder.js';
import type { Policy } from './types.js';

/** The flags as commander hands them over (strings, as typed). */
export interface AuditFlags {
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogMaxage?: string;
  auditLogMaxbackup?: string;
  auditLogMaxsize?: string;
  auditLogFormat?: string;
  auditLogCompress?: boolean;
  auditRecorderSize?: string;
}

/** What to audit, and where to: the flags' settings, or the library's options. */
export interface AuditOptions {
  /** what the log records (and the recorder, unless it has its own policy) */
  policy?: Policy;
  /** the log backend (needs a policy, as kube-apiserver's) */
  log?: { path: string; format?: LogFormat; maxAgeDays?: number; maxBackups?: number; maxSizeMB?: number; compress?: boolean };
  /** the in-memory recorder: on by default (10,000 requests, {@link DEFAULT_RECORDER_POLICY} unless a policy is given); `false` turns it off */
  recorder?: false | RecorderOptions;
}

/** The audit set-up the flags describe, and what is worth a warning. */
export interface AuditSettings {
  options: AuditOptions;
  /** what the policy file holds that Kubernetes ignores, and flags that do nothing */
  warnings: string[];
}

/** A flag value that cannot be used; the message is kube-apiserver's. */
export class AuditFlagError extends Error {
  override readonly name = 'AuditFlagError';
}

/** pflag's IntVar: a decimal int, or `invalid argument "x" for "--flag" flag: strconv.ParseInt: ...`. */
function intFlag(flag: string, v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  if (!/^[+-]?\d+$/.test(v)) throw new AuditFlagError(`invalid argument ${JSON.stringify(v)} for "--${flag}" flag: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63) throw new AuditFlagError(`invalid argument ${JSON.stringify(v)} for "--${flag}" flag: strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

/**
 * Reads and checks the audit flags; loads the policy file. Throws an {@link AuditFlagError} or
 * an AuditPolicyError with one line.
 * @example
 * const settings = readAuditFlags({ auditPolicyFile: 'policy.yaml', auditLogPath: '-' });
 */
export function readAuditFlags(f: AuditFlags): AuditSettings {
  const warnings: string[] = [];
  const format = f.auditLogFormat ?? 'json';
  const maxAgeDays = intFlag('audit-log-maxage', f.auditLogMaxage);
  const maxBackups = intFlag('audit-log-maxbackup', f.auditLogMaxbackup);
  const maxSizeMB = intFlag('audit-log-maxsize', f.auditLogMaxsize);
  const recorderSize = f.auditRecorderSize === undefined ? DEFAULT_MAX_EVENTS : intFlag('audit-recorder-size', f.auditRecorderSize);
  const problems: string[] = [];
  if (f.auditLogPath) {
    if (!(LOG_FORMATS as readonly string[]).includes(format)) problems.push(`invalid audit log format ${format}, allowed formats are ${JSON.stringify(LOG_FORMATS.join(','))}`);
    if (maxAgeDays < 0) problems.push(`--audit-log-maxage ${maxAgeDays} can't be a negative number`);
    if (maxBackups < 0) problems.push(`--audit-log-maxbackup ${maxBackups} can't be a negative number`);
    if (maxSizeMB < 0) problems.push(`--audit-log-maxsize ${maxSizeMB} can't be a negative number`);
  }
  if (recorderSize < 0) problems.push(`--audit-recorder-size ${recorderSize} can't be a negative number`);
  if (problems.length) throw new AuditFlagError(problems.length === 1 ? problems[0]! : `[${problems.join(', ')}]`);
  const options: AuditOptions = { recorder: recorderSize === 0 ? false : { maxEvents: recorderSize } };
  if (f.auditPolicyFile) {
    const loaded = loadPolicyFile(f.auditPolicyFile);
    options.policy = loaded.policy;
    warnings.push(...loaded.warnings.map((w) => `audit policy ${f.auditPolicyFile}: ${w}`));
  }
  if (f.auditLogPath) {
    if (!options.policy) warnings.push('--audit-log-path is set but --audit-policy-file is not: no events will be recorded for log backend (as kube-apiserver)');
    else options.log = { path: f.auditLogPath, format: format as LogFormat, maxAgeDays, maxBackups, maxSizeMB, compress: f.auditLogCompress === true };
  }
  return { options, warnings };
}

/**
 * The auditor the options describe: the log backend when there is a policy and a path, and the
 * recorder unless it is turned off.
 * @example
 * const { auditor, recorder } = buildAuditor(readAuditFlags(flags).options, { clock, onError: (m) => logger.error(m) });
 */
export function buildAuditor(o: AuditOptions, deps: { clock: Clock; onError?: (message: string) => void }): { auditor: Auditor; recorder: RequestRecorder | undefined; log: LogBackend | undefined } {
  const sinks: AuditSink[] = [];
  let log: LogBackend | undefined;
  let recorder: RequestRecorder | undefined;
  if (o.log && o.policy) {
    log = new LogBackend({ policy: o.policy, clock: deps.clock, ...o.log, ...(deps.onError ? { onError: deps.onError } : {}) });
    sinks.push(log);
  }
  if (o.recorder !== false) {
    recorder = new RequestRecorder({ ...(o.policy ? { policy: o.policy } : {}), ...(o.recorder ?? {}) });
    sinks.push(recorder);
  }
  return { auditor: new Auditor({ sinks, clock: deps.clock }), recorder, log };
}
