import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { keyMatchesCertificate } from '../keys/certificates.js';
import { decodePemBlocks } from '../keys/pem.js';
import { parseGoDuration } from '../util/go-duration.js';
import { CliError } from './create-token.js';
import { goPathError } from '../util/go-format.js';
import { parseWorkloadIdentityClouds, type WorkloadIdentitySettings } from '../identity/workload-identity.js';
import type { AuditFlags } from '../audit/audit-options.js';

/** `satoken serve` flags, with kube-apiserver's names where they exist (the audit flags: src/audit/audit-options.ts). */
export interface ServeFlags extends AuditFlags {
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
  /** `--authorization-webhook-version`: v1beta1 (default) or v1 (commander checks the choice) */
  authorizationWebhookVersion?: 'v1' | 'v1beta1';
  /** `--authorization-webhook-cache-authorized-ttl`, a Go duration (default 5m0s) */
  authorizationWebhookCacheAuthorizedTtl?: string;
  /** `--authorization-webhook-cache-unauthorized-ttl`, a Go duration (default 30s) */
  authorizationWebhookCacheUnauthorizedTtl?: string;
  publicDiscovery: string;
  algorithm: string;
  /** 'pool' or 'inline' (commander checks the choice) */
  signing?: 'pool' | 'inline';
  logLevel: string;
  /** `--workload-identity`: comma list of clouds (aws, azure) whose webhooks and token exchanges to run */
  workloadIdentity?: string;
  /** `--workload-identity-aws-region`: the EKS webhook's `--aws-default-region` (default us-east-1) */
  workloadIdentityAwsRegion?: string;
  /** `--workload-identity-azure-tenant-id`: the Azure webhook's `AZURE_TENANT_ID` */
  workloadIdentityAzureTenantId?: string;
  /** `--log-format`: auto (text on a terminal, else json), text or json */
  logFormat?: string;
  /** `--etcd-servers`: several replicas share one etcd (default: the embedded store in --data-dir) */
  etcdServers?: string;
  /** `--etcd-prefix` (default /registry) */
  etcdPrefix?: string;
  /** `--etcd-cafile`: PEM CA bundle that etcd's serving certificate must chain to (default: Node's trusted CAs) */
  etcdCafile?: string;
  /** `--etcd-certfile`: PEM client certificate presented to etcd (with --etcd-keyfile) */
  etcdCertfile?: string;
  /** `--etcd-keyfile`: PEM private key of --etcd-certfile */
  etcdKeyfile?: string;
  legacyServiceAccountTokenCleanUpPeriod?: string;
  /** `--revocation`: immediate (default) or kubernetes (commander checks the choice) */
  revocation?: 'immediate' | 'kubernetes';
  /** `--clock-skew`: a Go duration this replica's clock is off by (issuing and validating) */
  clockSkew?: string;
  /** `--node-monitor-grace-period`, a Go duration (default 50s) */
  nodeMonitorGracePeriod?: string;
  /** `--node-monitor-period`, a Go duration (default 5s) */
  nodeMonitorPeriod?: string;
  /** `--node-startup-grace-period`, a Go duration (default 1m0s) */
  nodeStartupGracePeriod?: string;
}

const MAX_TOKEN_SECONDS = 2 ** 32;

