import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Policy } from '../../src/audit/types.js';
import { controlPlaneOf, type Emulator } from '../../src/emulator.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { admin, appFixture, jane } from '../helpers/app.js';
import { payloadOf } from '../helpers/emulator.js';

const POLICY: Policy = {
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'RequestResponse', resources: [{ group: '', resources: ['serviceaccounts/token'] }, { group: 'authentication.k8s.io', resources: ['tokenreviews'] }] },
    { level: 'Metadata' },
  ],
};

let emu: Emulator;
let app: import('express').Express;
const dir = mkdtempSync(join(tmpdir(), 'http-audit-'));
const logPath = join(dir, 'audit.log');
const issued: string[] = [];

beforeAll(async () => {
  ({ emu, app } = await appFixture({ audit: { policy: POLICY, log: { path: logPath } } }));
});
afterAll(() => emu.close());

const logLines = async (): Promise<AuditEvent[]> => {
  await new Promise((r) => setImmediate(r));
  return readFileSync(logPath, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEvent);
};

describe('audit through the HTTP pipeline', () => {
  it('every response carries Audit-Id: the client\'s Audit-ID, else a new UUID, also on a 401', async () => {
    const a = await request(app).get('/api/v1/namespaces/default/pods').set(admin).set('Audit-ID', 'client-chosen-id');
    expect(a.headers['audit-id']).toBe('client-chosen-id');
    const b = await request(app).get('/api/v1/namespaces/default/pods').set({ Authorization: 'Bearer nope' });
    expect(b.status).toBe(401);
    expect(b.headers['audit-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(emu.requests.last({ auditID: 'client-chosen-id' })!.responseStatus).toEqual({ metadata: {}, code: 200 });
  });

  it('a TokenRequest is recorded with the issued credential id, its token redacted; its use is joined by credential id', async () => {
    const tr = await request(app).post('/api/v1/namespaces/default/serviceaccounts/build-robot/token').set(admin).set('User-Agent', 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0').send({ spec: {} });
    expect(tr.status).toBe(201);
    const token = tr.body.status.token as string;
    issued.push(token);
    const jti = payloadOf(token).jti as string;
    const use = await request(app).get('/api/v1/namespaces/default/pods').set({ Authorization: `Bearer ${token}` });
    expect(use.status).toBe(403);
    const lineage = emu.tokenLineage(jti);
    expect(lineage.issued).toMatchObject({ user: { username: 'kubernetes-admin' }, serviceAccount: { namespace: 'default', name: 'build-robot' }, audiences: ['https://kubernetes.default.svc.cluster.local'], code: 201 });
    expect(lineage.issued!.event.annotations).toMatchObject({ 'authentication.kubernetes.io/issued-credential-id': `JTI=${jti}`, 'authorization.k8s.io/decision': 'allow' });
    expect(lineage.uses.map((u) => [u.verb, u.objectRef?.resource, u.code, u.decision])).toEqual([['list', 'pods', 403, 'forbid']]);
    const forbidden = lineage.uses[0]!.event;
    expect(forbidden.user.extra?.['authentication.kubernetes.io/credential-id']).toEqual([`JTI=${jti}`]);
    expect(forbidden.responseStatus).toMatchObject({ status: 'Failure', reason: 'Forbidden', code: 403, message: expect.stringContaining('cannot list resource "pods"') });
    expect(forbidden.annotations!['authorization.k8s.io/reason']).toBe('');
  });

  it('the log holds the same events in kube-apiserver\'s shape, and no token', async () => {
    const review = await request(app).post('/apis/authentication.k8s.io/v1/tokenreviews').set(admin).send({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: issued[0] } });
    expect(review.body.status.authenticated).toBe(true);
    const lines = await logLines();
    const text = readFileSync(logPath, 'utf8');
    for (const t of issued) {
      expect(text).not.toContain(t);
      expect(text).not.toContain(t.split('.')[2]);
    }
    const reviewEvent = lines.find((l) => l.objectRef?.resource === 'tokenreviews')!;
    expect((reviewEvent.requestObject as { spec: { token: string } }).spec.token).toBe('<redacted>');
    expect((reviewEvent.responseObject as { spec: { token: string }; status: { authenticated: boolean } }).spec.token).toBe('<redacted>');
    const tokenEvent = lines.find((l) => l.objectRef?.subresource === 'token')!;
    expect(Object.keys(tokenEvent)).toEqual(['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations']);
    expect(tokenEvent.stageTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(tokenEvent.sourceIPs).toEqual(['127.0.0.1']);
    expect(tokenEvent.userAgent).toBe('kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0');
    expect(text).toContain('\\u003credacted\\u003e');
  });

  it('a 401 is one ResponseStarted event with no user', async () => {
    await request(app).get('/api/v1/namespaces/default/secrets').set({ Authorization: 'Bearer not-a-token' }).set('Audit-ID', 'failed-authn');
    const ev = emu.requests.last({ auditID: 'failed-authn' })!;
    expect(ev.stage).toBe('ResponseStarted');
    expect(ev.user).toEqual({});
    expect(ev.responseStatus).toEqual({ metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await logLines()).filter((l) => l.auditID === 'failed-authn').map((l) => l.stage)).toEqual(['ResponseStarted']);
  });

  it('impersonation: the user is who authenticated, impersonatedUser who the request acts as', async () => {
    await request(app).get('/api/v1/namespaces/default/configmaps').set(admin).set('Impersonate-User', 'system:serviceaccount:default:build-robot').set('Audit-ID', 'imp');
    const ev = emu.requests.last({ auditID: 'imp' })!;
    expect(ev.user.username).toBe('kubernetes-admin');
    expect(ev.impersonatedUser).toEqual({ username: 'system:serviceaccount:default:build-robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
    expect(emu.requests.count({ serviceAccount: 'default/build-robot', auditID: 'imp' })).toBe(1);
  });

  it('a forbidden impersonation is recorded with its 403', async () => {
    await request(app).get('/api/v1/namespaces/default/pods').set(jane).set('Impersonate-User', 'kubernetes-admin').set('Audit-ID', 'imp-denied');
    const ev = emu.requests.last({ auditID: 'imp-denied' })!;
    expect([ev.user.username, ev.responseStatus?.code, ev.responseStatus?.reason]).toEqual(['jane', 403, 'Forbidden']);
  });

  it('a create records the name from the body in the object reference', async () => {
    const res = await request(app).post('/api/v1/namespaces/default/configmaps').set(admin).set('Audit-ID', 'cm').send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audited' }, data: { a: 'b' } });
    expect(res.status).toBe(201);
    expect(emu.requests.last({ auditID: 'cm' })!.objectRef).toEqual({ resource: 'configmaps', namespace: 'default', name: 'audited', apiVersion: 'v1' });
  });

  it('non-resource requests are recorded by path', async () => {
    await request(app).get('/healthz').set(admin).set('Audit-ID', 'hz');
    const ev = emu.requests.last({ auditID: 'hz' })!;
    expect([ev.verb, ev.requestURI, ev.objectRef]).toEqual(['get', '/healthz', undefined]);
    expect(emu.requests.count({ resource: '/healthz' })).toBeGreaterThanOrEqual(1);
  });

  it('the public OIDC paths are recorded as the anonymous user', async () => {
    await request(app).get('/openid/v1/jwks').set('Audit-ID', 'jwks');
    expect(emu.requests.last({ auditID: 'jwks' })!.user.username).toBe('system:anonymous');
  });

  it('GET /debug/audit/events: the recorder for admins, a 403 for others, a 400 for a bad filter', async () => {
    const ok = await request(app).get('/debug/audit/events').query({ auditID: 'cm' }).set(admin);
    expect(ok.status).toBe(200);
    expect(ok.body.kind).toBe('EventList');
    expect(ok.body.items.map((e: AuditEvent) => e.auditID)).toEqual(['cm']);
    const denied = await request(app).get('/debug/audit/events').set(jane);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('forbidden: User "jane" cannot get path "/debug/audit/events"');
    const bad = await request(app).get('/debug/audit/events').query({ code: 'lots' }).set(admin);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('request filter "code" must be a status code (403), a class (4xx) or a range (400-499), got "lots"');
  });
});

describe('in-process requests are recorded with their own identity', () => {
  it('the kubelet\'s TokenRequests as system:node:<name>, the controllers\' writes as theirs', async () => {
    emu.requests.clear();
    await emu.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: mkdtempSync(join(tmpdir(), 'kubelet-')) });
    try {
      const rotations = emu.requests.list({ user: 'system:node:node-1', resource: 'serviceaccounts/token' });
      expect(rotations.length).toBeGreaterThan(0);
      const first = rotations[0]!;
      expect(first.annotations?.['authentication.kubernetes.io/issued-credential-id']).toMatch(/^JTI=/);
      expect(first.userAgent).toMatch(/^kubelet\/v1\.\d+\.\d+ /);
      expect(first.objectRef).toEqual({ resource: 'serviceaccounts', namespace: 'default', name: 'build-robot', apiVersion: 'v1', subresource: 'token' });
      const jti = first.annotations!['authentication.kubernetes.io/issued-credential-id']!.slice(4);
      expect(emu.tokenLineage(jti).issued?.boundObjectRef).toMatchObject({ kind: 'Pod', name: 'web-0' });
      expect(emu.requests.first({ user: 'system:serviceaccount:kube-system:service-account-controller', namespace: 'team-a' })).toMatchObject({ verb: 'create', objectRef: { resource: 'serviceaccounts', name: 'default' }, responseStatus: { code: 201 } });
      expect(emu.requests.first({ user: 'system:serviceaccount:kube-system:root-ca-cert-publisher', namespace: 'team-a' })).toMatchObject({ verb: 'create', objectRef: { resource: 'configmaps', name: 'kube-root-ca.crt' } });
    } finally {
      kubelet.stop();
    }
    expect(kubelet).toBeInstanceOf(Kubelet);
  });

  it('library TokenRequests as system:apiserver', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { audiences: ['lib'] });
    const jti = payloadOf(tr.status.token).jti as string;
    expect(emu.tokenLineage(jti).issued).toMatchObject({ user: { username: 'system:apiserver' }, audiences: ['lib'] });
  });

  it('with the recorder off nothing is kept, and requests says so', async () => {
    const { emu: quiet } = await appFixture({ audit: { recorder: false } });
    try {
      expect(() => quiet.requests).toThrow('the request recorder is off');
      expect(controlPlaneOf(quiet).audit.auditor.enabled).toBe(false);
    } finally {
      await quiet.close();
    }
  });
});

describe('the stale-token annotation (pkg/serviceaccount/claims.go: a bound token used after its warnafter)', () => {
  it('is on the event of a request made with the stale token and on the TokenReview of it; not before warnafter', async () => {
    const { emu: e, app: a } = await appFixture();
    try {
      // 3607 s, pod-bound, API audience: extended to a year with warnafter = now + 3607 s
      const tr = await e.requestToken('default', 'build-robot', { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'web-0' } });
      const token = tr.status.token;
      const jti = payloadOf(token).jti as string;
      await request(a).get('/api/v1/namespaces/default/pods').set({ Authorization: `Bearer ${token}` });
      expect(e.requests.last({ credentialId: `JTI=${jti}` })!.annotations?.['authentication.k8s.io/stale-token']).toBeUndefined();
      await e.clock.advance(3700 * 1000);
      for (let i = 0; i < 2; i++) {
        // the first use verifies, the second is a review-cache hit: both annotate
        await request(a).get('/api/v1/namespaces/default/pods').set({ Authorization: `Bearer ${token}` });
        const seconds = Math.floor(e.clock.now() / 1000) - (payloadOf(token)['kubernetes.io'] as { warnafter: number }).warnafter;
        expect(e.requests.last({ credentialId: `JTI=${jti}` })!.annotations).toMatchObject({ 'authentication.k8s.io/stale-token': `subject: system:serviceaccount:default:build-robot, seconds after warning threshold: ${seconds}` });
      }
      const review = await request(a).post('/apis/authentication.k8s.io/v1/tokenreviews').set(admin).send({ spec: { token } });
      expect(review.body.status.authenticated).toBe(true);
      expect(e.requests.last({ auditID: review.headers['audit-id'] })!.annotations).toMatchObject({ 'authentication.k8s.io/stale-token': expect.stringMatching(/^subject: system:serviceaccount:default:build-robot, seconds after warning threshold: \d+$/) });
    } finally {
      await e.close();
    }
  });
});
