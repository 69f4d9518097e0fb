import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock/index.js';
import { WebhookAuthorizer, subjectAccessReviewFor } from '../../../src/auth/authorizer/index.js';
import { nonRes, res } from './fakes.js';

interface Seen {
  method: string;
  url: string;
  contentType: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  peer?: string;
}

/** A SubjectAccessReview server on 127.0.0.1 that records requests and answers with `respond`. */
class FakeWebhook {
  seen: Seen[] = [];
  respond: (body: Record<string, unknown>) => [number, unknown] = () => [200, { status: { allowed: false } }];
  constructor(readonly server: http.Server) {
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        const socket = req.socket as TLSSocket;
        const cn = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate().subject?.CN : undefined;
        const peer = cn === undefined ? undefined : String(cn);
        this.seen.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type']!, authorization: req.headers.authorization, body, ...(peer ? { peer } : {}) });
        const [code, out] = this.respond(body);
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(typeof out === 'string' ? out : JSON.stringify(out));
      });
    });
  }
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'authz-webhook-'));
  const path = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    path,
    JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'authz', cluster }], users: [{ name: 'apiserver', user }], contexts: [{ name: 'webhook', context: { cluster: 'authz', user: 'apiserver' } }], 'current-context': 'webhook' }),
  );
  return path;
}

const alice = { username: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['a'] } };

describe('subjectAccessReviewFor', () => {
  it('renders a resource request as kube-apiserver sends it, empty fields left out', () => {
    expect(JSON.stringify(subjectAccessReviewFor(res(alice, 'create', 'serviceaccounts', { namespace: 'a', subresource: 'token', name: 'ci' })))).toBe(
      '{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"a","verb":"create","version":"v1","resource":"serviceaccounts","subresource":"token","name":"ci"},"user":"alice","groups":["dev","system:authenticated"],"extra":{"scopes":["a"]},"uid":"u-1"},"status":{"allowed":false}}',
    );
  });

  it('renders a path request with nonResourceAttributes', () => {
    expect(subjectAccessReviewFor(nonRes({ username: 'system:anonymous' }, 'get', '/healthz')).spec).toEqual({ nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'system:anonymous' });
  });
});

describe('WebhookAuthorizer over http', () => {
  const hook = new FakeWebhook(http.createServer());
  let config = '';
  beforeAll(async () => {
    const port = await hook.listen();
    config = kubeconfig({ server: `http://127.0.0.1:${port}/authorize` }, { token: 'webhook-token' });
  });
  afterAll(() => hook.close());

  it.each<[string, unknown, { decision: string; reason: string; error?: string }]>([
    ['allowed is Allow with the reason', { status: { allowed: true, reason: 'ok by policy' } }, { decision: 'Allow', reason: 'ok by policy' }],
    ['denied is Deny', { status: { allowed: false, denied: true, reason: 'blocked' } }, { decision: 'Deny', reason: 'blocked' }],
    ['neither is NoOpinion', { status: { allowed: false } }, { decision: 'NoOpinion', reason: '' }],
    ['both is Deny with an error', { status: { allowed: true, denied: true } }, { decision: 'Deny', reason: '', error: 'webhook subject access review returned both allow and deny response' }],
  ])('%s', async (_name, answer, expected) => {
    hook.respond = () => [200, answer];
    const d = await WebhookAuthorizer.fromKubeconfig(config).authorize(res(alice, 'get', 'pods', { namespace: 'a' }));
    expect({ decision: d.decision, reason: d.reason, ...(d.error ? { error: d.error.message } : {}) }).toEqual(expected);
  });

  it('POSTs JSON to the kubeconfig server path with its bearer token', async () => {
    hook.seen = [];
    hook.respond = () => [200, { status: { allowed: true } }];
    await WebhookAuthorizer.fromKubeconfig(config).authorize(nonRes(alice, 'get', '/version'));
    expect(hook.seen).toEqual([{ method: 'POST', url: '/authorize', contentType: 'application/json', authorization: 'Bearer webhook-token', body: subjectAccessReviewFor(nonRes(alice, 'get', '/version')) }]);
  });

  it('has no opinion, an empty reason and the error when the webhook fails', async () => {
    hook.respond = () => [500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'policy engine down', code: 500 }];
    const d = await WebhookAuthorizer.fromKubeconfig(config).authorize(res(alice, 'get', 'pods'));
    expect(d.decision).toBe('NoOpinion');
    expect(d.reason).toBe('');
    expect(d.error?.message).toBe('policy engine down');
  });

  it('caches allowed answers for 5 minutes and others for 30 seconds on its clock', async () => {
    const clock = new ManualClock(0);
    const authz = WebhookAuthorizer.fromKubeconfig(config, { clock });
    hook.seen = [];
    hook.respond = (b) => [200, { status: { allowed: (b.spec as { user?: string }).user === 'alice' } }];
    const bob = { username: 'bob' };
    for (const u of [alice, alice, bob, bob]) await authz.authorize(res(u, 'get', 'pods'));
    expect(hook.seen.length).toBe(2);
    await clock.advance(30_000);
    for (const u of [alice, bob]) await authz.authorize(res(u, 'get', 'pods'));
    expect(hook.seen.map((s) => (s.body.spec as { user: string }).user)).toEqual(['alice', 'bob', 'bob']);
    await clock.advance(270_000);
    await authz.authorize(res(alice, 'get', 'pods'));
    expect(hook.seen.length).toBe(4);
  });

  it('reports a refused connection as an error', async () => {
    const closed = new FakeWebhook(http.createServer());
    const port = await closed.listen();
    await closed.close();
    const d = await WebhookAuthorizer.fromKubeconfig(kubeconfig({ server: `http://127.0.0.1:${port}/` })).authorize(res(alice, 'get', 'pods'));
    expect(d.decision).toBe('NoOpinion');
    expect(d.error?.message).toMatch(/ECONNREFUSED/);
  });
});

describe('WebhookAuthorizer over https', () => {
  let hook: FakeWebhook;
  let config = '';
  beforeAll(async () => {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=authz-webhook',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3_600_000),
      keys,
      signingAlgorithm: alg,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
    });
    const certPem = cert.toString('pem');
    const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
    hook = new FakeWebhook(https.createServer({ cert: certPem, key: keyPem, ca: certPem, requestCert: true, rejectUnauthorized: true }));
    hook.respond = () => [200, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', status: { allowed: true } }];
    const port = await hook.listen();
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    config = kubeconfig({ server: `https://127.0.0.1:${port}/sar`, 'certificate-authority-data': b64(certPem) }, { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) });
  });
  afterAll(() => hook.close());

  it('verifies the server against the kubeconfig CA and presents the client certificate', async () => {
    const d = await WebhookAuthorizer.fromKubeconfig(config).authorize(res(alice, 'get', 'pods'));
    expect(d).toEqual({ decision: 'Allow', reason: '' });
    expect(hook.seen.map((s) => [s.url, s.peer])).toEqual([['/sar', 'authz-webhook']]);
  });

  it('refuses a server its CA does not vouch for', async () => {
    const port = (hook.server.address() as AddressInfo).port;
    const d = await WebhookAuthorizer.fromKubeconfig(kubeconfig({ server: `https://127.0.0.1:${port}/sar` })).authorize(res(alice, 'get', 'pods'));
    expect(d.decision).toBe('NoOpinion');
    expect(d.error?.message).toMatch(/self[- ]signed certificate/);
  });
});