export function parseBool(name: string, v: string): boolean {
  if (v === 'true' || v === '1' || v === 't' || v === 'T' || v === 'TRUE' || v === 'True') return true;
  if (v === 'false' || v === '0' || v === 'f' || v === 'F' || v === 'FALSE' || v === 'False') return false;
  throw new CliError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

/** A Go duration flag's value in nanoseconds, or pflag's one-line error for it. */
function durationFlag(flag: string, v: string): bigint {
  try {
    return parseGoDuration(v);
  } catch (e) {
    throw new CliError(`invalid argument "${v}" for "--${flag}" flag: ${(e as Error).message}`);
  }
}

/** `--service-account-max-token-expiration`: 0 (none) or between 1 hour and 2^32 seconds. */
export function parseMaxExpiration(v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  const ns = durationFlag('service-account-max-token-expiration', v);
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
  const ns = durationFlag('legacy-service-account-token-clean-up-period', v);
  if (ns <= 0n) throw new CliError(`--legacy-service-account-token-clean-up-period must be greater than 0, got ${v}`);
  return Number(ns) / 86_400e9;
}

/**
 * A webhook cache TTL flag: a Go duration, not negative, in milliseconds.
 * @example
 * parseWebhookTtlMs('authorization-webhook-cache-authorized-ttl', '5m0s'); // 300000
 */
export function parseWebhookTtlMs(flag: string, v: string): number {
  const ns = durationFlag(flag, v);
  if (ns < 0n) throw new CliError(`--${flag} must not be negative, got ${v}`);
  return Number(ns / 1_000_000n);
}

/**
 * A node lifecycle period flag: a Go duration, greater than zero, in milliseconds.
 * @example
 * parsePositiveDurationMs('node-monitor-grace-period', '50s'); // 50000
 */
export function parsePositiveDurationMs(flag: string, v: string): number {
  const ns = durationFlag(flag, v);
  if (ns <= 0n) throw new CliError(`--${flag} must be greater than 0, got ${v}`);
  return Math.max(1, Number(ns / 1_000_000n));
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

/**
 * `--etcd-servers`: a comma list of http(s) URLs, as kube-apiserver takes it, all with the same
 * scheme (one connection setting covers every member: TLS or not).
 */
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
  const schemes = new Set(urls.map((u) => new URL(u).protocol));
  if (schemes.size > 1) throw new CliError('--etcd-servers: the URLs must be all http or all https');
  return urls;
}

/**
 * The PEM contents of `--etcd-cafile`, `--etcd-certfile` and `--etcd-keyfile` (kube-apiserver's
 * flags; empty means unset), for EtcdStore's `tls`; undefined when none is set. Checked before
 * anything else starts, each failure one line naming the flag:
 * - they secure the connection to `--etcd-servers`: without it, or with http URLs, they are
 *   refused (kube-apiserver ignores them for http URLs; here a TLS flag that does nothing is
 *   taken for a mistake);
 * - the certificate and the key come together (etcd's client TLS config, which kube-apiserver
 *   uses: `KeyFile and CertFile must both be present`), and the key must be the certificate's;
 * - each file must be readable (Go's `open <path>: no such file or directory`) and hold what it
 *   should: certificates for the CA and the certificate file, an unencrypted private key;
 * - https servers without `--etcd-cafile` are fine: etcd's serving certificate must then chain
 *   to a CA Node trusts by default (its bundled roots, plus NODE_EXTRA_CA_CERTS), as
 *   kube-apiserver falls back to the system's roots.
 * @example
 * const tls = loadEtcdTls({ etcdCafile: 'pki/etcd/ca.crt', etcdCertfile: 'pki/apiserver-etcd-client.crt', etcdKeyfile: 'pki/apiserver-etcd-client.key' }, ['https://10.0.0.1:2379']);
 */
export function loadEtcdTls(f: Pick<ServeFlags, 'etcdCafile' | 'etcdCertfile' | 'etcdKeyfile'>, servers: string[] | undefined): { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined {
  const given = ([['--etcd-cafile', f.etcdCafile], ['--etcd-certfile', f.etcdCertfile], ['--etcd-keyfile', f.etcdKeyfile]] as const).filter(([, v]) => !!v).map(([name]) => name);
  if (given.length === 0) return undefined;
  const flags = given.length === 1 ? `${given[0]} needs` : `${given.slice(0, -1).join(', ')} and ${given.at(-1)} need`;
  if (!servers) throw new CliError(`${flags} --etcd-servers: they secure the connection to etcd, and without --etcd-servers the embedded store is used`);
  const plain = servers.find((u) => u.startsWith('http:'));
  if (plain) throw new CliError(`${flags} https --etcd-servers, got ${plain}`);
  if (!f.etcdCertfile !== !f.etcdKeyfile) throw new CliError(`--etcd-certfile and --etcd-keyfile must both be present [key: ${f.etcdKeyfile ?? ''}, cert: ${f.etcdCertfile ?? ''}]`);
  const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  if (f.etcdCafile) {
    tls.ca = readFlagFile('--etcd-cafile', f.etcdCafile);
    certificatesIn('--etcd-cafile', f.etcdCafile, tls.ca, 'no certificate found in the CA file');
  }
  if (f.etcdCertfile && f.etcdKeyfile) {
    tls.cert = readFlagFile('--etcd-certfile', f.etcdCertfile);
    tls.key = readFlagFile('--etcd-keyfile', f.etcdKeyfile);
    certificatesIn('--etcd-certfile', f.etcdCertfile, tls.cert, 'tls: failed to find any PEM data in certificate input');
    let matches: boolean;
    try {
      matches = keyMatchesCertificate(tls.key.toString('utf8'), tls.cert.toString('utf8'));
    } catch (e) {
      throw new CliError(`--etcd-keyfile ${f.etcdKeyfile}: ${(e as Error).message}`);
    }
    if (!matches) throw new CliError(`--etcd-keyfile ${f.etcdKeyfile}: tls: private key does not match public key of --etcd-certfile ${f.etcdCertfile}`);
  }
  return tls;
}

/** A flag's file, or a one-line error in Go's words (`open <path>: no such file or directory`). */
function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`${flag}: ${goPathError(path, e as NodeJS.ErrnoException) ?? (e as Error).message}`);
  }
}

