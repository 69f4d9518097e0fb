import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture } from '../helpers/app.js';

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

const SA = '/api/v1/namespaces/default/serviceaccounts';

describe('core/v1 CRUD with Kubernetes shapes', () => {
  it('creates, gets, lists, updates and deletes a service account', async () => {
    const c = await request(app).post(SA).set(admin).send({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'crud' } });
    expect(c.status).toBe(201);
    expect(c.body.metadata).toMatchObject({ name: 'crud', namespace: 'default' });
    expect(c.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.body.metadata.resourceVersion).toMatch(/^\d+$/);
    const g = await request(app).get(`${SA}/crud`).set(admin);
    expect(g.body.metadata.uid).toBe(c.body.metadata.uid);
    const l = await request(app).get(SA).set(admin);
    expect(l.body).toMatchObject({ kind: 'ServiceAccountList', apiVersion: 'v1' });
    expect(l.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toContain('crud');
    const u = await request(app).put(`${SA}/crud`).set(admin).send({ ...g.body, automountServiceAccountToken: false });
    expect(u.status).toBe(200);
    expect(u.body.automountServiceAccountToken).toBe(false);
    const d = await request(app).delete(`${SA}/crud`).set(admin);
    expect(d.status).toBe(200);
    expect((await request(app).get(`${SA}/crud`).set(admin)).body).toMatchObject({ reason: 'NotFound', message: 'serviceaccounts "crud" not found', code: 404 });
  });

  it('answers a duplicate create with 409 AlreadyExists', async () => {
    const res = await request(app).post(SA).set(admin).send({ metadata: { name: 'build-robot' } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ reason: 'AlreadyExists', message: 'serviceaccounts "build-robot" already exists', details: { name: 'build-robot', kind: 'serviceaccounts' } });
  });

  it('answers a stale resourceVersion with 409 Conflict', async () => {
    const cur = (await request(app).get(`${SA}/build-robot`).set(admin)).body;
    await request(app).put(`${SA}/build-robot`).set(admin).send({ ...cur, metadata: { ...cur.metadata, labels: { a: 'b' } } }).expect(200);
    const res = await request(app).put(`${SA}/build-robot`).set(admin).send(cur);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('Operation cannot be fulfilled on serviceaccounts "build-robot": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('answers an invalid name with 422 and the RFC 1123 message', async () => {
    const res = await request(app).post(SA).set(admin).send({ metadata: { name: 'Bad_Name' } });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^ServiceAccount "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });

  it('answers a create in a missing namespace with 404', async () => {
    const res = await request(app).post('/api/v1/namespaces/nope/serviceaccounts').set(admin).send({ metadata: { name: 'x' } });
    expect(res.body).toMatchObject({ code: 404, message: 'namespaces "nope" not found' });
  });

  it('answers a wrong kind with 400', async () => {
    const res = await request(app).post(SA).set(admin).send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('the kind in the data (Pod) does not match the expected kind (ServiceAccount)');
  });

  it('does nothing on ?dryRun=All', async () => {
    const res = await request(app).post(`${SA}?dryRun=All`).set(admin).send({ metadata: { name: 'dry' } });
    expect(res.status).toBe(201);
    expect((await request(app).get(`${SA}/dry`).set(admin)).status).toBe(404);
  });

  it.each([
    ['a JSON merge patch', 'application/merge-patch+json', { metadata: { labels: { team: 'a' } } }],
    ['a strategic merge patch', 'application/strategic-merge-patch+json', { metadata: { labels: { team: 'a' } } }],
    ['a JSON patch', 'application/json-patch+json', [{ op: 'add', path: '/metadata/labels', value: { team: 'a' } }]],
  ])('applies %s', async (_n, ct, patch) => {
    await request(app).post(SA).set(admin).send({ metadata: { name: `patch-${ct.length}` } }).expect(201);
    const res = await request(app).patch(`${SA}/patch-${ct.length}`).set(admin).set('Content-Type', ct).send(JSON.stringify(patch));
    expect(res.status).toBe(200);
    expect(res.body.metadata.labels).toEqual({ team: 'a' });
  });

  it('creates a missing object with a server-side apply patch', async () => {
    const res = await request(app).patch(`${SA}/applied?fieldManager=kubectl`).set(admin).set('Content-Type', 'application/apply-patch+yaml').send('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: applied\n');
    expect(res.status).toBe(201);
  });

  it('filters lists with label and field selectors', async () => {
    await request(app).post(SA).set(admin).send({ metadata: { name: 'labelled', labels: { app: 'web' } } }).expect(201);
    const l = await request(app).get(`${SA}?labelSelector=app%3Dweb`).set(admin);
    expect(l.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['labelled']);
    const f = await request(app).get(`${SA}?fieldSelector=metadata.name%3Dbuild-robot`).set(admin);
    expect(f.body.items).toHaveLength(1);
  });

  it('answers an unknown path with a 404 Status', async () => {
    const res = await request(app).get('/api/v1/widgets').set(admin);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  });

  it('answers kubectl get with a Table when asked', async () => {
    const res = await request(app).get(SA).set(admin).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    expect(res.body.kind).toBe('Table');
    expect(res.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Secrets', 'Age']);
  });
});

describe('watch', () => {
  it('streams ADDED for existing objects, then changes, and DELETED', async () => {
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const lines: Array<{ type: string; object: { metadata: { name: string } } }> = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `${SA}?watch=true&fieldSelector=metadata.name%3Dwatched`, headers: admin }, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
            if (lines.at(-1)!.type === 'DELETED') {
              req.destroy();
              resolve();
            }
          }
        });
      });
      req.on('error', (e) => (lines.at(-1)?.type === 'DELETED' ? resolve() : reject(e)));
    });
    await request(app).post(SA).set(admin).send({ metadata: { name: 'watched' } }).expect(201);
    await new Promise((r) => setTimeout(r, 50));
    await request(app).delete(`${SA}/watched`).set(admin).expect(200);
    await done;
    server.close();
    expect(lines.map((l) => [l.type, l.object.metadata.name])).toEqual([
      ['ADDED', 'watched'],
      ['DELETED', 'watched'],
    ]);
  });
});
