/**
 * The result of a reload check: the verdict, why, and the evidence (per token, every request the
 * program made with it; per rotation, what happened around it; a timeline). The CLI prints it
 * (`-o json` as is), the library resolves to it. Tokens are named by `jti`, never by value.
 */
import type { WrittenToken } from './volume-set.js';

/** One request of the program, from the server's request recorder. */
export interface RequestRecord {
  /** when the server received it (RFC 3339, milliseconds) */
  time: string;
  /** milliseconds since the check started the program */
  offsetMs: number;
  verb: string;
  requestURI: string;
  /** the response code (401: the credential was rejected) */
  code?: number;
  userAgent?: string;
  /**
   * the generation of the token that made it: known from the credential id for accepted
   * requests; for a rejected one, the invalidated token the program was last seen using
   */
  token?: number;
  jti?: string;
  auditID: string;
}

/** One generation of tokens: the pod they are bound to and every request made with them. */
export interface TokenGeneration {
  generation: number;
  pod: { name: string; uid: string };
  /** the kube-api-access token first, then the extra projections */
  tokens: WrittenToken[];
  writtenAt: string;
  writtenOffsetMs: number;
  /** when its pod was deleted (absent for the last generation) */
  invalidatedAt?: string;
  invalidatedOffsetMs?: number;
  /** every accepted request made with one of its tokens, oldest first */
  requests: RequestRecord[];
}

/** What happened around one rotation. */
export interface RotationReport {
  rotation: number;
  /** generation written at this rotation (`rotation`), and the one it replaces (`rotation - 1`) */
  newToken: number;
  oldToken: number;
  rotatedAt: string;
  rotatedOffsetMs: number;
  firstUseOfNewToken?: RequestRecord;
  /** absent when the check ended before it (the program exited) */
  invalidatedAt?: string;
  invalidatedOffsetMs?: number;
  /** requests made with the old token after its invalidation: rejected ones, or ones a lenient server still accepted */
  staleRequests: RequestRecord[];
  /** accepted requests with a valid token after the invalidation, before the next one */
  requestsAfterInvalidation: number;
  passed: boolean;
}

export type FailureKind =
  /** the program used an invalidated token */
  | 'stale-token'
  /** after an invalidation the program made no accepted request */
  | 'stopped-requesting'
  /** the program ended before every rotation was made */
  | 'exited-early'
  /** no request at all was recorded */
  | 'no-requests'
  /** requests, but the server accepted none */
  | 'all-rejected';

export interface ReloadCheckFailure {
  kind: FailureKind;
  rotation?: number;
  /** the token the program kept using */
  staleToken?: { generation: number; jti: string };
  /** the first request with it after its invalidation */
  firstStaleRequest?: RequestRecord;
}

export type TimelineEvent = 'token-written' | 'started' | 'first-request' | 'rotation' | 'first-use' | 'invalidation' | 'stale-request' | 'rejected' | 'exited' | 'stopped' | 'ended';

export interface TimelineEntry {
  offsetMs: number;
  time: string;
  event: TimelineEvent;
  /** one line, as printed */
  text: string;
  rotation?: number;
  token?: number;
}

/** How the program saw its volumes. */
export type IsolationReport =
  | { mode: 'mount-namespace'; rootless: boolean; mounts: string[] }
  | { mode: 'token-dir'; dir: string; reason: string; mounts: string[] };

/**
 * A reload check's result.
 * @example
 * const r = await emu.reloadCheck({ command: 'python3', args: ['app.py'], windowMs: 70_000, rotations: 1 });
 * r.verdict; // 'PASS'
 * r.failure?.staleToken?.jti;
 */
export interface ReloadCheckResult {
  verdict: 'PASS' | 'FAIL';
  /** one line: why */
  summary: string;
  failure?: ReloadCheckFailure;
  command: string[];
  server: string;
  namespace: string;
  serviceAccount: string;
  isolation: IsolationReport;
  settings: { warmupMs: number; windowMs: number; rotations: number };
  startedAt: string;
  endedAt: string;
  generations: TokenGeneration[];
  rotations: RotationReport[];
  /** requests of the program the server rejected (401), attributed as the notes explain */
  rejectedRequests: RequestRecord[];
  program: { exitCode: number | null; signal: string | null; stoppedByCheck: boolean; exitedOffsetMs: number };
  timeline: TimelineEntry[];
  /** caveats worth reading (env entries skipped, rejections before any invalidation, ...) */
  notes: string[];
}