/** Fails unless `pem` holds at least one certificate, and every certificate in it parses. */
function certificatesIn(flag: string, path: string, pem: Buffer, none: string): void {
  const blocks = decodePemBlocks(pem.toString('utf8')).filter((b) => b.type === 'CERTIFICATE');
  if (blocks.length === 0) throw new CliError(`${flag} ${path}: ${none}`);
  for (const b of blocks) {
    try {
      new X509Certificate(b.der);
    } catch (e) {
      throw new CliError(`${flag} ${path}: ${(e as Error).message}`);
    }
  }
}

/**
 * `--workload-identity` and its settings, as the control plane takes them; undefined when no
 * cloud is named. A bad value is the usual one-line CLI error.
 * @example
 * parseWorkloadIdentity({ workloadIdentity: 'aws,azure' }); // { clouds: ['aws', 'azure'], aws: { region: 'us-east-1' }, azure: {} }
 */
export function parseWorkloadIdentity(f: Pick<ServeFlags, 'workloadIdentity' | 'workloadIdentityAwsRegion' | 'workloadIdentityAzureTenantId'>): WorkloadIdentitySettings | undefined {
  if (f.workloadIdentity === undefined) {
    if (f.workloadIdentityAwsRegion !== undefined || f.workloadIdentityAzureTenantId !== undefined) throw new CliError('--workload-identity-aws-region and --workload-identity-azure-tenant-id need --workload-identity');
    return undefined;
  }
  let clouds: WorkloadIdentitySettings['clouds'];
  try {
    clouds = parseWorkloadIdentityClouds(f.workloadIdentity);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (f.workloadIdentityAwsRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(f.workloadIdentityAwsRegion)) throw new CliError(`--workload-identity-aws-region: "${f.workloadIdentityAwsRegion}" is not an AWS region (such as us-east-1)`);
  if (f.workloadIdentityAzureTenantId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(f.workloadIdentityAzureTenantId)) throw new CliError(`--workload-identity-azure-tenant-id: "${f.workloadIdentityAzureTenantId}" is not a tenant id (a GUID or a domain name)`);
  return {
    clouds,
    aws: { region: f.workloadIdentityAwsRegion ?? 'us-east-1' },
    azure: f.workloadIdentityAzureTenantId !== undefined ? { tenantId: f.workloadIdentityAzureTenantId } : {},
  };
}
