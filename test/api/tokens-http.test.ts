import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture, jane } from '../helpers/app.js';
import { ISSUER } from '../helpers/emulator.js';

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture({ maxTokenExpirationSeconds: 7200 }));
});
afterAll(() => emu.close());

describe('POST .../serviceaccounts/{name}/token', () => {
  it('answers 201 with the TokenRequest as JSON', async () => {
    const res = await request(app).post('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(admin).send({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 600 } });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.spec).toEqual({ audiences: ['vault'], expirationSeconds: 600, boundObjectRef: null });
    expect(res.body.status.expirationTimestamp).toBe('2026-01-01T00:10:00Z');
    expect(Object.keys(res.body)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
  });

  it('serves the short form with ?namespace= (default "default")', async () => {
    const a = await request(app).post('/serviceaccounts/build-robot/token').set(admin).send({ spec: {} });
    expect(a.status).toBe(201);
    expect(a.body.metadata.namespace).toBe('default');
    const b = await request(app).post('/serviceaccounts/default/token?namespace=kube-system').set(admin).send({});
    expect(b.body.metadata.namespace).toBe('kube-system');
  });

  it.each(['Pod', 'Secret', 'Node'])('answers a %s reference without a name as the object storage does: 400 Name parameter required.', async (kind) => {
    const res = await request(app).post('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(admin).send({ spec: { boundObjectRef: { kind, apiVersion: 'v1' } } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Name parameter required.', reason: 'BadRequest', code: 400 });
  });

  it('sends the clamp as a Warning header', async () => {
    const res = await request(app).post('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(admin).send({ spec: { expirationSeconds: 86400 } });
    expect(res.headers.warning).toBe('299 - "requested expiration of 86400 seconds shortened to 7200 seconds"');
  });

  it.each([
    ['malformed JSON', 'application/json', '{', 400, 'BadRequest'],
    ['an unknown media type', 'text/plain', 'x', 415, 'UnsupportedMediaType'],
  ])('answers %s with a Status', async (_n, ct, body, code, reason) => {
    const res = await request(app).post('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(admin).set('Content-Type', ct).send(body);
    expect(res.status).toBe(code);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
  });

  it('answers a body over 3 MiB with 413', async () => {
    const res = await request(app).post('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(admin).set('Content-Type', 'application/json').send(`{"x":"${'a'.repeat(3 * 1024 * 1024)}"}`);
    expect(res.status).toBe(413);
    expect(res.body.reason).toBe('RequestEntityTooLarge');
  });

  it('answers a wrong method with 405', async () => {
    const res = await request(app).get('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(admin);
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
  });

  it('forbids a user without RBAC permission, with Kubernetes\' message', async () => {
    const res = await request(app).post('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(jane).send({});
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'serviceaccounts "build-robot" is forbidden: User "jane" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { name: 'build-robot', kind: 'serviceaccounts' },
      code: 403,
    });
  });

  it('answers a bad bearer token with 401 Unauthorized', async () => {
    const res = await request(app).post('/serviceaccounts/build-robot/token').set('Authorization', 'Bearer nope').send({});
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });
});

describe('POST /apis/authentication.k8s.io/v1/tokenreviews', () => {
  it('reviews a token it issued and explains a rejection', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { audiences: ['vault'] });
    const ok = await request(app).post('/apis/authentication.k8s.io/v1/tokenreviews').set(admin).send({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: tr.status.token, audiences: ['vault'] } });
    expect(ok.status).toBe(201);
    expect(ok.body.status.authenticated).toBe(true);
    const bad = await request(app).post('/apis/authentication.k8s.io/v1/tokenreviews').set(admin).send({ spec: { token: tr.status.token } });
    expect(bad.body.status).toEqual({ user: {}, error: `[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ["${ISSUER}"]]` });
  });

  it('lets a service-account token authenticate API requests', async () => {
    const tr = await emu.requestToken('default', 'build-robot');
    const res = await request(app).post('/apis/authentication.k8s.io/v1/selfsubjectreviews').set('Authorization', `Bearer ${tr.status.token}`).send({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(res.status).toBe(201);
    expect(res.body.status.userInfo.username).toBe('system:serviceaccount:default:build-robot');
  });
});

describe('OIDC discovery', () => {
  it('serves the configuration and the JWKS anonymously, with Kubernetes\' headers', async () => {
    const cfg = await request(app).get('/.well-known/openid-configuration');
    expect(cfg.status).toBe(200);
    expect(cfg.headers['content-type']).toBe('application/json');
    expect(cfg.headers['cache-control']).toBe('public, max-age=3600');
    expect(JSON.parse(cfg.text)).toEqual({ issuer: ISSUER, jwks_uri: 'https://127.0.0.1:6443/openid/v1/jwks', response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] });
    const jwks = await request(app).get('/openid/v1/jwks');
    expect(jwks.headers['content-type']).toBe('application/jwk-set+json');
    expect(jwks.headers['cache-control']).toBe('public, max-age=3600');
    expect(JSON.parse(jwks.text).keys[0]).toMatchObject({ use: 'sig', kty: 'RSA', alg: 'RS256' });
  });

  it('answers neighbouring paths with 404', async () => {
    expect((await request(app).get('/.well-known').set(admin)).status).toBe(404);
    expect((await request(app).get('/openid/v1/jwks/foo').set(admin)).status).toBe(404);
  });
});
