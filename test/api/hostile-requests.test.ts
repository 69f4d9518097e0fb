import type express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { ADMIN_TOKEN, admin, appFixture } from '../helpers/app.js';

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

const NOT_FOUND = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 };
const METHOD = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server does not allow this method on the requested resource', reason: 'MethodNotAllowed', details: {}, code: 405 };
const badRequest = (message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 });

type Method = 'get' | 'post' | 'put' | 'delete';

describe('hostile request paths, as the admin (everything is authorized, so the path decides)', () => {
  it.each<[string, Method, string, number, unknown]>([
    ['a malformed percent-escape is a 400 with Go\'s url.EscapeError text', 'get', '/api/v1/namespaces/%zz/pods', 400, badRequest('invalid URL escape "%zz"')],
    ['a truncated percent-escape is a 400 too', 'get', '/api/v1/namespaces/default/pods/%f', 400, badRequest('invalid URL escape "%f"')],
    ['a lone percent sign is a 400', 'get', '/%', 400, badRequest('invalid URL escape "%"')],
    ['%ff decodes (as Go does) to a namespace that holds nothing: an empty list', 'get', '/api/v1/namespaces/%ff/pods', 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) }, items: [] }],
    ['%2F splits the segment, as Go decodes the path before RequestInfo splits it', 'get', '/api/v1/namespaces/a%2Fb/pods', 404, NOT_FOUND],
    ['a trailing slash on a fixed non-resource path is not that path', 'get', '/openid/v1/jwks/', 404, NOT_FOUND],
    ['fixed paths are case-sensitive', 'get', '/OpenID/v1/JWKS', 404, NOT_FOUND],
    ['the API prefix is case-sensitive', 'get', '/API/v1/namespaces', 404, NOT_FOUND],
    ['a POST naming an object matches no route', 'post', '/api/v1/namespaces/default/pods/web-1', 405, METHOD],
    ['a review kind is create-only', 'get', '/apis/authentication.k8s.io/v1/tokenreviews', 405, METHOD],
    ['a review kind has no objects by name', 'post', '/apis/authentication.k8s.io/v1/tokenreviews/x', 404, NOT_FOUND],
    ['the token subresource answers POST only', 'get', '/api/v1/namespaces/default/serviceaccounts/build-robot/token', 405, METHOD],
    ['an unknown resource in a served group', 'get', '/api/v1/namespaces/default/widgets', 404, NOT_FOUND],
    ['an unserved group', 'get', '/apis/extensions/v1beta1/namespaces/default/deployments', 404, NOT_FOUND],
    ['a name of "." is refused as genericregistry\'s key function refuses it', 'get', '/api/v1/namespaces/default/pods/.', 400, badRequest('Name parameter invalid: ".": may not be \'.\'')],
    ['a name of ".." likewise, by update and delete too', 'delete', '/api/v1/namespaces/default/serviceaccounts/..', 400, badRequest('Name parameter invalid: "..": may not be \'..\'')],
    ['a name holding % (from %25)', 'put', '/api/v1/namespaces/default/configmaps/a%25b', 400, badRequest('Name parameter invalid: "a%b": may not contain \'%\'')],
    ['a cluster-scoped name of "."', 'get', '/api/v1/namespaces/.', 400, badRequest('Name parameter invalid: ".": may not be \'.\'')],
    ['a namespace holding % (from %25) lists nothing', 'get', '/api/v1/namespaces/a%25b/pods', 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) }, items: [] }],
  ])('%s: %s %s → %i', async (_name, method, path, code, body) => {
    const res = await request(app)[method](path).set(admin);
    expect(res.status).toBe(code);
    expect(res.body).toEqual(body);
  });

  it('a watch path with nothing after it is the plain-text 500 kube-apiserver\'s WithRequestInfo answers (one of the 5xx Kubernetes gives too)', async () => {
    const res = await request(app).get('/api/v1/watch').set(admin);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe('Internal Server Error: "/api/v1/watch": unable to determine kind and namespace from url, /api/v1/watch\n');
  });

  // etcd3's store.prepareKey refuses a key with a `.` or `..` segment with a plain error, which
  // the handler answers as an internal error: one of the 5xx Kubernetes gives too
  it.each([
    ['/api/v1/namespaces/./pods', '/pods/.'],
    ['/api/v1/namespaces/%2E%2E/serviceaccounts', '/serviceaccounts/..'],
    ['/apis/apps/v1/namespaces/../deployments?watch=1', '/deployments/..'],
  ])('a list or watch in namespace "." or ".." is the 500 etcd3 storage gives: %s', async (path, key) => {
    const res = await request(app).get(path).set(admin);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: invalid key: "${key}"`, reason: 'InternalError', details: { causes: [{ message: `invalid key: "${key}"` }] }, code: 500 });
  });

  it('a watch whose selector cannot be parsed is a 400 response, not an ERROR event in a stream', async () => {
    const res = await request(app).get('/api/v1/pods?watch=1&labelSelector=a%20in%20(').set(admin);
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('BadRequest');
  });

  it('a trailing slash on a resource path is the same request (go-restful ignores it)', async () => {
    const res = await request(app).get('/api/v1/namespaces/default/pods/').set(admin);
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web-0']);
  });

  it('an object name with %ff is looked up as Go decodes it, U+FFFD in JSON', async () => {
    const res = await request(app).get('/api/v1/namespaces/default/pods/%ff').set(admin);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('pods "\ufffd" not found');
  });
});

describe('Authorization headers, as bearertoken.go splits them', () => {
  const whoami = (authorization: string) => request(app).post('/apis/authentication.k8s.io/v1/selfsubjectreviews').set('Authorization', authorization).send({});

  it('"Bearer a b" authenticates the token "a": a wrong one is a 401, not anonymous', async () => {
    const res = await whoami('Bearer not-a-token trailing');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('a valid token followed by more words authenticates (Go reads only the second word)', async () => {
    const res = await whoami(`Bearer ${ADMIN_TOKEN} and more`);
    expect(res.status).toBe(201);
    expect(res.body.status.userInfo.username).toBe('kubernetes-admin');
  });

  // anonymous may not create SelfSubjectReviews (system:basic-user is for system:authenticated)
  const ANONYMOUS_REFUSED = 'selfsubjectreviews.authentication.k8s.io is forbidden: User "system:anonymous" cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope';

  it('two spaces before the token: ignored, with Kubernetes\' warning, and the request is anonymous', async () => {
    const res = await whoami(`Bearer  ${ADMIN_TOKEN}`);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(ANONYMOUS_REFUSED);
    expect(res.headers.warning).toBe('299 - "the provided Authorization header contains extra space before the bearer token, and is ignored"');
  });

  it.each(['Basic YWRtaW46YWRtaW4=', 'Bearer', 'bearer', 'Token abc'])('%j is no opinion: anonymous', async (authorization) => {
    const res = await whoami(authorization);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(ANONYMOUS_REFUSED);
    expect(res.headers.warning).toBeUndefined();
  });

  it('the scheme is case-insensitive', async () => {
    expect((await whoami(`BEARER ${ADMIN_TOKEN}`)).body.status.userInfo.username).toBe('kubernetes-admin');
  });
});

describe('hostile paths as an anonymous caller', () => {
  it('%ff in a namespace is authorized as Go decodes it: a 403 naming U+FFFD', async () => {
    const res = await request(app).get('/api/v1/namespaces/%ff/pods');
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "\ufffd"');
  });

  it('a case variant of the JWKS path is a path anonymous may not get (authorization comes before routing)', async () => {
    const res = await request(app).get('/OpenID/v1/jwks');
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('forbidden: User "system:anonymous" cannot get path "/OpenID/v1/jwks"');
  });

  it('the server still answers afterwards', async () => {
    expect((await request(app).get('/readyz')).text).toBe('ok');
  });
});
