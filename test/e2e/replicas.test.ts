import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import type { Connection } from '../../src/client/kubeconfig.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { cleanup, startServer, type ServerProcess } from '../helpers/server-process.js';

const ADMIN = 'shared-admin-token-for-the-replica-test';
let etcd: EtcdServer;
let shared: string;
const replicas: ServerProcess[] = [];
const conn = (s: ServerProcess): Connection => ({ server: s.url, insecureSkipTLSVerify: true, token: ADMIN });

async function replica(): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'satoken-replica-'));
  return startServer(['--etcd-servers', etcd.endpoint, '--keys-dir', join(shared, 'keys'), '--token-auth-file', join(shared, 'tokens.csv')], dir);
}

beforeAll(async () => {
  etcd = await startEtcd();
  shared = mkdtempSync(join(tmpdir(), 'satoken-shared-'));
  mkdirSync(join(shared, 'keys'));
  writeFileSync(join(shared, 'tokens.csv'), `${ADMIN},kubernetes-admin,admin,"system:masters"\n`);
  replicas.push(await replica());
  replicas.push(...(await Promise.all([replica(), replica()])));
}, 60_000);

afterAll(async () => {
  for (const r of replicas) {
    await r.stop('SIGKILL');
    cleanup(r.dir);
  }
  await etcd?.destroy();
  if (shared) cleanup(shared);
});

const review = async (s: ServerProcess, token: string) =>
  (await apiRequest(conn(s), 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token } })).json<{ status: { authenticated?: boolean; error?: string } }>().status;

describe('three replicas on one etcd', () => {
  it('shares objects: a token issued by one replica is reviewed by another', async () => {
    const [a, b, c] = replicas as [ServerProcess, ServerProcess, ServerProcess];
    expect((await apiRequest(conn(a), 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'shared' } })).status).toBe(201);
    const tr = await apiRequest(conn(b), 'POST', '/api/v1/namespaces/default/serviceaccounts/shared/token', { spec: {} });
    expect(tr.status).toBe(201);
    expect((await review(c, tr.json<{ status: { token: string } }>().status.token)).authenticated).toBe(true);
  });

  it('invalidates on every replica before a pod delete through another returns', async () => {
    const [a, b, c] = replicas as [ServerProcess, ServerProcess, ServerProcess];
    const deleteMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const pod = { metadata: { name: `p-${i}` }, spec: { serviceAccountName: 'shared', automountServiceAccountToken: false, containers: [{ name: 'a', image: 'busybox' }] } };
      expect((await apiRequest(conn(a), 'POST', '/api/v1/namespaces/default/pods', pod)).status).toBe(201);
      const tr = await apiRequest(conn(b), 'POST', '/api/v1/namespaces/default/serviceaccounts/shared/token', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: `p-${i}` } } });
      const token = tr.json<{ status: { token: string } }>().status.token;
      // cached on the two replicas that did not delete
      for (const r of [a, b]) expect((await review(r, token)).authenticated).toBe(true);
      const t0 = process.hrtime.bigint();
      expect((await apiRequest(conn(c), 'DELETE', `/api/v1/namespaces/default/pods/p-${i}`)).status).toBe(200);
      deleteMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      // the first review after the delete returned, on each replica, already rejects it
      const after = await Promise.all([a, b, c].map((r) => review(r, token)));
      for (const s of after) expect(s).toMatchObject({ error: '[invalid bearer token, service account token has been invalidated]' });
      for (const s of after) expect(s.authenticated).toBeUndefined();
    }
    deleteMs.sort((x, y) => x - y);
    const p = (q: number) => deleteMs[Math.min(deleteMs.length - 1, Math.floor(q * deleteMs.length))]!.toFixed(1);
    console.log(`pod DELETE through C, waiting for A and B to apply it, ms: p50 ${p(0.5)} max ${p(1)}`);
  });

  it('keeps serving on the others when a replica is killed with SIGKILL', async () => {
    const b = replicas[1]!;
    expect(await b.stop('SIGKILL')).toBeNull();
    for (const r of [replicas[0]!, replicas[2]!]) {
      expect((await apiRequest(conn(r), 'GET', '/api/v1/namespaces/default/serviceaccounts/shared')).status).toBe(200);
    }
    // the controllers run on whichever replica leads now (a killed leader's lease expires in 15 s)
    expect((await apiRequest(conn(replicas[0]!), 'POST', '/api/v1/namespaces', { metadata: { name: 'after-kill' } })).status).toBe(201);
    const t0 = Date.now();
    let status = 0;
    while (Date.now() - t0 < 25_000) {
      status = (await apiRequest(conn(replicas[2]!), 'GET', '/api/v1/namespaces/after-kill/serviceaccounts/default')).status;
      if (status === 200) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(status).toBe(200);
  }, 40_000);

  it('reports not ready while etcd is gone, and recovers without a restart, losing nothing acknowledged', async () => {
    const a = replicas[0]!;
    expect((await apiRequest(conn(a), 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'before' } })).status).toBe(201);
    await etcd.stop('SIGKILL');
    const t0 = Date.now();
    let ready = true;
    while (Date.now() - t0 < 15_000) {
      const r = await apiRequest(conn(a), 'GET', '/readyz').catch(() => undefined);
      if (r && r.status !== 200) {
        ready = false;
        break;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(ready).toBe(false);
    expect((await apiRequest(conn(a), 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'during' } })).status).toBeGreaterThanOrEqual(500);
    await etcd.start();
    const t1 = Date.now();
    while (Date.now() - t1 < 20_000) {
      const r = await apiRequest(conn(a), 'GET', '/readyz').catch(() => undefined);
      if (r?.status === 200) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect((await apiRequest(conn(a), 'GET', '/readyz')).status).toBe(200);
    expect((await apiRequest(conn(replicas[2]!), 'GET', '/api/v1/namespaces/default/configmaps/before')).status).toBe(200);
  }, 60_000);
});
