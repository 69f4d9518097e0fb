import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain } from '../../src/api/pipeline.js';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture, jane } from '../helpers/app.js';

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

const REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';

describe('the fixed paths', () => {
  it('answer JSON with the media type alone, as kube-apiserver (no charset), and a Content-Length', async () => {
    const res = await request(app).post(REVIEWS).set(admin).send({ spec: { token: 'garbage' } });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(res.body.status).toEqual({ user: {}, error: 'invalid bearer token' });
  });

  it('take one trailing slash, as express routes do, and are case-sensitive, as Kubernetes', async () => {
    expect((await request(app).post(`${REVIEWS}/`).set(admin).send({ spec: { token: 'x' } })).status).toBe(201);
    expect((await request(app).post(REVIEWS.toUpperCase()).set(admin).send({ spec: { token: 'x' } })).status).toBe(404);
  });

  it('refuse other methods with 405, after authorization', async () => {
    const res = await request(app).get(REVIEWS).set(admin);
    expect(res.status).toBe(405);
    expect(res.body.reason).toBe('MethodNotAllowed');
    expect((await request(app).put(REVIEWS).set(jane).send({})).status).toBe(403);
  });

  it('serve health on GET and HEAD only', async () => {
    expect((await request(app).get('/healthz').set(admin)).text).toBe('ok');
    const head = await request(app).head('/readyz').set(admin);
    expect(head.status).toBe(200);
    expect(head.text ?? '').toBe('');
    expect((await request(app).post('/livez').set(admin).send({})).status).toBe(404);
  });

  it('still go through authentication: a bad token is a 401 before any handler', async () => {
    const res = await request(app).post(REVIEWS).set({ Authorization: 'Bearer nope' }).send({ spec: { token: 'x' } });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('Unauthorized');
  });
});

describe('chain', () => {
  const trace = (name: string, seen: string[]) => (_req: Request, _res: Response, next: NextFunction) => {
    seen.push(name);
    next();
  };
  const ends = (out: string[]) => (_req: Request, res: Response, err?: unknown) => void res.send(err instanceof Error ? `error ${err.message}` : `end ${out.join()}`);

  it('runs the steps in order, then its end without an error', async () => {
    const seen: string[] = [];
    const a = express();
    a.use(chain([trace('a', seen), trace('b', seen), trace('c', seen)], ends(seen)));
    expect((await request(a).get('/')).text).toBe('end a,b,c');
  });

  it('stops at next(err) and at a throw, handing the error to its end', async () => {
    const seen: string[] = [];
    const a = express();
    a.use(
      chain(
        [
          trace('a', seen),
          (req, _res, next) => (req.path === '/fail' ? next(new Error('failed')) : next()),
          (req, _res, next) => {
            if (req.path === '/throw') throw new Error('thrown');
            next();
          },
          trace('last', seen),
        ],
        ends(seen),
      ),
    );
    expect((await request(a).get('/fail')).text).toBe('error failed');
    expect((await request(a).get('/throw')).text).toBe('error thrown');
    expect(seen).toEqual(['a', 'a']);
    seen.length = 0;
    expect((await request(a).get('/ok')).text).toBe('end a,last');
  });
});

describe('the app as a whole', () => {
  it('parses a path\'s request info once per method: the same path is a list for GET, a deletecollection for DELETE', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    for (let i = 0; i < 2; i++) {
      expect((await request(app).get(path).set(jane)).body.message).toBe('configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "default"');
      expect((await request(app).delete(path).set(jane)).body.message).toBe('configmaps is forbidden: User "jane" cannot deletecollection resource "configmaps" in API group "" in the namespace "default"');
    }
    const watch = await request(app).get(`${path}?watch=0`).set(jane);
    expect(watch.body.message).toContain('cannot list resource');
  });

  it('answers the same when mounted inside another express app, with express helpers working', async () => {
    const outer = express();
    outer.use('/k8s', app);
    const res = await request(outer).get('/k8s/healthz').set(admin);
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const missing = await request(outer).get('/k8s/no/such/path').set(admin);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });
});
