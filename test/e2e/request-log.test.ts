import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let token: string;
beforeAll(async () => {
  server = await startServer(['--http', '--log-level', 'info']);
  token = /^\s*token:\s*(\S+)\s*$/m.exec(readFileSync(server.kubeconfig, 'utf8'))![1]!;
});
afterAll(async () => {
  await server.stop();
  cleanup(server.dir);
});

const requestLines = () =>
  server
    .stderr()
    .split('\n')
    .filter((l) => l.includes('"msg":"request"'))
    .map((l) => JSON.parse(l) as { method: string; path: string; status: number; user?: string });

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return check();
}

describe('serve request logs (buffered)', () => {
  it('a lone request is logged within about a second, not only when the buffer fills', async () => {
    const res = await fetch(`${server.url}/version`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await until(() => requestLines().some((l) => l.path === '/version'), 3000)).toBe(true);
    const line = requestLines().find((l) => l.path === '/version')!;
    expect(line).toMatchObject({ method: 'GET', status: 200, user: 'kubernetes-admin' });
  });

  it('every request answered before a SIGTERM is in the log when the process is gone, and no token is', async () => {
    const paths = Array.from({ length: 20 }, (_, i) => `/api/v1/namespaces/default/serviceaccounts/nobody-${i}`);
    for (const p of paths) expect((await fetch(`${server.url}${p}`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
    expect(await server.stop()).toBe(0);
    const logged = new Set(requestLines().map((l) => l.path));
    for (const p of paths) expect(logged.has(p)).toBe(true);
    expect(server.stderr()).not.toContain(token);
  });
});
