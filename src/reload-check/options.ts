/**
 * What a reload check is asked to do, as the library takes it, and its validation: one message
 * per mistake, before anything touches the server.
 */
import { isAbsolute, posix } from 'node:path';
import { usageError } from './errors.js';

/** The guideline's numbers (kubernetes#68164): re-read at least once a minute, plus margin. */
export const DEFAULT_WARMUP_MS = 10_000;
export const DEFAULT_WINDOW_MS = 90_000;
export const DEFAULT_ROTATIONS = 2;
export const DEFAULT_SERVICE_ACCOUNT = 'reload-check';
export const MAX_ROTATIONS = 100;
/** where in-cluster clients look for the service-account volume */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * An extra projected token, as a web-identity client reads it: its audience and the path of the
 * file in the pod.
 * @example
 * const p: TokenProjection = { audience: 'sts.amazonaws.com', path: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' };
 */
export interface TokenProjection {
  audience: string;
  /** absolute path of the token file as the program sees it */
  path: string;
  /** the projection's `expirationSeconds` (default 3600, the pod default) */
  expirationSeconds?: number;
}

/**
 * Options of a reload check (the library's `emulator.reloadCheck`, and the CLI's flags).
 * @example
 * const o: ReloadCheckOptions = { command: 'python3', args: ['app.py'], windowMs: 70_000, rotations: 1 };
 */
export interface ReloadCheckOptions {
  /** the program to run: a name looked up on PATH, or a path */
  command: string;
  args?: readonly string[];
  /** namespace of the service account and the pod (default `default`; created if missing) */
  namespace?: string;
  /** the service account the program runs as (default `reload-check`; created if missing) */
  serviceAccount?: string;
  /** time before the first rotation (default 10 s) */
  warmupMs?: number;
  /** time a rotated-out token stays valid before it is invalidated (default 90 s) */
  windowMs?: number;
  /** how many rotations (default 2) */
  rotations?: number;
  /** extra token projections (web identity) */
  projections?: readonly TokenProjection[];
  /**
   * write the volumes under this directory (mirroring their paths in the pod) instead of
   * bind-mounting them in a private mount namespace; the program finds it in `SATOKEN_TOKEN_DIR`
   */
  tokenDir?: string;
  /** extra environment of the program (beside the process's own and the pod's) */
  env?: Readonly<Record<string, string>>;
  /** each line the program prints (default: dropped in the library, prefixed in the CLI) */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** aborting stops the program, cleans up, and rejects with ERR_RELOAD_CHECK_ABORTED */
  signal?: AbortSignal;
}

/** The options with defaults applied, checked. */
export interface CheckSettings {
  command: string;
  args: string[];
  namespace: string;
  serviceAccount: string;
  warmupMs: number;
  windowMs: number;
  rotations: number;
  projections: TokenProjection[];
  tokenDir: string | undefined;
  env: Record<string, string>;
}

// a DNS-1123 label (namespaces) and subdomain (service accounts), as Kubernetes names them
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function duration(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw usageError(`${name} must be a positive duration, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`);
  if (v > 24 * 3600_000) throw usageError(`${name} must be at most 24h, got ${v} ms`);
  return v;
}

/**
 * The settings of `o`, or a usage error naming the first mistake.
 * - `command` non-empty; `args` strings;
 * - `namespace` a DNS label, `serviceAccount` a DNS subdomain (253 at most);
 * - `warmupMs`, `windowMs` positive (at most 24 h); `rotations` an integer in 1..100;
 * - each projection: a non-empty audience, an absolute normalized file path outside the
 *   service-account directory, no two at one path; `expirationSeconds` 600..2^32 when set.
 * @example
 * checkSettings({ command: 'python3', args: ['app.py'] }).windowMs; // 90000
 */
export function checkSettings(o: ReloadCheckOptions): CheckSettings {
  if (typeof o !== 'object' || o === null) throw usageError('reloadCheck needs options: { command, args, ... }');
  if (typeof o.command !== 'string' || o.command === '') throw usageError('a command to run is required');
  const args = o.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw usageError('args must be an array of strings');
  const namespace = o.namespace ?? 'default';
  if (typeof namespace !== 'string' || namespace.length > 63 || !LABEL.test(namespace)) throw usageError(`namespace ${JSON.stringify(namespace)} is not a valid namespace name (a DNS-1123 label)`);
  const serviceAccount = o.serviceAccount ?? DEFAULT_SERVICE_ACCOUNT;
  if (typeof serviceAccount !== 'string' || serviceAccount.length > 253 || !SUBDOMAIN.test(serviceAccount)) throw usageError(`service account ${JSON.stringify(serviceAccount)} is not a valid name (a DNS-1123 subdomain)`);
  const rotations = o.rotations ?? DEFAULT_ROTATIONS;
  if (!Number.isInteger(rotations) || rotations < 1 || rotations > MAX_ROTATIONS) throw usageError(`rotations must be an integer from 1 to ${MAX_ROTATIONS}, got ${JSON.stringify(rotations)}`);
  const projections = (o.projections ?? []).map((p, i) => projection(p, i));
  const paths = new Set<string>();
  for (const p of projections) {
    if (paths.has(p.path)) throw usageError(`two projections write ${p.path}`);
    paths.add(p.path);
  }
  if (o.tokenDir !== undefined && (typeof o.tokenDir !== 'string' || o.tokenDir === '')) throw usageError('tokenDir must be a non-empty path');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (k === '' || k.includes('=') || typeof v !== 'string') throw usageError(`env ${JSON.stringify(k)}: a name without "=" and a string value are needed`);
    env[k] = v;
  }
  return {
    command: o.command,
    args: [...args],
    namespace,
    serviceAccount,
    warmupMs: duration('warmup', o.warmupMs, DEFAULT_WARMUP_MS),
    windowMs: duration('window', o.windowMs, DEFAULT_WINDOW_MS),
    rotations,
    projections,
    tokenDir: o.tokenDir,
    env,
  };
}

function projection(p: TokenProjection, i: number): TokenProjection {
  const where = `projection ${i + 1}`;
  if (typeof p !== 'object' || p === null) throw usageError(`${where} must be { audience, path }`);
  if (typeof p.audience !== 'string' || p.audience === '') throw usageError(`${where}: the audience must not be empty`);
  if (typeof p.path !== 'string' || !isAbsolute(p.path)) throw usageError(`${where}: the path must be absolute (where the program reads the token), got ${JSON.stringify(p.path)}`);
  const path = posix.normalize(p.path);
  if (path.endsWith('/') || path === '/') throw usageError(`${where}: the path must name a file, got ${JSON.stringify(p.path)}`);
  if (path === SERVICE_ACCOUNT_DIR || path.startsWith(`${SERVICE_ACCOUNT_DIR}/`) || SERVICE_ACCOUNT_DIR.startsWith(`${posix.dirname(path)}/`)) {
    throw usageError(`${where}: ${path} would overlap the service-account volume at ${SERVICE_ACCOUNT_DIR}`);
  }
  const out: TokenProjection = { audience: p.audience, path };
  if (p.expirationSeconds !== undefined) {
    if (!Number.isInteger(p.expirationSeconds) || p.expirationSeconds < 600 || p.expirationSeconds > 2 ** 32) throw usageError(`${where}: expirationSeconds must be an integer from 600 to 4294967296, got ${JSON.stringify(p.expirationSeconds)}`);
    out.expirationSeconds = p.expirationSeconds;
  }
  return out;
}
