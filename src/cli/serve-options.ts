import { parseGoDuration } from './go-duration.js';
import { CliError } from './create-token.js';

/** `satoken serve` flags, with kube-apiserver's names where they exist. */
export interface ServeFlags {
  securePort: string;
  bindAddress: string;
  http: boolean;
  dataDir: string;
  keysDir: string;
  serviceAccountIssuer: string[];
  serviceAccountKeyFile: string[];
  serviceAccountSigningKeyFile?: string;
  serviceAccountMaxTokenExpiration?: string;
  serviceAccountExtendTokenExpiration: string;
  serviceAccountJwksUri?: string;
  apiAudiences?: string;
  tokenAuthFile?: string;
  clientCaFile?: string;
  anonymousAuth: string;
  authorizationMode: string;
  authorizationPolicyFile?: string;
  authorizationWebhookConfigFile?: string;
  publicDiscovery: string;
  algorithm: string;
  /** 'pool' or 'inline' (commander checks the choice) */
  signing?: 'pool' | 'inline';
  logLevel: string;
  /** `--etcd-servers`: several replicas share one etcd (default: the embedded store in --data-dir) */
  etcdServers?: string;
  /** `--etcd-prefix` (default /registry) */
  etcdPrefix?: string;
  legacyServiceAccountTokenCleanUpPeriod?: string;
}

const MAX_TOKEN_SECONDS = 2 ** 32;

export function parseBool(name: string, v: string): boolean {
  if (v === 'true' || v === '1' || v === 't' || v === 'T' || v === 'TRUE' || v === 'True') return true;
  if (v === 'false' || v === '0' || v === 'f' || v === 'F' || v === 'FALSE' || v === 'False') return false;
  throw new CliError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

/** `--service-account-max-token-expiration`: 0 (none) or between 1 hour and 2^32 seconds. */
export function parseMaxExpiration(v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  let ns: bigint;
  try {
    ns = parseGoDuration(v);
  } catch (e) {
    throw new CliError(`invalid argument "${v}" for "--service-account-max-token-expiration" flag: ${(e as Error).message}`);
  }
  const seconds = Number(ns / 1_000_000_000n);
  if (seconds === 0) return 0;
  if (seconds < 3600 || seconds > MAX_TOKEN_SECONDS) throw new CliError('the service-account-max-token-expiration must be between 1 hour and 2^32 seconds');
  return seconds;
}

/**
 * `--legacy-service-account-token-clean-up-period` (kube-controller-manager): a Go duration
 * greater than 0, in days (default 365).
 * @example
 * parseCleanUpPeriodDays('8760h'); // 365
 */
export function parseCleanUpPeriodDays(v: string | undefined): number {
  if (v === undefined || v === '') return 365;
  let ns: bigint;
  try {
    ns = parseGoDuration(v);
  } catch (e) {
    throw new CliError(`invalid argument "${v}" for "--legacy-service-account-token-clean-up-period" flag: ${(e as Error).message}`);
  }
  if (ns <= 0n) throw new CliError(`--legacy-service-account-token-clean-up-period must be greater than 0, got ${v}`);
  return Number(ns) / 86_400e9;
}

/** `--secure-port`: 0 picks a free port. */
export function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`--secure-port ${v} must be between 0 and 65535, inclusive. 0 for turning off secure port`);
  return n;
}

export const AUTHORIZATION_MODES = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'];

/** `--authorization-mode`: a comma list of known modes, no repeats, with their files. */
export function parseAuthorizationModes(v: string, f: Pick<ServeFlags, 'authorizationPolicyFile' | 'authorizationWebhookConfigFile'>): string[] {
  const modes = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (modes.length === 0) throw new CliError('at least one authorization-mode must be passed');
  const seen = new Set<string>();
  for (const m of modes) {
    if (!AUTHORIZATION_MODES.includes(m)) throw new CliError(`authorization-mode "${m}" is not a valid mode`);
    if (seen.has(m)) throw new CliError(`authorization-mode "${m}" has mode specified more than once`);
    seen.add(m);
  }
  if (seen.has('ABAC') && !f.authorizationPolicyFile) throw new CliError('authorization-mode ABAC\'s authorization policy file not passed');
  if (!seen.has('ABAC') && f.authorizationPolicyFile) throw new CliError('cannot specify --authorization-policy-file without mode ABAC');
  if (seen.has('Webhook') && !f.authorizationWebhookConfigFile) throw new CliError('authorization-mode Webhook\'s authorization config file not passed');
  if (!seen.has('Webhook') && f.authorizationWebhookConfigFile) throw new CliError('cannot specify --authorization-webhook-config-file without mode Webhook');
  return modes;
}

/** `--etcd-servers`: a comma list of http(s) URLs, as kube-apiserver takes it. */
export function parseEtcdServers(v: string): string[] {
  const urls = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (urls.length === 0) throw new CliError('--etcd-servers must name at least one server');
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new CliError(`--etcd-servers: ${JSON.stringify(u)} is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`--etcd-servers: ${JSON.stringify(u)} must be an http or https URL`);
  }
  return urls;
}
