import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, RealClock } from '../../src/clock/index.js';
import type { Emulator } from '../../src/emulator.js';
import { createCertificateAuthority, issueCertificate, issueClientCertificate, type CertificateAndKey } from '../../src/keys/index.js';
import { admin, appFixture } from '../helpers/app.js';

const clock = new RealClock();
const WHOAMI = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const whoamiBody = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };

let emu: Emulator;
let server: Server;
let ca: CertificateAndKey;
let michelle: CertificateAndKey;

/** An https server over the app, trusting `ca` for client certificates, as `satoken serve` runs it. */
async function httpsServer(app: Parameters<typeof createServer>[1], trusted: CertificateAndKey): Promise<Server> {
  const serving = await issueCertificate({ caCert: trusted.cert, caKey: trusted.key, subject: [{ CN: ['kube-apiserver'] }], usage: 'serverAuth', ipAddresses: ['127.0.0.1'], clock, days: 1 });
  return createServer({ key: serving.key, cert: serving.cert, ca: trusted.cert, requestCert: true, rejectUnauthorized: false }, app);
}

beforeAll(async () => {
  const fx = await appFixture();
  emu = fx.emu;
  ca = await createCertificateAuthority({ clock });
  michelle = await issueClientCertificate({ caCert: ca.cert, caKey: ca.key, user: 'michelle', groups: ['devs', 'qa'], clock, days: 1 });
  server = await httpsServer(fx.app, ca);
});
afterAll(async () => {
  server.close();
  await emu.close();
});

const tls = (r: request.Test, who: CertificateAndKey | undefined) => {
  r.ca(ca.cert);
  if (who) r.cert(who.cert).key(who.key);
  return r;
};

describe('X.509 client certificates', () => {
  it('authenticate the subject CN as the user and each O as a group, with the certificate as credential id (KEP-4193)', async () => {
    const res = await tls(request(server).post(WHOAMI), michelle).send(whoamiBody);
    expect(res.status).toBe(201);
    const fingerprint = createHash('sha256').update(new X509Certificate(michelle.cert).raw).digest('hex');
    expect(res.body).toEqual({
      kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null },
      status: { userInfo: { username: 'michelle', groups: ['devs', 'qa', 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': [`X509SHA256=${fingerprint}`] } } },
    });
  });

  it('are authorized as that user: forbidden until RBAC grants, with Kubernetes\' message', async () => {
    const denied = await tls(request(server).get('/api/v1/namespaces/default/pods'), michelle);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'pods is forbidden: User "michelle" cannot list resource "pods" in API group "" in the namespace "default"',
      reason: 'Forbidden', details: { kind: 'pods' }, code: 403,
    });
    await request(server).post('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings').ca(ca.cert).set(admin)
      .send({ metadata: { name: 'devs-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }] })
      .expect(201);
    const allowed = await tls(request(server).get('/api/v1/namespaces/default/pods'), michelle);
    expect(allowed.status).toBe(200);
    expect(allowed.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web-0']);
  });

  it('win over a bearer token sent with them (x509 comes first in the chain)', async () => {
    const res = await tls(request(server).post(WHOAMI), michelle).set(admin).send(whoamiBody);
    expect(res.body.status.userInfo.username).toBe('michelle');
  });

  it('signed by another CA are a 401 when nothing else authenticates the request, even with anonymous allowed', async () => {
    const other = await createCertificateAuthority({ clock });
    const stranger = await issueClientCertificate({ caCert: other.cert, caKey: other.key, user: 'mallory', groups: ['system:masters'], clock, days: 1 });
    const res = await tls(request(server).post(WHOAMI), stranger).send(whoamiBody);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    const withToken = await tls(request(server).post(WHOAMI), stranger).set(admin).send(whoamiBody);
    expect(withToken.status).toBe(201);
    expect(withToken.body.status.userInfo.username).toBe('kubernetes-admin');
  });

  it('that have expired are a 401', async () => {
    const past = new ManualClock(Date.parse('2020-01-01T00:00:00Z'));
    const old = await issueClientCertificate({ caCert: ca.cert, caKey: ca.key, user: 'michelle', groups: ['devs'], clock: past, days: 1 });
    const res = await tls(request(server).post(WHOAMI), old).send(whoamiBody);
    expect(res.status).toBe(401);
  });

  it('without the clientAuth extended key usage are a 401, as Go verifies them for ExtKeyUsageClientAuth', async () => {
    const serverOnly = await issueCertificate({ caCert: ca.cert, caKey: ca.key, subject: [{ O: ['system:masters'] }, { CN: ['mallory'] }], usage: 'serverAuth', clock, days: 1 });
    const res = await tls(request(server).post(WHOAMI), serverOnly).send(whoamiBody);
    expect(res.status).toBe(401);
    const withToken = await tls(request(server).post(WHOAMI), serverOnly).set(admin).send(whoamiBody);
    expect(withToken.body.status.userInfo.username).toBe('kubernetes-admin');
  });

  it('are optional: without one the bearer token decides', async () => {
    const res = await tls(request(server).post(WHOAMI), undefined).set(admin).send(whoamiBody);
    expect(res.body.status.userInfo).toEqual({ username: 'kubernetes-admin', uid: 'admin', groups: ['system:masters', 'system:authenticated'] });
  });
});

describe('anonymous requests', () => {
  it('run as system:anonymous when --anonymous-auth is true (the default): public info only', async () => {
    const who = await tls(request(server).post(WHOAMI), undefined).send(whoamiBody);
    expect(who.status).toBe(403);
    expect(who.body.message).toBe('selfsubjectreviews.authentication.k8s.io is forbidden: User "system:anonymous" cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope');
    const version = await tls(request(server).get('/version'), undefined);
    expect(version.status).toBe(200);
    const pods = await tls(request(server).get('/api/v1/namespaces/default/pods'), undefined);
    expect(pods.status).toBe(403);
    expect(pods.body.message).toBe('pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  it('are a 401 when --anonymous-auth is false, except the public issuer discovery', async () => {
    const fx = await appFixture({ anonymousAuth: false });
    try {
      for (const path of ['/version', '/healthz', '/api/v1/namespaces/default/pods']) {
        const res = await request(fx.app).get(path);
        expect([path, res.status, res.body.message]).toEqual([path, 401, 'Unauthorized']);
      }
      expect((await request(fx.app).get('/openid/v1/jwks')).status).toBe(200);
      expect((await request(fx.app).get('/version').set(admin)).status).toBe(200);
    } finally {
      await fx.emu.close();
    }
  });

  it('are never what an invalid bearer token falls back to', async () => {
    const res = await tls(request(server).get('/version'), undefined).set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
  });
});
