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
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type Clock, type TimerHandle } from '../../../src/clock/index.js';
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
  /** `[status, body]` (an object is sent as JSON) or `[status, body, headers]`; a Buffer body is sent as is. */
  respond: (body: Record<string, unknown>) => [number, unknown, Record<string, string>?] = () => [200, { status: { allowed: false } }];
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
        const [code, out, headers] = this.respond(body);
        res.writeHead(code, headers ?? { 'Content-Type': 'application/json' });
        res.end(typeof out === 'string' || Buffer.isBuffer(out) ? out : JSON.stringify(out));
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

/** A clock for retry tests: records the waits it is asked for and fires them at once; the 30 s request timeout never fires. */
class WaitRecorder implements Clock {
  waits: number[] = [];
  now(): number {
    return 0;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    if (ms < 30_000) {
      this.waits.push(ms);
      setImmediate(fn);
    }
    return { id: 0 };
  }
  clearTimeout(): void {}
  setInterval(): TimerHandle {
    return { id: 0 };
  }
  clearInterval(): void {}
}

describe('subjectAccessReviewFor', () => {
  it('renders a resource request as kube-apiserver sends it to a v1 webhook, empty fields left out', () => {
    expect(JSON.stringify(subjectAccessReviewFor(res(alice, 'create', 'serviceaccounts', { namespace: 'a', subresource: 'token', name: 'ci' }), 'v1'))).toBe(
      '{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"a","verb":"create","version":"v1","resource":"serviceaccounts","subresource":"token","name":"ci"},"user":"alice","groups":["dev","system:authenticated"],"extra":{"scopes":["a"]},"uid":"u-1"},"status":{"allowed":false}}',
    );
  });

  it('speaks v1beta1 by default (--authorization-webhook-version), where the groups are called "group"', () => {
    expect(JSON.stringify(subjectAccessReviewFor(res(alice, 'get', 'pods', { namespace: 'a' })))).toBe(
      '{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1beta1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"a","verb":"get","version":"v1","resource":"pods"},"user":"alice","group":["dev","system:authenticated"],"extra":{"scopes":["a"]},"uid":"u-1"},"status":{"allowed":false}}',
    );
  });

  it('renders a path request with nonResourceAttributes', () => {
    expect(subjectAccessReviewFor(nonRes({ username: 'system:anonymous' }, 'get', '/healthz')).spec).toEqual({ nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'system:anonymous' });
  });

  it('writes extra in key order, as Go marshals a map', () => {
    const spec = subjectAccessReviewFor(res({ username: 'u', extra: { zeta: ['1'], alpha: ['2'], Mid: ['3'] } }, 'get', 'pods')).spec as { extra: Record<string, string[]> };
    expect(Object.keys(spec.extra)).toEqual(['Mid', 'alpha', 'zeta']);
  });

  it('sends a list field selector as requirements, terms sorted as fields.ParseSelector sorts them', () => {
    const a = res(alice, 'list', 'pods', { fieldSelector: [{ field: 'status.phase', operator: '!=', value: 'Failed' }, { field: 'spec.nodeName', operator: '=', value: 'n1' }] });
    expect((subjectAccessReviewFor(a, 'v1').spec as { resourceAttributes: unknown }).resourceAttributes).toEqual({
      verb: 'list',
      version: 'v1',
      resource: 'pods',
      fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }, { key: 'status.phase', operator: 'NotIn', values: ['Failed'] }] },
    });
  });
});

