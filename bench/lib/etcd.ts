/**
 * A throw-away single-member etcd on 127.0.0.1 for the two-replica benchmark: its own temp data
 * directory and two free ports; `destroy` kills it and removes the directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './measure.js';

/** Debian's `etcd-server` binary; `ETCD_BIN` overrides it. */
export const ETCD_BIN = process.env.ETCD_BIN ?? '/usr/bin/etcd';

export interface Etcd {
  endpoint: string;
  destroy(): Promise<void>;
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((ok, fail) => {
      const s = createServer();
      s.once('error', fail);
      s.listen(0, '127.0.0.1', () => ok(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((ok) => {
    const req = request(`${endpoint}/health`, (res) => {
      res.resume();
      ok(res.statusCode === 200);
    });
    req.on('error', () => ok(false));
    req.setTimeout(500, () => req.destroy());
    req.end();
  });
}

export function etcdAvailable(): boolean {
  return existsSync(ETCD_BIN);
}

export async function startEtcd(): Promise<Etcd> {
  const dataDir = mkdtempSync(join(tmpdir(), 'satoken-bench-etcd-'));
  const [client, peer] = (await freePorts(2)) as [number, number];
  const endpoint = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child: ChildProcess = spawn(
    ETCD_BIN,
    ['--name', 'default', '--data-dir', join(dataDir, 'etcd'), '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint, '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `default=${peerUrl}`, '--log-level', 'error'],
    { stdio: 'ignore' },
  );
  const destroy = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((ok) => {
        child.once('exit', () => ok());
        child.kill('SIGKILL');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 150; i++) {
    if (await healthy(endpoint)) return { endpoint, destroy };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await destroy();
  throw new Error('etcd did not become healthy in 15 s');
}
