import { afterAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { cleanup, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess | undefined;
let dir: string | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  if (dir) cleanup(dir);
});

describe('durability of the embedded store', () => {
  it('keeps every acknowledged object and the keys across kill -9, so old tokens still validate', async () => {
    server = await startServer();
    dir = server.dir;
    const conn = loadKubeconfig(server.kubeconfig);
    const created: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await apiRequest(conn, 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: `sa-${i}` } });
      expect(r.status).toBe(201);
      created.push(`sa-${i}`);
    }
    const tr = await apiRequest(conn, 'POST', '/api/v1/namespaces/default/serviceaccounts/sa-0/token', { spec: { audiences: ['vault'] } });
    const token = tr.json<{ status: { token: string } }>().status.token;
    expect(await server.stop('SIGKILL')).toBeNull();

    server = await startServer([], dir);
    const conn2 = loadKubeconfig(server.kubeconfig);
    const list = await apiRequest(conn2, 'GET', '/api/v1/namespaces/default/serviceaccounts');
    const names = list.json<{ items: Array<{ metadata: { name: string } }> }>().items.map((i) => i.metadata.name);
    for (const n of created) expect(names).toContain(n);
    const rev = await apiRequest(conn2, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token, audiences: ['vault'] } });
    expect(rev.json<{ status: { authenticated?: boolean } }>().status.authenticated).toBe(true);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const s = await startServer();
    expect(await s.stop('SIGTERM')).toBe(0);
    cleanup(s.dir);
  });
});
