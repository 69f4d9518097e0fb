import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, RealClock } from '../../src/clock/index.js';
import { certificateSubject, createCertificateAuthority, ensureServingCertificates, issueClientCertificate, readCertificate } from '../../src/keys/index.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'satoken-tls-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sans = (pem: string): string[] =>
  (readCertificate(pem).getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? []).map((n) => `${n.type}:${n.value}`);
const eku = (pem: string): string[] => (readCertificate(pem).getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? []).map(String);
const mode = (name: string): number => statSync(join(dir, name)).mode & 0o777;

describe('ensureServingCertificates', () => {
  it('creates the CA and the serving certificate with kubeadm names, subjects, SANs and modes', async () => {
    const tls = await ensureServingCertificates(dir, { clock: new ManualClock(T0) });
    const ca = readCertificate(tls.caCert);
    const serving = readCertificate(tls.cert);
    expect([ca.subject, ca.issuer, ca.notBefore.toISOString(), ca.notAfter.toISOString()]).toEqual(['CN=kubernetes', 'CN=kubernetes', '2026-03-01T11:55:00.000Z', '2036-02-27T12:00:00.000Z']);
    expect(ca.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect([serving.subject, serving.issuer, serving.notBefore.toISOString(), serving.notAfter.toISOString()]).toEqual(['CN=kube-apiserver', 'CN=kubernetes', '2026-03-01T11:55:00.000Z', '2027-03-01T12:00:00.000Z']);
    expect(sans(tls.cert)).toEqual([
      'dns:localhost',
      'dns:kubernetes',
      'dns:kubernetes.default',
      'dns:kubernetes.default.svc',
      'dns:kubernetes.default.svc.cluster.local',
      'ip:127.0.0.1',
      'ip:::1',
    ]);
    expect(eku(tls.cert)).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(await serving.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    expect([mode('ca.crt'), mode('ca.key'), mode('apiserver.crt'), mode('apiserver.key')]).toEqual([0o644, 0o600, 0o644, 0o600]);
    expect([tls.caCert, tls.caKey, tls.cert, tls.key]).toEqual(['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key'].map((f) => readFileSync(join(dir, f), 'utf8')));
    expect(tls.key.split('\n')[0]).toBe('-----BEGIN PRIVATE KEY-----');
  });

  it.each<[string, (c: ManualClock) => Promise<unknown>, string[] | undefined, boolean, string | undefined]>([
    ['the same hosts again reuse the serving certificate', async () => undefined, undefined, false, undefined],
    ['a host already among the defaults (in another spelling) reuses it', async () => undefined, ['LOCALHOST', '[0:0:0:0:0:0:0:1]'], false, undefined],
    ['a new DNS host regenerates it', async () => undefined, ['my-laptop.local'], true, 'dns:my-laptop.local'],
    ['a new IP host regenerates it', async () => undefined, ['10.0.0.7'], true, 'ip:10.0.0.7'],
    ['an expired certificate is regenerated', (c) => c.advance(366 * DAY), undefined, true, undefined],
  ])('%s; the CA is kept', async (_name, later, hosts, regenerated, newSan) => {
    const clock = new ManualClock(T0);
    const first = await ensureServingCertificates(dir, { clock });
    await later(clock);
    const second = await ensureServingCertificates(dir, { clock, ...(hosts ? { hosts } : {}) });
    expect([second.caCert === first.caCert, second.caKey === first.caKey, second.cert !== first.cert, second.key !== first.key]).toEqual([true, true, regenerated, regenerated]);
    expect(sans(second.cert).length).toBe(newSan ? 8 : 7);
    if (newSan) expect(sans(second.cert)).toContain(newSan);
  });

  it('re-issues the serving certificate when the CA was replaced', async () => {
    const clock = new ManualClock(T0);
    const first = await ensureServingCertificates(dir, { clock });
    rmSync(join(dir, 'ca.crt'));
    rmSync(join(dir, 'ca.key'));
    const second = await ensureServingCertificates(dir, { clock });
    expect([second.caCert !== first.caCert, second.cert !== first.cert]).toEqual([true, true]);
  });

  it('refuses a ca.crt that does not belong to ca.key', async () => {
    const clock = new ManualClock(T0);
    await ensureServingCertificates(dir, { clock });
    writeFileSync(join(dir, 'ca.crt'), (await createCertificateAuthority({ clock })).cert);
    await expect(ensureServingCertificates(dir, { clock })).rejects.toThrow(new Error(`${join(dir, 'ca.crt')} does not match ${join(dir, 'ca.key')}`));
  });
});

describe('client certificates', () => {
  it.each<[string, string[]]>([
    ['kubernetes-admin', ['system:masters']],
    ['jane', ['devs', 'system:authenticated']],
    ['robot', []],
  ])('a certificate for %s in %j reads back as that user and those groups', async (user, groups) => {
    const clock = new ManualClock(T0);
    const ca = await createCertificateAuthority({ clock });
    const { cert, key } = await issueClientCertificate({ caCert: ca.cert, caKey: ca.key, user, groups, clock, days: 30 });
    expect(certificateSubject(cert)).toEqual({ user, groups });
    expect(certificateSubject(new Uint8Array(readCertificate(cert).rawData))).toEqual({ user, groups });
    expect([eku(cert), readCertificate(cert).notAfter.toISOString(), key.split('\n')[0]]).toEqual([['1.3.6.1.5.5.7.3.2'], '2026-03-31T12:00:00.000Z', '-----BEGIN PRIVATE KEY-----']);
  });

  it.each<[string, Partial<Parameters<typeof issueClientCertificate>[0]>, string]>([
    ['an empty user', { user: '' }, 'a client certificate needs a user name (the subject CN)'],
    ['zero days', { days: 0 }, 'days must be a positive number, got 0'],
  ])('refuses %s', async (_name, over, message) => {
    const clock = new ManualClock(T0);
    const ca = await createCertificateAuthority({ clock });
    await expect(issueClientCertificate({ caCert: ca.cert, caKey: ca.key, user: 'u', groups: [], clock, days: 1, ...over })).rejects.toThrow(new Error(message));
  });
});

describe('TLS with node:https', () => {
  interface Reply {
    status: number | undefined;
    body: string;
    peer: PeerCertificate;
  }

  async function call(host: string, port: number, options: { ca: string; cert?: string; key?: string }): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request({ host, port, path: '/', method: 'GET', ...options, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode, body, peer: (res.socket as TLSSocket).getPeerCertificate() }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves with the generated chain and authenticates a client certificate', async () => {
    const clock = new RealClock();
    const tls = await ensureServingCertificates(dir, { clock });
    const served: string[] = [];
    const server = createServer({ cert: tls.cert, key: tls.key, ca: tls.caCert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      served.push(String(peer.subject.CN));
      res.end(JSON.stringify({ CN: peer.subject.CN, O: peer.subject.O }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    try {
      const admin = await issueClientCertificate({ caCert: tls.caCert, caKey: tls.caKey, user: 'kubernetes-admin', groups: ['system:masters', 'devs'], clock, days: 1 });
      const reply = await call('127.0.0.1', port, { ca: tls.caCert, ...admin });
      expect([reply.status, JSON.parse(reply.body)]).toEqual([200, { CN: 'kubernetes-admin', O: ['system:masters', 'devs'] }]);
      expect([checkServerIdentity('127.0.0.1', reply.peer), checkServerIdentity('localhost', reply.peer), checkServerIdentity('kubernetes.default.svc', reply.peer)]).toEqual([undefined, undefined, undefined]);
      expect(checkServerIdentity('example.com', reply.peer)).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });

      const stranger = await createCertificateAuthority({ clock });
      const outsider = await issueClientCertificate({ caCert: stranger.cert, caKey: stranger.key, user: 'mallory', groups: [], clock, days: 1 });
      await expect(call('127.0.0.1', port, { ca: tls.caCert, ...outsider })).rejects.toBeInstanceOf(Error);
      await expect(call('localhost', port, { ca: stranger.cert, ...outsider })).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
      expect(served).toEqual(['kubernetes-admin']);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});
