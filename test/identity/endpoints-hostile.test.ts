import fc from 'fast-check';
import type express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/api/server.js';
import { controlPlaneOf, type Emulator } from '../../src/emulator.js';
import { exchangeOf, type TokenExchangeRecord } from '../../src/identity/exchange-record.js';
import { admin, appFixture } from '../helpers/app.js';

// The cloud endpoints inside the API server as serve assembles it: answered before
// authentication, their bodies left to them, and nothing a client sends gets a 5xx.

const TENANT = '00000000-0000-0000-0000-000000000001';
let emu: Emulator;
let app: express.Express;

beforeAll(async () => {
  ({ emu } = await appFixture({ workloadIdentity: { clouds: ['aws', 'azure'] } }));
  const cp = controlPlaneOf(emu);
  ({ app } = buildApiServer(cp, { publicEndpoints: [cp.workloadIdentity!.endpoint] }));
  cp.workloadIdentity!.serveAt('http://127.0.0.1:6443', []);
});
afterAll(() => emu.close());

describe('the cloud endpoints in the API server', () => {
  it('take no Kubernetes credentials, and leave Kubernetes paths to authentication', async () => {
    const sts = await request(app).post('/aws/sts').type('form').send({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    expect([sts.status, sts.headers['content-type']]).toEqual([403, 'text/xml']);
    expect(sts.text).toContain('<Code>MissingAuthenticationToken</Code>');
    const meta = await request(app).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(meta.status).toBe(200);
    expect(meta.body.issuer).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${TENANT}/v2\\.0$`));
    expect((await request(app).get('/api/v1/namespaces/default/serviceaccounts')).body.message).toBe('serviceaccounts is forbidden: User "system:anonymous" cannot list resource "serviceaccounts" in API group "" in the namespace "default"');
    expect((await request(app).get('/api/v1/namespaces/default/serviceaccounts').set(admin)).status).toBe(200);
  });

  it('let an observer of the request’s end (the request recorder) read the exchange it made', async () => {
    const seen: Array<TokenExchangeRecord | undefined> = [];
    const cp = controlPlaneOf(emu);
    const observed = buildApiServer(cp, { publicEndpoints: [cp.workloadIdentity!.endpoint], observers: [(_ctx, req) => seen.push(exchangeOf(req))] }).app;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ iss: 'https://issuer.example', sub: 'system:serviceaccount:default:app', aud: ['sts.amazonaws.com'], exp: 2e9, jti: 'jti-1' })}.c2ln`;
    await request(observed).post('/aws/sts').type('form').send({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: 'arn:aws:iam::111122223333:role/r', RoleSessionName: 'ss', WebIdentityToken: token });
    await request(observed).get('/api/v1/namespaces').set(admin);
    expect(seen).toEqual([
      expect.objectContaining({ cloud: 'aws', operation: 'AssumeRoleWithWebIdentity', outcome: 'refused', error: 'InvalidIdentityToken', credentialId: 'JTI=jti-1', issuer: 'https://issuer.example', principal: 'arn:aws:iam::111122223333:role/r' }),
      undefined,
    ]);
    // the request recorder: a refused exchange is the anonymous request it was, the claimed
    // credential id kept in an annotation (never in the user's extra: nothing verified it)
    const ev = emu.requests.last({ annotation: 'workload-identity.satoken.dev/outcome=refused' })!;
    expect([ev.requestURI, ev.responseStatus?.code, ev.user.username, ev.user.extra]).toEqual(['/aws/sts', 400, 'system:anonymous', undefined]);
    expect(ev.annotations).toEqual({
      'workload-identity.satoken.dev/cloud': 'aws',
      'workload-identity.satoken.dev/operation': 'AssumeRoleWithWebIdentity',
      'workload-identity.satoken.dev/outcome': 'refused',
      'workload-identity.satoken.dev/error': 'InvalidIdentityToken',
      'workload-identity.satoken.dev/principal': 'arn:aws:iam::111122223333:role/r',
      'workload-identity.satoken.dev/presented-credential-id': 'JTI=jti-1',
    });
    expect(emu.requests.count({ jti: 'jti-1' })).toBe(0);
  });

  it('read their own bodies: a 4 MiB body is STS’s 413, not the API server’s', async () => {
    const res = await request(app).post('/aws/sts').type('form').send(`Action=AssumeRoleWithWebIdentity&x=${'a'.repeat(4 << 20)}`);
    expect([res.status, /<Code>(.*)<\/Code>/.exec(res.text)?.[1]]).toEqual([413, 'RequestEntityTooLarge']);
    const k8s = await request(app).post('/api/v1/namespaces/default/configmaps').set(admin).set('content-type', 'application/json').send(`{"x":"${'a'.repeat(4 << 20)}"}`);
    expect(k8s.status).toBe(413);
    expect(k8s.body.kind).toBe('Status');
  });

  it('answer 500 random requests without a 5xx, each in its cloud’s shape', async () => {
    const paths = ['/aws/sts', '/aws/sts/', `/${TENANT}/oauth2/v2.0/token`, `/${TENANT}/v2.0/.well-known/openid-configuration`, `/${TENANT}/discovery/v2.0/keys`, `/${TENANT}/oauth2/v2.0/authorize`, '/x.y/oauth2/v2.0/token'];
    const field = fc.oneof(fc.constantFrom('Action', 'Version', 'RoleArn', 'RoleSessionName', 'WebIdentityToken', 'DurationSeconds', 'grant_type', 'client_id', 'scope', 'client_assertion', 'client_assertion_type'), fc.string());
    const value = fc.oneof(fc.constantFrom('AssumeRoleWithWebIdentity', 'GetCallerIdentity', '2011-06-15', 'client_credentials', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 50 }));
    const body = fc.oneof(fc.dictionary(field, value).map((d) => new URLSearchParams(d).toString()), fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from(b)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/json', 'text/plain'), body, fc.string({ maxLength: 40 }), async (path, method, type, payload, query) => {
        const res = await request(app)[method.toLowerCase() as 'post'](`${path}?${encodeURIComponent(query)}`).set('content-type', type).send(payload);
        expect(res.status).toBeLessThan(500);
        if (path.startsWith('/aws/sts')) expect(res.text).toMatch(/^<(ErrorResponse|\w+Response) xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
        else if (res.status !== 200) expect(Object.keys(JSON.parse(res.text) as object)).toContain('error');
      }),
      { numRuns: 500, seed: 18 },
    );
  }, 60_000);
});
