import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture } from '../helpers/app.js';

/**
 * `/status` and `/scale` over HTTP, and watch served as Tables (kubectl get -w), through the
 * request pipeline (api/routes/subresources.ts, api/routes/watch.ts).
 */
let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
  await request(app)
    .post('/apis/apps/v1/namespaces/default/deployments')
    .set(admin)
    .send({ metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } } })
    .expect(201);
});
afterAll(() => emu.close());

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments/web';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

describe('/status', () => {
  it('answers the object, and PATCH changes only its status', async () => {
    const res = await request(app).patch(`${DEPLOY}/status`).set(admin).set('Content-Type', 'application/merge-patch+json').send({ spec: { replicas: 9 }, status: { replicas: 2, readyReplicas: 2 } });
    expect(res.status).toBe(200);
    expect(res.body.spec.replicas).toBe(2);
    expect(res.body.status).toEqual({ replicas: 2, readyReplicas: 2 });
    const got = await request(app).get(`${DEPLOY}/status`).set(admin).expect(200);
    expect(got.body.status.readyReplicas).toBe(2);
  });

  it('answers a Table of the kind when asked', async () => {
    const res = await request(app).get(`${DEPLOY}/status`).set(admin).set('Accept', TABLE).expect(200);
    expect(res.body.kind).toBe('Table');
    expect(res.body.rows[0].cells.slice(0, 2)).toEqual(['web', '2/2']);
  });

  it.each([
    ['POST', 405, 'MethodNotAllowed'],
    ['DELETE', 405, 'MethodNotAllowed'],
  ])('refuses %s with %d', async (method, code, reason) => {
    const res = await request(app)[method.toLowerCase() as 'post'](`${DEPLOY}/status`).set(admin).send({});
    expect(res.status).toBe(code);
    expect(res.body.reason).toBe(reason);
  });

  it.each([
    ['a kind without status', '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/x/status'],
    ['a subresource satoken does not serve', '/api/v1/namespaces/default/pods/web-0/log'],
    ['a path beyond the subresource', `${DEPLOY}/status/extra`],
  ])('is a 404 for %s', async (_n, path) => {
    const res = await request(app).get(path).set(admin);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('the server could not find the requested resource');
  });
});

describe('/scale', () => {
  it('answers an autoscaling/v1 Scale, and a merge patch of it (kubectl scale) sets spec.replicas', async () => {
    const scale = await request(app).get(`${DEPLOY}/scale`).set(admin).expect(200);
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=web' } });
    const patched = await request(app).patch(`${DEPLOY}/scale`).set(admin).set('Content-Type', 'application/merge-patch+json').send({ spec: { replicas: 4 } }).expect(200);
    expect(patched.body.spec).toEqual({ replicas: 4 });
    const d = await request(app).get(DEPLOY).set(admin).expect(200);
    expect(d.body.spec.replicas).toBe(4);
    expect(d.body.metadata.generation).toBe(2);
  });

  it('answers the Scale Table (Name, Desired, Available, Age)', async () => {
    const res = await request(app).get(`${DEPLOY}/scale`).set(admin).set('Accept', TABLE).expect(200);
    expect(res.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Desired', 'Available', 'Age']);
    expect(res.body.rows[0].cells.slice(0, 3)).toEqual(['web', 4, 2]);
  });

  it('refuses negative replicas with 422 and a kind without scale with 404', async () => {
    const bad = await request(app).put(`${DEPLOY}/scale`).set(admin).send({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: -1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect((await request(app).get('/apis/apps/v1/namespaces/default/daemonsets/x/scale').set(admin)).status).toBe(404);
  });
});

describe('watch as Table', () => {
  it('sends each event as a one-row Table, the column definitions in the first only, ERRORs as Status', async () => {
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    const { port } = server.address() as AddressInfo;
    const lines: Array<{ type: string; object: Record<string, unknown> }> = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=5', headers: { ...admin, Accept: TABLE } }, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
            if (lines.length === 2) {
              req.destroy();
              resolve();
            }
          }
        });
      });
      req.on('error', (e) => (lines.length >= 2 ? resolve() : reject(e)));
    });
    await new Promise((ok) => setTimeout(ok, 100));
    await request(app).post('/api/v1/namespaces/default/pods').set(admin).send({ metadata: { name: 'w2' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }).expect(201);
    await done;
    server.close();
    expect(lines.map((l) => l.type)).toEqual(['ADDED', 'ADDED']);
    const [first, second] = lines.map((l) => l.object);
    expect(first).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect((first!.columnDefinitions as Array<{ name: string }>).map((c) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(second!.columnDefinitions).toBeNull();
    expect((second!.rows as Array<{ cells: unknown[]; object: { kind: string } }>)[0]).toMatchObject({ cells: ['w2', '0/1', 'Pending', '0', '0s', '<none>', '<none>', '<none>', '<none>'], object: { kind: 'PartialObjectMetadata' } });
    expect((second!.metadata as { resourceVersion: string }).resourceVersion).toMatch(/^\d+$/);
  });
});
