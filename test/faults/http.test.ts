import type express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture, jane } from '../helpers/app.js';

/**
 * TokenFaults over HTTP (supertest against the API server `serve` builds): the kind served as a
 * built-in one (discovery, Table, /status, RBAC), and what each target does to the requests it
 * changes, with the fault's name in the audit events and the count in /metrics.
 */

const BASE = '/apis/testing.satoken.dev/v1alpha1/tokenfaults';
const REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const INVALIDATED = '[invalid bearer token, service account token has been invalidated]';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

let emu: Emulator;
let app: express.Express;
let token: string;
beforeEach(async () => {
  ({ emu, app } = await appFixture());
  token = (await emu.requestToken('default', 'build-robot', { audiences: ['vault'] })).status.token;
});
afterEach(() => emu.close());

const fault = (name: string, spec: object) => ({ apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'TokenFault', metadata: { name }, spec });
const create = (name: string, spec: object) => request(app).post(BASE).set(admin).send(fault(name, spec));
const review = (t: string, audiences?: string[]) => request(app).post(REVIEWS).set(admin).send({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: t, ...(audiences ? { audiences } : {}) } });

describe('the TokenFault kind over HTTP', () => {
  it('is discovered, cluster-scoped, with a status subresource', async () => {
    const r = await request(app).get('/apis/testing.satoken.dev/v1alpha1').set(admin);
    expect(r.status).toBe(200);
    const names = (r.body as { resources: { name: string; namespaced: boolean; kind: string }[] }).resources.filter((x) => x.name.startsWith('tokenfaults'));
    expect(names).toEqual([expect.objectContaining({ name: 'tokenfaults', namespaced: false, kind: 'TokenFault' }), expect.objectContaining({ name: 'tokenfaults/status' })]);
  });

  it('creates, reads as a Table with its columns, and deletes', async () => {
    const c = await create('vault-outage', { match: { serviceAccount: 'build-robot', audiences: ['vault'] }, target: 'review', action: 'reject', times: 3 });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ kind: 'TokenFault', metadata: { name: 'vault-outage' }, status: { matched: 0 } });
    await review(token, ['vault']);
    await emu.idle();
    const t = await request(app).get(BASE).set(admin).set('Accept', TABLE);
    expect(t.status).toBe(200);
    expect(t.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Target', 'Action', 'Matched', 'Age', 'Times', 'Match']);
    expect(t.body.rows[0].cells).toEqual(['vault-outage', 'review', 'reject', 1, '0s', '3', 'serviceAccount=build-robot,audiences=vault']);
    expect((await request(app).delete(`${BASE}/vault-outage`).set(admin)).status).toBe(200);
    expect((await review(token, ['vault'])).body.status.authenticated).toBe(true);
  });

  it('refuses an invalid fault with a 422 in Kubernetes\' words', async () => {
    const r = await create('bad', { target: 'jwks', action: 'expire' });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid', message: 'TokenFault.testing.satoken.dev "bad" is invalid: spec.action: Unsupported value: "expire": supported values: "reject", "error", "delay"' });
  });

  it('only system:masters may write them (bootstrap RBAC grants no one else)', async () => {
    const r = await request(app).post(BASE).set(jane).send(fault('sneaky', { target: 'review', action: 'reject' }));
    expect(r.status).toBe(403);
    expect(r.body.message).toBe('tokenfaults.testing.satoken.dev is forbidden: User "jane" cannot create resource "tokenfaults" in API group "testing.satoken.dev" at the cluster scope');
  });

  it('status.matched is written through /status, as any status', async () => {
    await create('counted', { target: 'review', action: 'reject' });
    for (let i = 0; i < 3; i++) await review(token, ['vault']);
    await emu.idle();
    const s = await request(app).get(`${BASE}/counted/status`).set(admin);
    expect(s.body.status).toEqual({ matched: 3 });
    const bad = await request(app).put(`${BASE}/counted/status`).set(admin).send({ ...s.body, status: { matched: -2 } });
    expect(bad.status).toBe(422);
  });
});

