import type express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE } from '../../../src/api/discovery/index.js';
import type { Emulator } from '../../../src/emulator.js';
import { appFixture, jane } from '../../helpers/app.js';

// kube-apiserver answers discovery paths with one trailing slash as it answers them without:
// go-restful trims trailing slashes before it matches the version route `GET /` under
// /api/v1 and /apis/<g>/<v>, the director sends /apis/ to go-restful, and kube-aggregator
// registers /apis/<g>/ beside /apis/<g>. The Python client's CoreV1Api.get_api_resources()
// asks for /api/v1/.
let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

const get = (path: string, accept = 'application/json') => request(app).get(path).set(jane).set('Accept', accept);

describe('discovery with a trailing slash, as kube-apiserver answers it', () => {
  it.each([
    ['/api/v1/', 'APIResourceList', 'v1'],
    ['/apis/apps/v1/', 'APIResourceList', 'apps/v1'],
    ['/apis/authorization.k8s.io/v1/', 'APIResourceList', 'authorization.k8s.io/v1'],
    ['/apis/rbac.authorization.k8s.io/', 'APIGroup', undefined],
    ['/api/', 'APIVersions', undefined],
    ['/apis/', 'APIGroupList', undefined],
  ])('%s: 200 %s, the same body as without the slash', async (path, kind, groupVersion) => {
    const slash = await get(path);
    expect(slash.status, slash.text).toBe(200);
    expect(slash.body.kind).toBe(kind);
    if (groupVersion) expect(slash.body.groupVersion).toBe(groupVersion);
    expect(slash.body).toEqual((await get(path.slice(0, -1))).body);
  });

  it('/version/ answers the version', async () => {
    const res = await get('/version/');
    expect(res.status).toBe(200);
    expect(res.body).toEqual((await get('/version')).body);
    expect(res.body.gitVersion).toMatch(/^v1\.\d+\.\d+/);
  });

  it('/apis/ and /api/ answer the aggregated form when asked for it', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    for (const path of ['/api/', '/apis/']) {
      const res = await get(path, accept);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain(AGGREGATED_DISCOVERY_CONTENT_TYPE);
      expect(res.body.kind).toBe('APIGroupDiscoveryList');
    }
  });

  it.each([
    ['/apis/nosuch.example.com/', 'a group not served'],
    ['/apis/apps/v9/', 'a version not served'],
    ['/api/v2/', 'a core version not served'],
  ])('%s (%s) stays the 404 it was', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' });
  });
});
