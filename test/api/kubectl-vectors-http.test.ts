import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture } from '../helpers/app.js';

interface Vector {
  command: string;
  method: string;
  path: string;
  query: string;
  contentType: string;
  bodyBase64: string;
  decoded: Record<string, unknown>;
}

const vectors = readFileSync(resolve(__dirname, 'codecs', 'kubectl-protobuf-vectors.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Vector);

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
  await emu.apply([
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mypod', namespace: 'default' }, spec: { serviceAccountName: 'build-robot', containers: [{ name: 'a', image: 'busybox' }] } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mysecret', namespace: 'default' } },
  ]);
});
afterAll(() => emu.close());

describe('the server accepts every protobuf body captured from kubectl 1.32', () => {
  it.each(vectors.map((v) => [v.command, v] as const))('%s', async (_c, v) => {
    const res = await request(app)
      [v.method.toLowerCase() as 'post'](`${v.path}${v.query ? `?${v.query}` : ''}`)
      .set(admin)
      .set('Content-Type', v.contentType)
      .set('Accept', 'application/vnd.kubernetes.protobuf,application/json')
      .send(Buffer.from(v.bodyBase64, 'base64'));
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    if (v.command.includes('--bound-object-uid=')) {
      // the captured uid is not the uid of our mypod: the server must say so, as kube-apiserver would
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/^Operation cannot be fulfilled on Pod "mypod": the UID in the bound object reference \(0d8b260e-ef0e-45fb-be8e-ff44f97722e8\) does not match the UID in record/);
      return;
    }
    expect(res.status, res.text).toBe(201);
    expect(res.body.kind).toBe(v.decoded.kind);
  });

  it('answers a truncated body with 400', async () => {
    const v = vectors[0]!;
    const body = Buffer.from(v.bodyBase64, 'base64');
    const res = await request(app).post(v.path).set(admin).set('Content-Type', v.contentType).send(body.subarray(0, 20));
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('BadRequest');
  });
});