describe('review faults over HTTP', () => {
  it('a TokenReview answers what the fault says; the review\'s audit event names the fault', async () => {
    await create('vault-outage', { match: { audiences: ['vault'] }, target: 'review', action: 'reject' });
    const r = await review(token, ['vault']);
    expect(r.status).toBe(201);
    expect(r.body.status).toEqual({ user: {}, error: INVALIDATED });
    const ev = emu.requests.last({ resource: 'tokenreviews' });
    expect(ev?.annotations?.['testing.satoken.dev/fault']).toBe('vault-outage');
  });

  it('error: the TokenReview itself fails with the code and a Status', async () => {
    await create('reviewer-down', { target: 'review', action: 'error', code: 503 });
    const r = await review(token, ['vault']);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' });
  });

  it('a request made with a faulted token is 401, and the 401\'s audit event names the fault', async () => {
    const apiToken = (await emu.requestToken('default', 'build-robot')).status.token;
    await create('locked-out', { match: { serviceAccount: 'build-robot' }, target: 'review', action: 'expire' });
    const r = await request(app).get('/api/v1/namespaces/default/pods').set('Authorization', `Bearer ${apiToken}`);
    expect(r.status).toBe(401);
    const ev = emu.requests.last({ annotation: 'testing.satoken.dev/fault=locked-out' });
    expect(ev?.responseStatus?.code).toBe(401);
    expect(ev?.requestURI).toBe('/api/v1/namespaces/default/pods');
  });

  it('times runs out and the next review is the usual one; /metrics counts what it changed', async () => {
    await create('twice', { target: 'review', action: 'error', code: 500, times: 2 });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await review(token, ['vault'])).status);
    expect(codes).toEqual([500, 500, 201]);
    const m = await request(app).get('/metrics').set(admin);
    expect(m.text).toContain('satoken_token_faults_applied_total{fault="twice",action="error",target="review"} 2');
  });
});

describe('issue faults over HTTP', () => {
  it('a TokenRequest is refused 403; the audit event names the fault', async () => {
    await create('no-tokens', { target: 'issue', action: 'reject', reason: 'token quota exceeded' });
    const r = await request(app).post('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(admin).send({ spec: {} });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ reason: 'Forbidden', message: 'serviceaccounts "build-robot" is forbidden: token quota exceeded', details: { name: 'build-robot', kind: 'serviceaccounts' } });
    const ev = emu.requests.last({ resource: 'serviceaccounts/token' });
    expect(ev?.annotations?.['testing.satoken.dev/fault']).toBe('no-tokens');
    expect(ev?.responseStatus?.code).toBe(403);
  });
});

describe('jwks faults over HTTP', () => {
  it('reject: the JWKS has no keys; discovery is unchanged', async () => {
    const before = await request(app).get('/openid/v1/jwks').set(admin);
    expect(before.body.keys.length).toBeGreaterThan(0);
    await create('keys-gone', { target: 'jwks', action: 'reject' });
    const r = await request(app).get('/openid/v1/jwks').set(admin);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ keys: [] });
    expect(r.headers['content-type']).toBe(before.headers['content-type']);
    const d = await request(app).get('/.well-known/openid-configuration').set(admin);
    expect(d.status).toBe(200);
    expect(d.body.jwks_uri).toBeDefined();
    expect(emu.requests.last({ annotation: 'testing.satoken.dev/fault=keys-gone' })?.requestURI).toBe('/openid/v1/jwks');
  });

  it('error: both documents answer the code (503 with Retry-After)', async () => {
    await create('idp-down', { target: 'jwks', action: 'error', code: 503, times: 2 });
    const j = await request(app).get('/openid/v1/jwks').set(admin);
    expect(j.status).toBe(503);
    expect(j.headers['retry-after']).toBe('1');
    expect((await request(app).get('/.well-known/openid-configuration').set(admin)).status).toBe(503);
    expect((await request(app).get('/openid/v1/jwks').set(admin)).status).toBe(200);
  });

  it('answered before authentication when discovery is public: the fault acts there too', async () => {
    const pub = await appFixture({ publicDiscovery: true });
    try {
      await pub.emu.faults.inject({ name: 'anon', target: 'jwks', action: 'error', code: 500 });
      const r = await request(pub.app).get('/openid/v1/jwks');
      expect(r.status).toBe(500);
      expect(r.body.message).toBe('Internal error occurred: an error on the server ("unknown") has prevented the request from succeeding');
      expect(pub.emu.requests.last({ annotation: 'testing.satoken.dev/fault=anon' })?.user?.username).toBe('system:anonymous');
    } finally {
      await pub.emu.close();
    }
  });

  it('delay: the keys come after the delay', async () => {
    await create('slow-keys', { target: 'jwks', action: 'delay', delay: '3s' });
    let done = false;
    const p = request(app).get('/openid/v1/jwks').set(admin).then((r) => ((done = true), r));
    await new Promise((r) => setTimeout(r, 50));
    await emu.clock.advance(2999);
    expect(done).toBe(false);
    await emu.clock.advance(1);
    const r = await p;
    expect(r.status).toBe(200);
    expect(r.body.keys.length).toBeGreaterThan(0);
  });
});
