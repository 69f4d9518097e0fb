import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/api/server.js';
import { controlPlaneOf, type Emulator } from '../../src/emulator.js';
import { ADMIN_TOKEN } from '../helpers/app.js';
import { appFixture } from '../helpers/app.js';

let emu: Emulator;
let server: Server;
let port: number;
beforeAll(async () => {
  ({ emu } = await appFixture());
  const api = buildApiServer(controlPlaneOf(emu), { limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 }, maxWatchesPerUser: 2 });
  ({ server, port } = await api.listen(0, '127.0.0.1'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await emu.close();
});

/** Writes raw bytes and collects what the server answers until it closes the connection. */
function raw(write: (s: Socket) => void): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (c) => (got += c.toString('latin1')));
    s.on('close', () => ok(got));
    s.on('error', fail);
    s.on('connect', () => write(s));
  });
}

function get(path: string, headers: Record<string, string> = {}): Promise<IncomingMessage & { body: string }> {
  return new Promise((ok, fail) => {
    const r = httpRequest({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => ok(Object.assign(res, { body })));
    });
    r.on('error', fail);
    r.end();
  });
}

describe('the HTTP server\'s limits (kube-apiserver: 32 s to read a head, 1 MiB of headers, the request timeout)', () => {
  it('a head that never ends is cut off with 408 and the connection closed', async () => {
    const answer = await raw((s) => s.write('GET /version HTTP/1.1\r\nHost: x\r\n'));
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a body that trickles is cut off with 408 once the request timeout passes', async () => {
    const answer = await raw((s) => {
      s.write(`POST /apis/authentication.k8s.io/v1/tokenreviews HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
      const t = setInterval(() => (s.writable ? s.write(' ') : clearInterval(t)), 100);
      s.on('close', () => clearInterval(t));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('accepts headers of half a MiB (long selectors), refuses more than 1 MiB with 431', async () => {
    const big = await get('/version', { 'X-Long': 'a'.repeat(512 * 1024) });
    expect(big.statusCode).toBe(200);
    const selector = Array.from({ length: 20_000 }, (_, i) => `k${i}=v`).join(',');
    const listed = await get(`/api/v1/namespaces/default/pods?labelSelector=${selector}`);
    expect(listed.statusCode).toBe(200);
    const answer = await raw((s) => s.write(`GET /version HTTP/1.1\r\nHost: x\r\nX-Huge: ${'a'.repeat(1100 * 1024)}\r\n\r\n`));
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('bounds concurrent watches per user: past the bound a 429 TooManyRequests with Retry-After, and a closed watch frees its place', async () => {
    const open = () =>
      new Promise<{ res: IncomingMessage; close: () => void }>((ok, fail) => {
        const r = httpRequest({ host: '127.0.0.1', port, path: '/api/v1/namespaces/default/pods?watch=true', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => ok({ res, close: () => r.destroy() }));
        r.on('error', () => undefined);
        r.on('timeout', () => fail(new Error('timeout')));
        r.end();
      });
    const a = await open();
    const b = await open();
    expect([a.res.statusCode, b.res.statusCode]).toEqual([200, 200]);
    const refused = await get('/api/v1/namespaces/default/pods?watch=true');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, message: 'too many concurrent watches for user "kubernetes-admin" (at most 2); close some watches and try again' });
    a.close();
    for (let i = 0; i < 50; i++) {
      const again = await open();
      if (again.res.statusCode === 200) {
        again.close();
        b.close();
        return;
      }
      await new Promise((ok) => setTimeout(ok, 20));
    }
    throw new Error('a closed watch never freed its place');
  });
});
