import { hostname } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildApiServer } from '../api/server.js';
import { loadClientCaFile } from '../auth/authenticators/client-ca-file.js';
import { parseTokenFile } from '../auth/authenticators/static-token-file.js';
import { RealClock } from '../clock/index.js';
import { renderKubeconfig } from '../client/kubeconfig.js';
import { createControlPlane, DEFAULT_ISSUER, type ControlPlane } from '../control-plane.js';
import { KeySet, ensureServingCertificates, ensureSigningKey, loadKeyDirectory, validateIssuers } from '../keys/index.js';
import type { UserInfo } from '../registry/types.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { EtcdStore } from '../store/etcd-store.js';
import type { KeyValueStore } from '../store/types.js';
import { CliError } from './create-token.js';
import { createCliLogger } from './log-output.js';
import { keyGenerationProgress } from './key-generation-progress.js';
import { addressInUseError, storeInUseError } from './serve-hints.js';
import { loadEtcdTls, parseWorkloadIdentity, parseEtcdServers, type ServeFlags, parseAuthorizationModes, parseBool, parseCleanUpPeriodDays, parseMaxExpiration, parsePort, parsePositiveDurationMs, parseWebhookTtlMs } from './serve-options.js';
import { staleTokenAudit } from '../metrics/stale-token-audit.js';
import { readAuditFlags } from '../audit/audit-options.js';
import { parseClockSkew, skewed } from '../faults/clock-skew.js';

export const ADMIN_USER = 'kubernetes-admin';
const SHUTDOWN_BOUND_MS = 5000;

export interface RunningServer {
  url: string;
  kubeconfigPath: string;
  controlPlane: ControlPlane;
  close(): Promise<void>;
}

/**
 * grpc-js (under etcd3) passes the host of each https etcd URL as the TLS ServerName, and Node
 * warns once per process (DEP0123) when that is an IP address, which is how etcd members are
 * usually listed (kubeadm: `https://127.0.0.1:2379`). The warning, about grpc-js and not the
 * user's setup, would be the one stray stderr line of a TLS replica; this drops it and only it.
 */
function muteIpServernameWarning(): void {
  const emit = process.emitWarning.bind(process) as (warning: string | Error, ...rest: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: unknown }).code : rest[1];
    if (code !== 'DEP0123') emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/** The admin's bearer token lives in `<data-dir>/tokens.csv` (the `--token-auth-file` format). */
