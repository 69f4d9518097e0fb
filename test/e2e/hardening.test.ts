import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer(['--http']);
});
afterAll(async () => {
  await server.stop();
  cleanup(server.dir);
});

/** One request with the path sent exactly as written (fetch would normalise it). */
function send(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((ok, fail) => {
    const r = httpRequest({ host: hostname, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', fail);
    r.end();
  });
}

describe('satoken serve survives hostile requests (issue 12: one anonymous request ended the process)', () => {
  it('an anonymous GET /api/v1/namespaces/%ff/pods is a 403 Status, and the server keeps serving', async () => {
    const res = await send('/api/v1/namespaces/%ff/pods');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden', message: 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "\ufffd"' });
    await new Promise((ok) => setTimeout(ok, 200));
    expect(server.child.exitCode).toBeNull();
    expect(await send('/readyz')).toEqual({ status: 200, body: 'ok' });
  });

  it('a malformed percent-escape is a 400 Status, and the server keeps serving', async () => {
    for (const path of ['/api/v1/namespaces/%zz/pods', '/%', '/api/v1/namespaces/default/pods/%e0%a4']) {
      const res = await send(path);
      expect(res.status, path).toBeLessThan(500);
    }
    expect((await send('/api/v1/namespaces/%zz/pods')).body).toContain('invalid URL escape \\"%zz\\"');
    await new Promise((ok) => setTimeout(ok, 200));
    expect(server.child.exitCode).toBeNull();
    expect(await send('/readyz')).toEqual({ status: 200, body: 'ok' });
    expect(server.stderr()).not.toMatch(/URIError|uncaught/i);
  });
});
