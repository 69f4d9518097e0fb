import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Debian's `etcd-server` puts the binary; `ETCD_BIN` overrides it.
 * @example
 * ETCD_BIN=/opt/etcd/etcd npx vitest run test/store/etcd
 */
export const ETCD_BIN = process.env.ETCD_BIN ?? '/usr/bin/etcd';
const READY_TIMEOUT_MS = 15_000;

/**
 * One throw-away etcd on 127.0.0.1: its own temp data directory and two free ports (client and
 * peer). `stop` and `start` keep the data directory and the ports, so a restart finds every
 * acknowledged write; `destroy` kills it and removes the directory.
 * @example
 * const etcd = await startEtcd();
 * const store = await EtcdStore.connect({ endpoints: [etcd.endpoint] });
 * await etcd.stop(); // store.ready() turns false
 * await etcd.start(); // and true again
 * await etcd.destroy();
 */
export interface EtcdServer {
  /** `http://127.0.0.1:<client port>` */
  readonly endpoint: string;
  readonly dataDir: string;
  start(): Promise<void>;
  /** SIGKILL by default: what a crash looks like; nothing acknowledged may be lost */
  stop(signal?: NodeJS.Signals): Promise<void>;
  destroy(): Promise<void>;
  /** what etcd printed, for failure messages */
  output(): string;
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
 */
export async function startEtcd(): Promise<EtcdServer> {
  requireEtcd();
  const dataDir = mkdtempSync(join(tmpdir(), 'satoken-etcd-'));
  const [clientPort, peerPort] = await freePorts(2);
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'default', '--data-dir', join(dataDir, 'etcd'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `default=${peer}`,
    '--logger', 'zap', '--log-level', 'error',
  ];
  let child: ChildProcess | undefined;
  let out = '';
  const server: EtcdServer = {
    endpoint,
    dataDir,
    output: () => out,
    async start() {
      if (child) return;
      const proc = spawn(ETCD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      proc.once('exit', () => {
        if (child === proc) child = undefined;
      });
      await waitHealthy(endpoint, proc, () => out);
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
  await server.start();
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

async function waitHealthy(endpoint: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}: ${output()}`);
    const healthy = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) })
      .then(async (r) => r.ok && ((await r.json()) as { health?: string }).health === 'true')
      .catch(() => false);
    if (healthy) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`etcd did not become healthy within ${READY_TIMEOUT_MS} ms: ${output()}`);
}
