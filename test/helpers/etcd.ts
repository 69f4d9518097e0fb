import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../../src/clock/index.js';
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from '../../src/keys/certificates.js';

/**
 * Where Debian's `etcd-server` puts the binary; `ETCD_BIN` overrides it.
 * @example
 * ETCD_BIN=/opt/etcd/etcd npx vitest run test/store/etcd
 */
export const ETCD_BIN = process.env.ETCD_BIN ?? '/usr/bin/etcd';
const READY_TIMEOUT_MS = 15_000;

/**
 * One throw-away etcd member on 127.0.0.1: its own temp data directory and two free ports
 * (client and peer). `stop` and `start` keep the data directory and the ports, so a restart
 * finds every acknowledged write; `destroy` kills it and removes the directory.
 * @example
 * const etcd = await startEtcd();
 * const store = await EtcdStore.connect({ endpoints: [etcd.endpoint] });
 * await etcd.stop(); // store.ready() turns false
 * await etcd.start(); // and true again
 * await etcd.destroy();
 */
export interface EtcdServer {
  /** `http://127.0.0.1:<client port>`, or `https://...` when started with TLS */
  readonly endpoint: string;
  /** the member's name in its cluster (`default` for a single member) */
  readonly name: string;
  readonly dataDir: string;
  start(): Promise<void>;
  /** SIGKILL by default: what a crash looks like; nothing acknowledged may be lost */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** whether the process is running */
  running(): boolean;
  /**
   * the value of an unlabelled Prometheus metric from the member's `/metrics`, e.g.
   * `etcd_debugging_mvcc_watcher_total` (how many watchers its clients hold open)
   */
  metric(name: string): Promise<number | undefined>;
  destroy(): Promise<void>;
  /** what etcd printed, for failure messages */
  output(): string;
}

/**
 * Certificates for an etcd with client TLS, all made with satoken's own certificate functions
 * (src/keys/certificates.ts, EC P-256 keys): a CA, a server certificate for 127.0.0.1 (etcd's
 * clients check the IP SAN), a client certificate signed by that CA, and an unrelated CA with its
 * own client certificate, for tests of what etcd refuses.
 * @example
 * const pki = await createEtcdPki();
 * const etcd = await startEtcd({ tls: pki });
 * await EtcdStore.connect({ endpoints: [etcd.endpoint], tls: { ca: Buffer.from(pki.ca.cert), cert: Buffer.from(pki.client.cert), key: Buffer.from(pki.client.key) } });
 */
export interface EtcdPki {
  ca: CertificateAndKey;
  /** serverAuth, IP SAN 127.0.0.1 */
  server: CertificateAndKey;
  /** clientAuth, CN `satoken` */
  client: CertificateAndKey;
  /** a CA etcd does not know */
  otherCa: CertificateAndKey;
  /** clientAuth, signed by `otherCa` */
  otherClient: CertificateAndKey;
}

/**
 * Makes an {@link EtcdPki} (EC keys: well under a second).
 * @example
 * const pki = await createEtcdPki();
 */
export async function createEtcdPki(): Promise<EtcdPki> {
  const clock = new RealClock();
  const ca = await createCertificateAuthority({ clock, commonName: 'etcd-ca' });
  const otherCa = await createCertificateAuthority({ clock, commonName: 'some-other-ca' });
  const leaf = (issuer: CertificateAndKey, cn: string, usage: 'serverAuth' | 'clientAuth') =>
    issueCertificate({ caCert: issuer.cert, caKey: issuer.key, subject: [{ CN: [cn] }], usage, ...(usage === 'serverAuth' ? { ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] } : {}), clock, days: 1 });
  return {
    ca,
    server: await leaf(ca, 'etcd-server', 'serverAuth'),
    client: await leaf(ca, 'satoken', 'clientAuth'),
    otherCa,
    otherClient: await leaf(otherCa, 'satoken', 'clientAuth'),
  };
}

/**
 * Options of {@link startEtcd} and {@link startEtcdCluster}.
 * @example
 * await startEtcd({ tls: await createEtcdPki() });
 */
export interface EtcdStartOptions {
  /**
   * serve clients over TLS only (https URLs), with the server certificate, trusting `ca` for
   * client certificates and requiring one (`--client-cert-auth`); peers keep plain http
   */
  tls?: EtcdPki;
}

/**
 * Fails with a clear message when etcd is missing (CI installs it with .ci/install-etcd.sh), so
 * the etcd tests fail rather than skip.
 * @example
 * beforeAll(() => requireEtcd());
 */
export function requireEtcd(): void {
  if (!existsSync(ETCD_BIN)) {
    throw new Error(`etcd is not installed at ${ETCD_BIN}: run .ci/install-etcd.sh (apt-get install etcd-server) or set ETCD_BIN`);
  }
}

