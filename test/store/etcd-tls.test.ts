import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStore, type EtcdStoreOptions } from '../../src/store/etcd-store.js';
import type { WatchEvent } from '../../src/store/types.js';
import { type EtcdPki, type EtcdServer, createEtcdPki, startEtcd, until } from '../helpers/etcd.js';
import { brief, obj } from './contract-helpers.js';

/**
 * EtcdStore against an etcd that serves clients over TLS only and requires a client certificate
 * (`--cert-file --key-file --trusted-ca-file --client-cert-auth`), with certificates made by
 * satoken's own src/keys functions (EC P-256 keys).
 */
let pki: EtcdPki;
let etcd: EtcdServer;
let prefixes = 0;
const opened: EtcdStore[] = [];
beforeAll(async () => {
  pki = await createEtcdPki();
  etcd = await startEtcd({ tls: pki });
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
afterAll(async () => {
  await etcd?.destroy();
});

const pem = (s: string) => Buffer.from(s);
const withClientCert = () => ({ ca: pem(pki.ca.cert), cert: pem(pki.client.cert), key: pem(pki.client.key) });

async function connect(opts: Partial<EtcdStoreOptions> = {}): Promise<EtcdStore> {
  const s = await EtcdStore.connect({ endpoints: [etcd.endpoint], prefix: `/tls${prefixes}`, tls: withClientCert(), requestTimeoutMs: 2000, ...opts });
  opened.push(s);
  return s;
}

const A = '/registry/pods/ns/a';
const B = '/registry/pods/ns/b';
const REFUSED = /^etcd is unavailable: etcd refused the TLS handshake \(alert "(bad certificate|certificate required)"\): it requires a client certificate signed by a CA it trusts$/;
const UNTRUSTED = "etcd is unavailable: etcd's serving certificate is not trusted: unable to verify the first certificate (not signed by a trusted CA)";

describe('EtcdStore over TLS with a client certificate', () => {
  it('serves https with an EC P-256 server certificate for 127.0.0.1', () => {
    expect(etcd.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const cert = new X509Certificate(pki.server.cert);
    expect([cert.publicKey.asymmetricKeyType, cert.publicKey.asymmetricKeyDetails?.namedCurve, cert.subjectAltName]).toEqual(['ec', 'prime256v1', 'DNS:localhost, IP Address:127.0.0.1']);
  });

  it('creates, reads, lists, updates and deletes, and two clients see each other\'s writes by watch', async () => {
    prefixes++;
    const [a, b] = [await connect(), await connect()];
    const onA: WatchEvent[] = [];
    const onB: WatchEvent[] = [];
    a.watch('/registry/', (e) => onA.push(e));
    b.watch('/registry/', (e) => onB.push(e));
    const created = await a.create(A, obj('a', { spec: { n: 1 } }));
    expect(await b.get(A)).toEqual(created);
    const other = await b.create(B, obj('b'));
    expect((await a.list('/registry/pods/')).items).toEqual([created, other]);
    const updated = await b.update(A, obj('a', { spec: { n: 2 } }), created.metadata.resourceVersion);
    await expect(a.update(A, obj('a'), created.metadata.resourceVersion)).rejects.toMatchObject({ code: 'Conflict' });
    const deleted = await a.delete(B);
    expect(await a.get(B)).toBeUndefined();
    const rv = [created, other, updated, deleted].map((o) => Number(o.metadata.resourceVersion));
    const expected = [['ADDED', A, rv[0]], ['ADDED', B, rv[1]], ['MODIFIED', A, rv[2]], ['DELETED', B, rv[3]]].map(([t, k, r]) => [t, k, r, String(r)]);
    await until(() => onA.length === 4 && onB.length === 4, 'both clients to see four events');
    expect([brief(onA), brief(onB)]).toEqual([expected, expected]);
    expect([a.ready(), b.ready()]).toEqual([true, true]);
  });

  it('fails to connect with Unavailable, saying etcd refused the handshake, without a client certificate or with one etcd does not trust', async () => {
    for (const tls of [{ ca: pem(pki.ca.cert) }, { ca: pem(pki.ca.cert), cert: pem(pki.otherClient.cert), key: pem(pki.otherClient.key) }]) {
      const t0 = performance.now();
      await expect(EtcdStore.connect({ endpoints: [etcd.endpoint], tls, requestTimeoutMs: 2000 })).rejects.toMatchObject({ code: 'Unavailable', message: expect.stringMatching(REFUSED) });
      expect(performance.now() - t0).toBeLessThan(1500); // refused at once, not after the timeout
    }
  });

  it('fails to connect with Unavailable, saying the server certificate is not trusted, with the wrong CA or with the system\'s CAs only', async () => {
    const wrongCa = { ca: pem(pki.otherCa.cert), cert: pem(pki.client.cert), key: pem(pki.client.key) };
    const systemTrust = { cert: pem(pki.client.cert), key: pem(pki.client.key) };
    for (const tls of [wrongCa, systemTrust, undefined]) {
      await expect(EtcdStore.connect({ endpoints: [etcd.endpoint], ...(tls ? { tls } : {}), requestTimeoutMs: 2000 })).rejects.toMatchObject({ code: 'Unavailable', message: UNTRUSTED });
    }
  });

  it('refuses settings that cannot work with a RangeError before connecting', async () => {
    const http = etcd.endpoint.replace('https:', 'http:');
    await expect(EtcdStore.connect({ endpoints: [http], tls: withClientCert() })).rejects.toThrow(new RangeError(`TLS settings need https etcd endpoints, not ${http}`));
    await expect(EtcdStore.connect({ endpoints: [etcd.endpoint, 'http://127.0.0.1:1'] })).rejects.toThrow(new RangeError('the etcd endpoints must be all http or all https'));
    await expect(EtcdStore.connect({ endpoints: [etcd.endpoint], tls: { ca: pem(pki.ca.cert), cert: pem(pki.client.cert) } })).rejects.toThrow(new RangeError('a TLS client certificate for etcd needs its key'));
    await expect(EtcdStore.connect({ endpoints: [etcd.endpoint], tls: { ca: pem(pki.ca.cert), key: pem(pki.client.key) } })).rejects.toThrow(new RangeError('a TLS client key for etcd needs its certificate'));
  });
});