function ensureAdminToken(dataDir: string): { token: string; path: string } {
  const path = join(dataDir, 'tokens.csv');
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const [token, user] = line.split(',');
      if (user === ADMIN_USER && token) return { token, path };
    }
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`, { mode: 0o600 });
  return { token, path };
}

/**
 * `satoken serve`: keys and certificates in the keys directory (generated on first start),
 * objects in the embedded durable store under the data directory, an HTTPS API server with
 * kube-apiserver's paths, and a kubeconfig for the admin. Prints one ready line.
 */
export async function serve(f: ServeFlags, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`), opts: { handleSignals?: boolean } = {}): Promise<RunningServer> {
  // JSON off a terminal (buffered: see log-output.ts), readable lines on one
  const logs = await createCliLogger({ level: f.logLevel, format: f.logFormat, buffered: true, redact: ['req.headers.authorization', 'token', '*.token', 'key', '*.key'] });
  const logger = logs.logger;
  const port = parsePort(f.securePort);
  const issuers = f.serviceAccountIssuer.length ? f.serviceAccountIssuer : [DEFAULT_ISSUER];
  try {
    validateIssuers(issuers);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const maxExpiration = parseMaxExpiration(f.serviceAccountMaxTokenExpiration);
  const extend = parseBool('service-account-extend-token-expiration', f.serviceAccountExtendTokenExpiration);
  const anonymous = parseBool('anonymous-auth', f.anonymousAuth);
  const publicDiscovery = parseBool('public-discovery', f.publicDiscovery);
  const modes = parseAuthorizationModes(f.authorizationMode, f);
  const webhookTtls = {
    authorized: parseWebhookTtlMs('authorization-webhook-cache-authorized-ttl', f.authorizationWebhookCacheAuthorizedTtl ?? '5m0s'),
    unauthorized: parseWebhookTtlMs('authorization-webhook-cache-unauthorized-ttl', f.authorizationWebhookCacheUnauthorizedTtl ?? '30s'),
  };
  const cleanUpPeriodDays = parseCleanUpPeriodDays(f.legacyServiceAccountTokenCleanUpPeriod);
  const workloads = {
    nodeMonitorGracePeriodMs: parsePositiveDurationMs('node-monitor-grace-period', f.nodeMonitorGracePeriod ?? '50s'),
    nodeMonitorPeriodMs: parsePositiveDurationMs('node-monitor-period', f.nodeMonitorPeriod ?? '5s'),
    nodeStartupGracePeriodMs: parsePositiveDurationMs('node-startup-grace-period', f.nodeStartupGracePeriod ?? '1m0s'),
  };
  const identity = parseWorkloadIdentity(f);
  // checked with the other flags, before anything is written to the keys or data directory
  let clockSkewMs: number | undefined;
  try {
    clockSkewMs = f.clockSkew === undefined ? undefined : parseClockSkew(f.clockSkew);
  } catch (e) {
    throw new CliError(`invalid argument "${f.clockSkew}" for "--clock-skew" flag: ${(e as Error).message.replace(/^clockSkew:? /, '')}`);
  }
  let audit: ReturnType<typeof readAuditFlags>;
  try {
    audit = readAuditFlags(f);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  for (const w of audit.warnings) logger.warn(w);
  if (f.algorithm !== 'RS256' && f.algorithm !== 'ES256') throw new CliError(`--algorithm must be RS256 or ES256, got ${f.algorithm}`);
  const etcdEndpoints = f.etcdServers ? parseEtcdServers(f.etcdServers) : undefined;
  const etcdTls = loadEtcdTls(f, etcdEndpoints);
  if (extend && maxExpiration > 0 && maxExpiration < 3607) {
    logger.warn(`service-account-extend-token-expiration is true, in order to correctly trigger safe transition logic, service-account-max-token-expiration must be set longer than 3607 seconds (currently ${maxExpiration / 3600}h0m0s)`);
  }
  const keysDir = resolve(f.keysDir);
  const dataDir = resolve(f.dataDir);
  mkdirSync(keysDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const generating = keyGenerationProgress({ keysDir, shown: f.keysDir, algorithm: f.algorithm, signingKeyFromFiles: !!(f.serviceAccountSigningKeyFile || f.serviceAccountKeyFile.length) });
  let keySet: KeySet;
  try {
    if (f.serviceAccountSigningKeyFile || f.serviceAccountKeyFile.length) {
      keySet = await KeySet.fromFiles({ signingKeyFile: f.serviceAccountSigningKeyFile, keyFiles: f.serviceAccountKeyFile });
    } else {
      await ensureSigningKey(keysDir, { algorithm: f.algorithm });
      keySet = await loadKeyDirectory(keysDir);
    }
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const clock = new RealClock();
  const replicaClock = skewed(clock, clockSkewMs);
  // the serving certificates keep the machine's time: only tokens and objects see the skew
  const tls = await ensureServingCertificates(keysDir, { clock });
  generating.done();
  let clientCas: string[] = [];
  try {
    if (f.clientCaFile) clientCas = loadClientCaFile(f.clientCaFile);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const admin = ensureAdminToken(dataDir);
  const staticTokens = new Map<string, UserInfo>([...parseTokenFile(readFileSync(admin.path, 'utf8'), admin.path)]);
  if (f.tokenAuthFile) {
    try {
      for (const [k, v] of parseTokenFile(readFileSync(f.tokenAuthFile, 'utf8'), f.tokenAuthFile)) staticTokens.set(k, v);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  const replicated = etcdEndpoints !== undefined;
  if (etcdEndpoints?.some((u) => u.startsWith('https:'))) muteIpServernameWarning();
  let store: KeyValueStore & { ready?(): boolean };
  try {
    // etcd3 costs ~100 ms to import: only replicas load it
    store = replicated
      ? await (await import('../store/etcd-store.js')).EtcdStore.connect({
          endpoints: etcdEndpoints,
          ...(etcdTls ? { tls: etcdTls } : {}),
          prefix: f.etcdPrefix,
          onPeerLag: (lag) => logger.warn({ revision: lag.revision, replicas: lag.laggards }, 'a write returned before every replica had applied it'),
        })
      : SqliteStore.open(dataDir);
  } catch (e) {
    const message = (e as Error).message;
    if (!replicated && message.endsWith('is in use by another process')) throw storeInUseError(f.dataDir, dataDir, message);
    // https without --etcd-cafile: only the CAs Node trusts by default vouch for etcd
    const hint = replicated && !etcdTls?.ca && /serving certificate is not trusted/.test(message) ? '; without --etcd-cafile only the CAs Node trusts by default (and NODE_EXTRA_CA_CERTS) are accepted' : '';
    throw new CliError(`cannot open the store: ${message}${hint}`);
  }
  let controlPlane: ControlPlane;
  try {
    controlPlane = await createControlPlane({
      clock: replicaClock,
      revocation: f.revocation ?? 'immediate',
      store,
      controllers: replicated ? 'manual' : true,
      issuers,
      ...(f.apiAudiences ? { apiAudiences: f.apiAudiences.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      keys: { keySet, caCert: tls.caCert, allowHttpIssuer: true },
      maxTokenExpirationSeconds: maxExpiration,
      extendTokenExpiration: extend,
      staticTokens,
      logger,
      observer: staleTokenAudit(logger),
      legacyTokenCleanUpPeriodDays: cleanUpPeriodDays,
      workloads,
      signing: f.signing ?? 'pool',
      ...(identity ? { workloadIdentity: identity } : {}),
      audit: audit.options,
      authorization: {
        modes,
        ...(f.authorizationPolicyFile ? { policyFile: f.authorizationPolicyFile } : {}),
        ...(f.authorizationWebhookConfigFile ? { webhookConfigFile: f.authorizationWebhookConfigFile } : {}),
        ...(f.authorizationWebhookVersion ? { webhookVersion: f.authorizationWebhookVersion } : {}),
        webhookAuthorizedTtlMs: webhookTtls.authorized,
        webhookUnauthorizedTtlMs: webhookTtls.unauthorized,
      },
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  let externalAddress = `${f.bindAddress}:${port}`;
  const api = buildApiServer(controlPlane, {
    logger,
    anonymousAuth: anonymous,
    publicDiscovery,
    jwksUri: () => f.serviceAccountJwksUri ?? (f.http ? `http://${externalAddress}/openid/v1/jwks` : undefined),
    externalAddress: () => externalAddress,
    ready: () => store.ready?.() ?? true,
    ...(controlPlane.workloadIdentity ? { publicEndpoints: [controlPlane.workloadIdentity.endpoint] } : {}),
  });
  // several replicas on one etcd: controllers run on the elected leader only
  const elect = replicated ? (await import('../store/etcd-lease.js')).elect : undefined;
  const election = elect
    ? elect((store as EtcdStore).client, {
        name: 'satoken-controllers',
        identity: `${hostname()}_${randomUUID()}`,
        onStartedLeading: () => {
          logger.info('became the controller leader');
          controlPlane.startControllers();
        },
        onStoppedLeading: () => {
          logger.info('stopped leading the controllers');
          controlPlane.stopControllers();
        },
      })
    : undefined;
  let listening: Awaited<ReturnType<typeof api.listen>>;
  try {
    listening = await api.listen(port, f.bindAddress, f.http ? undefined : { key: tls.key, cert: tls.cert, ca: [tls.caCert, ...clientCas] });
  } catch (e) {
    await election?.stop();
    await controlPlane.close();
    const err = e as NodeJS.ErrnoException;
    throw err.code === 'EADDRINUSE' ? await addressInUseError(f.bindAddress, port) : new CliError(err.message);
  }
  const { server, port: actualPort } = listening;
  const host = f.bindAddress.includes(':') ? `[${f.bindAddress}]` : f.bindAddress === '0.0.0.0' ? '127.0.0.1' : f.bindAddress;
  externalAddress = `${host}:${actualPort}`;
  const url = `${f.http ? 'http' : 'https'}://${externalAddress}`;
  controlPlane.workloadIdentity?.serveAt(url, [tls.caCert]);
  if (identity && !issuers.some((i) => sameOrigin(i, url))) {
    logger.warn({ issuers, url }, 'workload identity: no --service-account-issuer is this server\'s URL, so the token exchanges cannot fetch the issuer\'s discovery document (IDPCommunicationError, AADSTS90061) unless it is served elsewhere; pass --service-account-issuer ' + url);
  }
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, renderKubeconfig({ server: url, ...(f.http ? {} : { caData: tls.caCert }), token: admin.token, namespace: 'default' }, 'satoken', ADMIN_USER), { mode: 0o600 });
  chmodSync(kubeconfigPath, 0o600);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((ok) => {
        const t = setTimeout(() => {
          server.closeAllConnections();
          ok();
        }, SHUTDOWN_BOUND_MS);
        t.unref();
        server.close(() => {
          clearTimeout(t);
          ok();
        });
        server.closeIdleConnections();
      });
      await election?.stop();
      await controlPlane.close();
      logs.close();
    })());
  if (opts.handleSignals) {
    // The backstop, not the fix: no request may throw outside its handler (api/pipeline.ts), but
    // should one ever do, the server logs it and keeps serving the others.
    process.on('uncaughtException', (err) => logger.error({ err: { message: err.message, stack: err.stack } }, 'uncaught exception: kept serving'));
    process.on('unhandledRejection', (err) => logger.error({ err: String(err) }, 'unhandled rejection: kept serving'));
    const stop = () => void close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  out(`satoken ready: ${url} (kubeconfig: ${kubeconfigPath})`);
  return { url, kubeconfigPath, controlPlane, close };
}

/** Whether an issuer URL names this server (scheme, host and port). */
function sameOrigin(issuer: string, url: string): boolean {
  try {
    return new URL(issuer).origin === new URL(url).origin;
  } catch {
    return false;
  }
}