/**
 * Starts a fresh single-member etcd and waits until it answers `/health`.
 * @example
 * const etcd = await startEtcd();
 * const secure = await startEtcd({ tls: await createEtcdPki() }); // secure.endpoint is https://127.0.0.1:<port>
 */
export async function startEtcd(opts: EtcdStartOptions = {}): Promise<EtcdServer> {
  requireEtcd();
  const [clientPort, peerPort] = await freePorts(2);
  const server = defineMember({ name: 'default', clientPort: clientPort!, peerPort: peerPort!, cluster: [{ name: 'default', peerPort: peerPort! }], token: 'satoken-test', ...opts });
  try {
    await server.start();
  } catch (e) {
    await server.destroy();
    throw e;
  }
  return server;
}

/**
 * Several etcd members forming one cluster on 127.0.0.1.
 * @example
 * const cluster = await startEtcdCluster(3);
 * const store = await EtcdStore.connect({ endpoints: cluster.endpoints });
 * await cluster.members[0]!.stop(); // SIGKILL: the other two keep a quorum
 * await cluster.destroy();
 */
export interface EtcdCluster {
  readonly members: readonly EtcdServer[];
  /** every member's client URL, in member order */
  readonly endpoints: string[];
  /**
   * the member that is the raft leader now, found through each live member's status (etcd's
   * JSON gateway, which over TLS would need a server certificate usable as a client one: use it
   * on plain http clusters)
   */
  leader(): Promise<EtcdServer>;
  /** hands the raft leadership to `member` (etcd's MoveLeader, asked of the current leader) and waits until it leads */
  transferLeadership(member: EtcdServer): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Starts `size` members (`m0`, `m1`, ...) as a new cluster (`--initial-cluster` naming every
 * member, `--initial-cluster-state new`, a token of its own), each with a client and a peer port
 * of its own and its own data directory, and waits until every member answers `/health` (which
 * needs an elected leader). A stopped member restarted later rejoins from its data directory.
 * @example
 * const cluster = await startEtcdCluster(3);
 */
export async function startEtcdCluster(size = 3, opts: EtcdStartOptions = {}): Promise<EtcdCluster> {
  requireEtcd();
  const ports = await freePorts(2 * size);
  const cluster = Array.from({ length: size }, (_, i) => ({ name: `m${i}`, peerPort: ports[2 * i + 1]! }));
  const token = `satoken-test-${process.pid}-${ports[0]}`;
  const members = cluster.map((m, i) => defineMember({ ...m, clientPort: ports[2 * i]!, cluster, token, ...opts }));
  const destroy = async () => {
    await Promise.all(members.map((m) => m.destroy()));
  };
  try {
    // together: a member of a new cluster is healthy only once a quorum has elected a leader
    await Promise.all(members.map((m) => m.start()));
  } catch (e) {
    await destroy();
    throw e;
  }
  const leader = async () => {
    for (const m of members) {
      if (!m.running()) continue;
      const status = await memberStatus(m.endpoint, opts.tls).catch(() => undefined);
      if (status && status.leader === status.header.member_id) return m;
    }
    throw new Error('no live member says it is the leader');
  };
  return {
    members,
    endpoints: members.map((m) => m.endpoint),
    leader,
    async transferLeadership(member) {
      const current = await leader();
      if (current === member) return;
      const target = (await memberStatus(member.endpoint, opts.tls)).header.member_id;
      await getJson(current.endpoint, '/v3/maintenance/transfer-leadership', opts.tls, 'POST', JSON.stringify({ targetID: target }));
      const deadline = performance.now() + 5000;
      while ((await leader().catch(() => undefined)) !== member) {
        if (performance.now() > deadline) throw new Error(`${member.name} did not become the leader`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    destroy,
  };
}

interface MemberConfig extends EtcdStartOptions {
  name: string;
  clientPort: number;
  peerPort: number;
  /** every member of the cluster this one starts in */
  cluster: Array<{ name: string; peerPort: number }>;
  token: string;
}

function defineMember(cfg: MemberConfig): EtcdServer {
  const dataDir = mkdtempSync(join(tmpdir(), 'satoken-etcd-'));
  const scheme = cfg.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${cfg.clientPort}`;
  const peer = `http://127.0.0.1:${cfg.peerPort}`;
  const args = [
    '--name', cfg.name, '--data-dir', join(dataDir, 'etcd'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', cfg.cluster.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(','),
    '--initial-cluster-state', 'new', '--initial-cluster-token', cfg.token,
    '--logger', 'zap', '--log-level', 'error',
  ];
  if (cfg.tls) {
    const dir = join(dataDir, 'tls');
    mkdirSync(dir, { mode: 0o700 });
    const file = (name: string, pem: string) => {
      writeFileSync(join(dir, name), pem, { mode: 0o600 });
      return join(dir, name);
    };
    args.push('--cert-file', file('server.crt', cfg.tls.server.cert), '--key-file', file('server.key', cfg.tls.server.key), '--trusted-ca-file', file('ca.crt', cfg.tls.ca.cert), '--client-cert-auth');
  }
  let child: ChildProcess | undefined;
  let out = '';
  const server: EtcdServer = {
    endpoint,
    name: cfg.name,
    dataDir,
    output: () => out,
    running: () => child !== undefined,
    async metric(name: string) {
      const text = await request(endpoint, '/metrics', cfg.tls);
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    },
    async start() {
      if (child) return;
      const proc = spawn(ETCD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      proc.once('exit', () => {
        if (child === proc) child = undefined;
      });
      await waitHealthy(endpoint, proc, () => out, cfg.tls);
    },
    async stop(signal = 'SIGKILL') {
      const proc = child;
      if (!proc) return;
      child = undefined;
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill(signal);
      });
    },
    async destroy() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * `n` distinct free ports on 127.0.0.1 (held open together while picking, so they differ).
 * @example
 * const [client, peer] = await freePorts(2);
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * A TCP relay to etcd that a test can cut (every connection reset, new ones refused) and heal:
 * a network partition between one client and etcd, while etcd and other clients carry on.
 * @example
 * const proxy = await startProxy(etcd.endpoint);
 * const a = await EtcdStore.connect({ endpoints: [proxy.endpoint] });
 * proxy.cut(); // a.ready() turns false
 * proxy.heal();
 */
export interface TcpProxy {
  readonly endpoint: string;
  cut(): void;
  heal(): void;
  /** holds everything etcd sends to the client for `ms` (0: none), in order: a slow link or a busy replica */
  delay(ms: number): void;
  close(): Promise<void>;
}

/**
 * Starts a {@link TcpProxy} on a free 127.0.0.1 port in front of `target` (`http://host:port`).
 * @example
 * const proxy = await startProxy('http://127.0.0.1:2379');
 */
export async function startProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let cut = false;
  let delayMs = 0;
  const server = createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(Number(port), hostname);
    for (const [s, other] of [[client, upstream], [upstream, client]] as const) {
      open.add(s);
      s.on('error', () => other.destroy());
      s.on('close', () => {
        open.delete(s);
        other.destroy();
      });
      if (s === client) {
        s.pipe(other);
        continue;
      }
      // etcd -> client, each chunk released `delayMs` after it came but never before the one
      // ahead of it (timers due later fire later)
      let last = 0;
      let pending = 0;
      s.on('data', (chunk: Buffer) => {
        if (delayMs === 0 && pending === 0) return void other.write(chunk);
        const at = Math.max(performance.now() + delayMs, last);
        last = at;
        pending++;
        setTimeout(() => {
          pending--;
          if (!other.destroyed) other.write(chunk);
        }, Math.max(0, at - performance.now()));
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const reset = () => {
    for (const s of open) s.resetAndDestroy();
  };
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut() {
      cut = true;
      reset();
    },
    heal() {
      cut = false;
    },
    delay(ms: number) {
      delayMs = ms;
    },
    close: () => {
      reset();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Polls `condition` every 10 ms until it holds; fails after `timeoutMs` with `what`.
 * @example
 * await until(() => store.ready(), 'the store to be ready');
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The body of `path` on a member's client URL; over TLS with the PKI's CA and client certificate
 * (fetch cannot present one).
 */
async function request(endpoint: string, path: string, tls: EtcdPki | undefined, method = 'GET', body: string | undefined = method === 'POST' ? '{}' : undefined): Promise<string> {
  if (!tls) {
    const r = await fetch(`${endpoint}${path}`, { method, body, signal: AbortSignal.timeout(1000) });
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    return r.text();
  }
  return new Promise<string>((resolve, reject) => {
    const req = httpsRequest(`${endpoint}${path}`, { method, ca: tls.ca.cert, cert: tls.client.cert, key: tls.client.key, timeout: 1000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function getJson<T>(endpoint: string, path: string, tls: EtcdPki | undefined, method = 'GET', body?: string): Promise<T> {
  return JSON.parse(await request(endpoint, path, tls, method, body)) as T;
}

/** A member's `Maintenance.Status` through etcd's JSON gateway: who it is and who leads. */
function memberStatus(endpoint: string, tls: EtcdPki | undefined): Promise<{ header: { member_id: string }; leader: string }> {
  return getJson(endpoint, '/v3/maintenance/status', tls, 'POST');
}

async function waitHealthy(endpoint: string, proc: ChildProcess, output: () => string, tls: EtcdPki | undefined): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}: ${output()}`);
    const healthy = await getJson<{ health?: string }>(endpoint, '/health', tls)
      .then((r) => r.health === 'true')
      .catch(() => false);
    if (healthy) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`etcd did not become healthy within ${READY_TIMEOUT_MS} ms: ${output()}`);
}
