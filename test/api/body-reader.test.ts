import { Agent, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/media.js';
import { buildApiServer } from '../../src/api/server.js';
import { controlPlaneOf, type Emulator } from '../../src/emulator.js';
import { ADMIN_TOKEN, appFixture } from '../helpers/app.js';

let emu: Emulator;
let server: Server;
let port: number;
beforeAll(async () => {
  ({ emu } = await appFixture());
  ({ server, port } = await buildApiServer(controlPlaneOf(emu)).listen(0, '127.0.0.1'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await emu.close();
});

const REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';

interface Answer {
  status: number;
  body: string;
  socketReused: boolean;
}

/** POSTs `chunks` (written one by one, chunked when no Content-Length is given) through `agent`. */
function post(path: string, chunks: Buffer[], headers: Record<string, string | number>, agent: Agent): Promise<Answer> {
  return new Promise((ok, fail) => {
    const r = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, socketReused: (r as unknown as { reusedSocket: boolean }).reusedSocket }));
    });
    r.on('error', fail);
    for (const c of chunks) r.write(c);
    r.end();
  });
}

const review = (token: string) => Buffer.from(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }));

describe('request bodies (read before authentication, at most 3 MiB, as they came)', () => {
  it('reads a chunked body written in many pieces', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = review('not-a-token');
    const pieces = Array.from({ length: 7 }, (_, i) => body.subarray(Math.floor((i * body.length) / 7), Math.floor(((i + 1) * body.length) / 7)));
    const res = await post(REVIEWS, pieces, {}, agent);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'TokenReview', spec: { token: 'not-a-token' }, status: { error: 'invalid bearer token' } });
    agent.destroy();
  });

  it('refuses a declared length over the limit with the 413 Status, without reading it, and the connection serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    const res = await post(REVIEWS, [big], { 'Content-Length': big.length }, agent);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', message: `Request entity too large: limit is ${MAX_BODY_BYTES}`, code: 413 });
    const next = await post(REVIEWS, [review('x')], {}, agent);
    expect(next.status).toBe(201);
    expect(next.socketReused).toBe(true);
    agent.destroy();
  });

  it('refuses a chunked body once it grows past the limit, and drops the rest', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const piece = Buffer.alloc(512 * 1024, 0x20);
    const res = await post(REVIEWS, Array.from({ length: 8 }, () => piece), {}, agent);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).reason).toBe('RequestEntityTooLarge');
    const next = await post(REVIEWS, [review('x')], {}, agent);
    expect(next.status).toBe(201);
    expect(next.socketReused).toBe(true);
    agent.destroy();
  });

  it('takes a body of exactly the limit', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = review('x');
    const padded = Buffer.concat([body, Buffer.alloc(MAX_BODY_BYTES - body.length, 0x20)]);
    const res = await post(REVIEWS, [padded], { 'Content-Length': padded.length }, agent);
    expect(res.status).toBe(201);
    agent.destroy();
  });

  it('does not inflate a gzip body (kube-apiserver reads the bytes as they came): it does not decode', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const res = await post(REVIEWS, [gzipSync(review('x'))], { 'Content-Encoding': 'gzip' }, agent);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    agent.destroy();
  });

  it('survives a client that goes away in the middle of a body, and answers the next one', async () => {
    await new Promise<void>((ok, fail) => {
      const s = connect(port, '127.0.0.1', () => {
        s.write(`POST ${REVIEWS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"spec":`);
        setTimeout(() => s.destroy(), 50);
      });
      s.on('close', () => ok());
      s.on('error', fail);
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await post(REVIEWS, [review('x')], {}, agent)).status).toBe(201);
    agent.destroy();
  });
});
