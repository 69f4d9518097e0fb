import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import type { Connection } from '../../src/client/kubeconfig.js';
import { EtcdStore } from '../../src/store/etcd-store.js';
import { type EtcdPki, type EtcdServer, createEtcdPki, startEtcd } from '../helpers/etcd.js';
import { CLI, cleanup, run, startServer, type ServerProcess } from '../helpers/server-process.js';

/** `satoken serve --etcd-cafile --etcd-certfile --etcd-keyfile` against an etcd that requires client certificates. */
const ADMIN = 'admin-token-for-the-etcd-tls-test';
let pki: EtcdPki;
let etcd: EtcdServer;
let dir: string;
let server: ServerProcess | undefined;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  pki = await createEtcdPki();
  etcd = await startEtcd({ tls: pki });
  dir = mkdtempSync(join(tmpdir(), 'satoken-etcd-tls-'));
  const files: Record<string, string> = {
    'ca.crt': pki.ca.cert,
    'client.crt': pki.client.cert,
    'client.key': pki.client.key,
    'other-ca.crt': pki.otherCa.cert,
    'other-client.key': pki.otherClient.key,
    'tokens.csv': `${ADMIN},kubernetes-admin,admin,"system:masters"\n`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(file(name), text, { mode: 0o600 });
});

afterAll(async () => {
  await server?.stop('SIGKILL');
  if (server) cleanup(server.dir);
  await etcd?.destroy();
  if (dir) cleanup(dir);
});

const tlsFlags = (ca = file('ca.crt'), cert = file('client.crt'), key = file('client.key')) => ['--etcd-cafile', ca, '--etcd-certfile', cert, '--etcd-keyfile', key];

describe('satoken serve on an etcd with TLS and client certificates', () => {
  it('stores its objects there: a token it issues is reviewed, and the objects are in etcd', async () => {
    server = await startServer(['--etcd-servers', etcd.endpoint, ...tlsFlags(), '--token-auth-file', file('tokens.csv')]);
    const conn: Connection = { server: server.url, insecureSkipTLSVerify: true, token: ADMIN };
    expect((await apiRequest(conn, 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'over-tls' } })).status).toBe(201);
    const tr = await apiRequest(conn, 'POST', '/api/v1/namespaces/default/serviceaccounts/over-tls/token', { spec: { audiences: ['vault'] } });
    expect(tr.status).toBe(201);
    const token = tr.json<{ status: { token: string } }>().status.token;
    const review = await apiRequest(conn, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token, audiences: ['vault'] } });
    expect(review.json<{ status: { authenticated?: boolean; user?: { username?: string } } }>().status).toMatchObject({ authenticated: true, user: { username: 'system:serviceaccount:default:over-tls' } });
    expect((await apiRequest(conn, 'GET', '/readyz')).status).toBe(200);
    // read back from etcd with the same client certificate
    const store = await EtcdStore.connect({ endpoints: [etcd.endpoint], tls: { ca: Buffer.from(pki.ca.cert), cert: Buffer.from(pki.client.cert), key: Buffer.from(pki.client.key) } });
    try {
      expect((await store.get('/registry/serviceaccounts/default/over-tls'))?.metadata.name).toBe('over-tls');
    } finally {
      await store.close();
    }
    // no stray lines (Node's DEP0123 warning about IP addresses as TLS server names is dropped)
    expect(server.stderr()).toBe('');
  });

  it('refuses TLS flags that cannot work with one line on stderr and a non-zero exit', () => {
    const serve = (args: string[]) => {
      const home = mkdtempSync(join(dir, 'serve-'));
      return run(process.execPath, [CLI, 'serve', '--secure-port', '0', '--data-dir', join(home, 'data'), '--keys-dir', join(home, 'keys'), '--log-level', 'warn', ...args], {});
    };
    const https = ['--etcd-servers', etcd.endpoint];
    const unreadable = file('unreadable.crt');
    writeFileSync(unreadable, pki.ca.cert);
    chmodSync(unreadable, 0);
    const cases: Array<[string[], string | RegExp]> = [
      [['--etcd-cafile', file('ca.crt')], '--etcd-cafile needs --etcd-servers: they secure the connection to etcd, and without --etcd-servers the embedded store is used'],
      [tlsFlags(), '--etcd-cafile, --etcd-certfile and --etcd-keyfile need --etcd-servers: they secure the connection to etcd, and without --etcd-servers the embedded store is used'],
      [['--etcd-servers', 'http://127.0.0.1:2379', ...tlsFlags()], '--etcd-cafile, --etcd-certfile and --etcd-keyfile need https --etcd-servers, got http://127.0.0.1:2379'],
      [['--etcd-servers', `${etcd.endpoint},http://127.0.0.1:2379`], '--etcd-servers: the URLs must be all http or all https'],
      [[...https, '--etcd-cafile', file('ca.crt'), '--etcd-certfile', file('client.crt')], `--etcd-certfile and --etcd-keyfile must both be present [key: , cert: ${file('client.crt')}]`],
      [[...https, '--etcd-keyfile', file('client.key')], `--etcd-certfile and --etcd-keyfile must both be present [key: ${file('client.key')}, cert: ]`],
      [[...https, ...tlsFlags(file('missing.crt'))], `--etcd-cafile: open ${file('missing.crt')}: no such file or directory`],
      [[...https, ...tlsFlags(file('ca.crt'), dir)], `--etcd-certfile: read ${dir}: is a directory`],
      ...(process.getuid?.() === 0 ? [] : [[[...https, ...tlsFlags(unreadable)], `--etcd-cafile: open ${unreadable}: permission denied`] as [string[], string]]),
      [[...https, ...tlsFlags(file('client.key'))], `--etcd-cafile ${file('client.key')}: no certificate found in the CA file`],
      [[...https, ...tlsFlags(file('ca.crt'), file('client.key'), file('client.key'))], `--etcd-certfile ${file('client.key')}: tls: failed to find any PEM data in certificate input`],
      [[...https, ...tlsFlags(file('ca.crt'), file('client.crt'), file('ca.crt'))], `--etcd-keyfile ${file('ca.crt')}: data does not contain a valid RSA or ECDSA private key`],
      [[...https, ...tlsFlags(file('ca.crt'), file('client.crt'), file('other-client.key'))], `--etcd-keyfile ${file('other-client.key')}: tls: private key does not match public key of --etcd-certfile ${file('client.crt')}`],
      // accepted flags, but etcd cannot be reached with them
      [[...https, ...tlsFlags(file('other-ca.crt'))], "cannot open the store: etcd is unavailable: etcd's serving certificate is not trusted: unable to verify the first certificate (not signed by a trusted CA)"],
      [[...https, '--etcd-certfile', file('client.crt'), '--etcd-keyfile', file('client.key')], "cannot open the store: etcd is unavailable: etcd's serving certificate is not trusted: unable to verify the first certificate (not signed by a trusted CA); without --etcd-cafile only the CAs Node trusts by default (and NODE_EXTRA_CA_CERTS) are accepted"],
      [[...https, '--etcd-cafile', file('ca.crt')], /^cannot open the store: etcd is unavailable: etcd refused the TLS handshake \(alert "(bad certificate|certificate required)"\): it requires a client certificate signed by a CA it trusts$/],
    ];
    const results = cases.map(([args]) => serve(args));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect({ args, status: r.status, stdout: r.stdout, stderrLines: r.stderr.split('\n').length }).toEqual({ args, status: 1, stdout: '', stderrLines: 2 });
      expect(r.stderr.slice('error: '.length, -1)).toMatch(typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
      expect(r.stderr.startsWith('error: ')).toBe(true);
    });
  });
});