describe('WebhookAuthorizer over http', () => {
  const hook = new FakeWebhook(http.createServer());
  let port = 0;
  let config = '';
  beforeAll(async () => {
    port = await hook.listen();
    config = kubeconfig({ server: `http://127.0.0.1:${port}/authorize` }, { token: 'webhook-token' });
  });
  afterAll(() => hook.close());

  it.each<[string, unknown, { decision: string; reason: string; error?: string }]>([
    ['allowed is Allow with the reason', { status: { allowed: true, reason: 'ok by policy' } }, { decision: 'Allow', reason: 'ok by policy' }],
    ['denied is Deny', { status: { allowed: false, denied: true, reason: 'blocked' } }, { decision: 'Deny', reason: 'blocked' }],
    ['neither is NoOpinion', { status: { allowed: false } }, { decision: 'NoOpinion', reason: '' }],
    ['both is Deny with an error', { status: { allowed: true, denied: true } }, { decision: 'Deny', reason: '', error: 'webhook subject access review returned both allow and deny response' }],
    ['an answer in the version asked is read', { apiVersion: 'authorization.k8s.io/v1beta1', kind: 'SubjectAccessReview', status: { allowed: true } }, { decision: 'Allow', reason: '' }],
    [
      'an answer in another version fails (the client has no conversion between them)',
      { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', status: { allowed: true } },
      { decision: 'NoOpinion', reason: '', error: 'converting (v1.SubjectAccessReview) to (v1beta1.SubjectAccessReview): unknown conversion' },
    ],
    ['a field of the wrong type fails as Go decodes it', { status: { allowed: 'true' } }, { decision: 'NoOpinion', reason: '', error: 'json: cannot unmarshal string into Go struct field SubjectAccessReviewStatus.status.allowed of type bool' }],
    ['a status that is not an object fails', { status: [] }, { decision: 'NoOpinion', reason: '', error: 'json: cannot unmarshal array into Go struct field SubjectAccessReview.status of type v1beta1.SubjectAccessReviewStatus' }],
    ['a Status in a 200 fails to convert', { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'nope' }, { decision: 'NoOpinion', reason: '', error: 'converting (v1.Status) to (v1beta1.SubjectAccessReview): unknown conversion' }],
  ])('%s', async (_name, answer, expected) => {
    hook.respond = () => [200, answer];
    const d = await WebhookAuthorizer.fromKubeconfig(config).authorize(res(alice, 'get', 'pods', { namespace: 'a' }));
    expect({ decision: d.decision, reason: d.reason, ...(d.error ? { error: d.error.message } : {}) }).toEqual(expected);
  });

  it('POSTs a v1beta1 review as JSON to the kubeconfig server path with its bearer token', async () => {
    hook.seen = [];
    hook.respond = () => [200, { status: { allowed: true } }];
    await WebhookAuthorizer.fromKubeconfig(config).authorize(nonRes(alice, 'get', '/version'));
    expect(hook.seen).toEqual([{ method: 'POST', url: '/authorize', contentType: 'application/json', authorization: 'Bearer webhook-token', body: subjectAccessReviewFor(nonRes(alice, 'get', '/version')) }]);
    expect(hook.seen[0]!.body.apiVersion).toBe('authorization.k8s.io/v1beta1');
  });

  it('POSTs a v1 review when configured for v1', async () => {
    hook.seen = [];
    hook.respond = () => [200, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', status: { allowed: true } }];
    const d = await WebhookAuthorizer.fromKubeconfig(config, { version: 'v1' }).authorize(res(alice, 'get', 'pods'));
    expect(d).toEqual({ decision: 'Allow', reason: '' });
    expect(hook.seen[0]!.body).toEqual(subjectAccessReviewFor(res(alice, 'get', 'pods'), 'v1'));
  });

  it('refuses a version other than v1 and v1beta1', () => {
    expect(() => WebhookAuthorizer.fromKubeconfig(config, { version: 'v2' as 'v1' })).toThrow('unsupported webhook authorizer version "v2", supported versions are "v1", "v1beta1"');
  });

  it('cleans the server path and drops its query, as the REST client builds the URL; a bare host:port gets http', async () => {
    hook.seen = [];
    hook.respond = () => [200, { status: { allowed: true } }];
    await WebhookAuthorizer.fromKubeconfig(kubeconfig({ server: `http://127.0.0.1:${port}//authz/./v1/?x=1` })).authorize(res(alice, 'get', 'pods'));
    await WebhookAuthorizer.fromKubeconfig(kubeconfig({ server: `127.0.0.1:${port}` })).authorize(res(alice, 'get', 'pods'));
    expect(hook.seen.map((s) => s.url)).toEqual(['/authz/v1', '/']);
    expect(() => WebhookAuthorizer.fromKubeconfig(kubeconfig({ server: `127.0.0.1:${port}/authorize` }))).toThrow(`host must be a URL or a host:port pair: "127.0.0.1:${port}/authorize"`);
  });

  it('reports an unknown scheme as the Go HTTP client does', async () => {
    const d = await WebhookAuthorizer.fromKubeconfig(kubeconfig({ server: 'ftp://127.0.0.1/authorize' })).authorize(res(alice, 'get', 'pods'));
    expect(d.error?.message).toBe('Post "ftp://127.0.0.1/authorize": unsupported protocol scheme "ftp"');
  });

  it.each<[string, [number, unknown, Record<string, string>?], string]>([
    ['a 500 with a Status uses its message', [500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'policy engine down', code: 500 }], 'policy engine down'],
    ['a Status that is not a Failure is not used', [500, { kind: 'Status', apiVersion: 'v1', status: 'Success', message: 'fine' }], 'an error on the server ("unknown") has prevented the request from succeeding'],
    ['a 500 with JSON that is not a Status', [500, { error: 'x' }], 'an error on the server ("unknown") has prevented the request from succeeding'],
    ['a 502 with a text body, quoted as Go quotes', [502, 'bad "gateway"\n', { 'Content-Type': 'text/plain' }], 'an error on the server ("bad \\"gateway\\"") has prevented the request from succeeding'],
    ['a 500 without a content type counts as text', [500, 'boom', {}], 'an error on the server ("boom") has prevented the request from succeeding'],
    ['a 404', [404, { error: 'x' }], 'the server could not find the requested resource'],
    ['a 401', [401, 'no', { 'Content-Type': 'text/plain' }], 'the server has asked for the client to provide credentials'],
    ['a 403 keeps the body', [403, 'go away', { 'Content-Type': 'text/plain' }], 'go away'],
    ['a 503', [503, 'later', { 'Content-Type': 'text/plain' }], 'the server is currently unable to handle the request'],
    ['a 418', [418, 'teapot', { 'Content-Type': 'text/plain' }], 'the server responded with the status code 418 but did not return more information'],
    ['a 200 that is not JSON', [200, '{"status":', { 'Content-Type': 'application/json' }], "couldn't get version/kind; json parse error: unexpected end of JSON input"],
    ['an empty 200', [200, '', { 'Content-Type': 'application/json' }], '0-length response with status code: 200 and content type: application/json'],
    ['a 207 is not a success', [207, { status: { allowed: true } }], 'the server responded with the status code 207 but did not return more information'],
  ])('fails in client-go\'s words: %s', async (_name, answer, message) => {
    hook.respond = () => answer;
    const d = await WebhookAuthorizer.fromKubeconfig(config).authorize(res(alice, 'get', 'pods'));
    expect(d).toEqual({ decision: 'NoOpinion', reason: '', error: expect.any(Error) });
    expect(d.error!.message).toBe(message);
  });

  it('reads a gzip-encoded answer', async () => {
    hook.respond = () => [200, gzipSync(JSON.stringify({ status: { allowed: true, reason: 'zipped' } })), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }];
    expect(await WebhookAuthorizer.fromKubeconfig(config).authorize(res(alice, 'get', 'pods'))).toEqual({ decision: 'Allow', reason: 'zipped' });
  });

  it('reports an answer it cannot read as client-go does', async () => {
    hook.respond = () => [200, 'not gzip', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }];
    const d = await WebhookAuthorizer.fromKubeconfig(config).authorize(res(alice, 'get', 'pods'));
    expect(d.error?.message).toBe('unexpected error when reading response body. Please retry. Original error: gzip: invalid header');
  });

  it('gives up on a webhook that does not answer within 30 s of its clock', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/authorize`;
    try {
      const clock = new ManualClock(0);
      const pending = WebhookAuthorizer.fromKubeconfig(kubeconfig({ server: at }), { clock }).authorize(res(alice, 'get', 'pods'));
      while (clock.pending() === 0) await new Promise((r) => setTimeout(r, 5));
      await clock.advance(29_999);
      let settled = false;
      void pending.then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(settled).toBe(false);
      await clock.advance(1);
      const d = await pending;
      expect(d).toEqual({ decision: 'NoOpinion', reason: '', error: expect.any(Error) });
      expect(d.error!.message).toBe(`Post "${at}": context deadline exceeded`);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('retries a 500 on its clock: 5 attempts, waits of 500 ms growing ×1.5 plus up to 20 % jitter, then the last error', async () => {
    hook.seen = [];
    hook.respond = () => [500, 'boom', { 'Content-Type': 'text/plain' }];
    const clock = new WaitRecorder();
    const d = await WebhookAuthorizer.fromKubeconfig(config, { clock, random: () => 1 }).authorize(res(alice, 'get', 'pods'));
    expect(hook.seen.length).toBe(5);
    expect(clock.waits).toEqual([600, 900, 1350, 2025]);
    expect(d.error?.message).toBe('an error on the server ("boom") has prevented the request from succeeding');
  });

  it('succeeds when a retry does', async () => {
    let n = 0;
    hook.respond = () => (++n < 3 ? [504, 'slow', { 'Content-Type': 'text/plain' }] : [200, { status: { allowed: true } }]);
    const clock = new WaitRecorder();
    expect(await WebhookAuthorizer.fromKubeconfig(config, { clock, random: () => 0 }).authorize(res(alice, 'get', 'pods'))).toEqual({ decision: 'Allow', reason: '' });
    expect(clock.waits).toEqual([500, 750]);
  });

  it.each<[string, [number, unknown, Record<string, string>?], number]>([
    ['a 429 is retried', [429, 'slow down', { 'Content-Type': 'text/plain' }], 5],
    ['a Status with reason InternalError is retried', [400, { kind: 'Status', status: 'Failure', reason: 'InternalError', message: 'x', code: 400 }], 5],
    ['a 400 is not', [400, 'bad', { 'Content-Type': 'text/plain' }], 1],
    ['a 503 is not', [503, 'down', { 'Content-Type': 'text/plain' }], 1],
    ['a 501 is (reason InternalError)', [501, 'no', { 'Content-Type': 'text/plain' }], 5],
  ])('%s', async (_name, answer, calls) => {
    hook.seen = [];
    hook.respond = () => answer;
    await WebhookAuthorizer.fromKubeconfig(config, { clock: new WaitRecorder() }).authorize(res(alice, 'get', 'pods'));
    expect(hook.seen.length).toBe(calls);
  });

  it('waits out a Retry-After before the REST client asks again', async () => {
    let n = 0;
    hook.respond = () => (++n === 1 ? [503, 'later', { 'Content-Type': 'text/plain', 'Retry-After': '2' }] : [200, { status: { allowed: true } }]);
    const clock = new WaitRecorder();
    expect(await WebhookAuthorizer.fromKubeconfig(config, { clock }).authorize(res(alice, 'get', 'pods'))).toEqual({ decision: 'Allow', reason: '' });
    expect(clock.waits).toEqual([2000]);
  });

  it('caches allowed answers for 5 minutes and others for 30 seconds on its clock, both up to and including the last instant', async () => {
    const clock = new ManualClock(0);
    const authz = WebhookAuthorizer.fromKubeconfig(config, { clock });
    hook.seen = [];
    hook.respond = (b) => [200, { status: { allowed: (b.spec as { user?: string }).user === 'alice' } }];
    const bob = { username: 'bob' };
    for (const u of [alice, alice, bob, bob]) await authz.authorize(res(u, 'get', 'pods'));
    expect(hook.seen.length).toBe(2);
    await clock.advance(30_000);
    for (const u of [alice, bob]) await authz.authorize(res(u, 'get', 'pods'));
    expect(hook.seen.length).toBe(2);
    await clock.advance(1);
    for (const u of [alice, bob]) await authz.authorize(res(u, 'get', 'pods'));
    expect(hook.seen.map((s) => (s.body.spec as { user: string }).user)).toEqual(['alice', 'bob', 'bob']);
    await clock.advance(269_999);
    await authz.authorize(res(alice, 'get', 'pods'));
    expect(hook.seen.length).toBe(3);
    await clock.advance(1);
    await authz.authorize(res(alice, 'get', 'pods'));
    expect(hook.seen.length).toBe(4);
  });

  it('does not cache requests whose attributes add up to 10000 bytes or more', async () => {
    const clock = new ManualClock(0);
    const authz = WebhookAuthorizer.fromKubeconfig(config, { clock });
    hook.seen = [];
    hook.respond = () => [200, { status: { allowed: true } }];
    // get + v1 + pods = 9 bytes
    const big = res(alice, 'get', 'pods', { name: 'n'.repeat(9_991) });
    for (let i = 0; i < 2; i++) await authz.authorize(big);
    expect(hook.seen.length).toBe(2);
    const under = res(alice, 'get', 'pods', { name: 'n'.repeat(9_990) });
    for (let i = 0; i < 2; i++) await authz.authorize(under);
    expect(hook.seen.length).toBe(3);
  });

  it('keeps the 8192 most recently used answers', async () => {
    const clock = new ManualClock(0);
    const authz = WebhookAuthorizer.fromKubeconfig(config, { clock });
    hook.respond = () => [200, { status: { allowed: true } }];
    const req = (i: number) => res(alice, 'get', 'pods', { name: `p${i}` });
    for (let i = 0; i < 8192; i++) await authz.authorize(req(i));
    await authz.authorize(req(0));
    hook.seen = [];
    await authz.authorize(req(8192));
    await authz.authorize(req(0));
    expect(hook.seen.length).toBe(1);
    await authz.authorize(req(1));
    expect(hook.seen.map((s) => ((s.body.spec as { resourceAttributes: { name: string } }).resourceAttributes.name))).toEqual(['p8192', 'p1']);
  }, 60_000);

  it('lists no rules and says why, as a rule resolver', async () => {
    expect(await WebhookAuthorizer.fromKubeconfig(config).rulesFor(alice, 'a')).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'webhook authorizer does not support user rule resolution' });
  });

  it('reports a refused connection as Go does', async () => {
    const closed = new FakeWebhook(http.createServer());
    const gone = await closed.listen();
    await closed.close();
    const d = await WebhookAuthorizer.fromKubeconfig(kubeconfig({ server: `http://127.0.0.1:${gone}/` })).authorize(res(alice, 'get', 'pods'));
    expect(d.decision).toBe('NoOpinion');
    expect(d.error?.message).toBe(`Post "http://127.0.0.1:${gone}/": dial tcp 127.0.0.1:${gone}: connect: connection refused`);
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
    hook.respond = () => [200, { apiVersion: 'authorization.k8s.io/v1beta1', kind: 'SubjectAccessReview', status: { allowed: true } }];
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
    expect(d.error?.message).toBe(`Post "https://127.0.0.1:${port}/sar": tls: failed to verify certificate: x509: certificate signed by unknown authority`);
  });
});
