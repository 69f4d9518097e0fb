import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GO, GOCODE, caFile, requireGoOidc, startServerAtIssuer } from '../helpers/real-clients.js';
import { cleanup, run, type ServerProcess } from '../helpers/server-process.js';

// go-oidc v2 (Debian's golang-github-coreos-go-oidc-dev 2.1.0) as a relying party: a small Go
// program (fixtures/oidc-verify) built here in GOPATH mode against /usr/share/gocode, trusting the
// server's CA through oidc.ClientContext. Exit 0 valid, 1 rejected, 2 no provider.
const SOURCE = join(__dirname, 'fixtures', 'oidc-verify');

let server: ServerProcess;
let work: string;
let binary: string;
let token: string;
let goVersion: string;
beforeAll(async () => {
  requireGoOidc();
  work = mkdtempSync(join(tmpdir(), 'satoken-go-oidc-'));
  mkdirSync(join(work, 'gopath'));
  // GOPATH mode, with every cache and setting of the build inside the temp dir
  const env = { GO111MODULE: 'off', GOPATH: `${join(work, 'gopath')}:${GOCODE}`, GOCACHE: join(work, 'cache'), GOFLAGS: '', GOENV: 'off' };
  goVersion = run(GO, ['version'], env).stdout.trim();
  binary = join(work, 'oidc-verify');
  const build = run('/bin/sh', ['-c', `cd "${SOURCE}" && exec "${GO}" build -o "${binary}" .`], env);
  if (build.status !== 0) throw new Error(`go build failed (${build.status}):\n${build.stderr}`);
  server = await startServerAtIssuer();
  const kc = new k8s.KubeConfig();
  kc.loadFromString(readFileSync(server.kubeconfig, 'utf8'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'oidc-robot' } } });
  const tr = await core.createNamespacedServiceAccountToken({
    name: 'oidc-robot',
    namespace: 'default',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 600 } },
  });
  token = tr.status!.token;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  if (server) cleanup(server.dir);
  if (work) cleanup(work);
});

function verify(jwt: string, audience: string, issuer = server.url) {
  return run(binary, [jwt], { ISSUER: issuer, AUD: audience, CA: caFile(server) });
}

const segments = (jwt: string): [string, string, string] => jwt.split('.') as [string, string, string];
const payloadOf = (jwt: string): Record<string, any> => JSON.parse(Buffer.from(segments(jwt)[1], 'base64url').toString());

describe('go-oidc v2 as a relying party', () => {
  it('is built with Debian Go 1.19', () => {
    expect(goVersion).toMatch(/^go version go1\.19(\.\d+)? /);
  });

  it('discovers the issuer and verifies a token to its claims', () => {
    const r = verify(token, 'vault');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const claims = JSON.parse(r.stdout);
    expect(claims).toEqual(payloadOf(token));
    expect(claims).toMatchObject({ iss: server.url, aud: ['vault'], sub: 'system:serviceaccount:default:oidc-robot' });
  });

  it('rejects another audience', () => {
    const r = verify(token, 'other');
    expect(r).toEqual({ status: 1, stdout: '', stderr: 'oidc: expected audience "other" got ["vault"]\n' });
  });

  it('rejects a damaged signature', () => {
    const [h, p, s] = segments(token);
    // a character in the middle: the last one may only carry padding bits
    const i = s.length >> 1;
    const damaged = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const r = verify(`${h}.${p}.${damaged}`, 'vault');
    expect(r).toEqual({ status: 1, stdout: '', stderr: 'failed to verify signature: failed to verify id token signature\n' });
  });

  it('rejects a forged payload under the original signature', () => {
    const [h, , s] = segments(token);
    const forged = Buffer.from(JSON.stringify({ ...payloadOf(token), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    const r = verify(`${h}.${forged}.${s}`, 'vault');
    expect(r).toEqual({ status: 1, stdout: '', stderr: 'failed to verify signature: failed to verify id token signature\n' });
  });

  it.each([
    ['a trailing slash', (u: string) => `${u}/`],
    ['localhost for 127.0.0.1', (u: string) => u.replace('127.0.0.1', 'localhost')],
  ])('finds no provider when the issuer differs by %s', (_n, change) => {
    const asked = change(server.url);
    const r = verify(token, 'vault', asked);
    expect(r).toEqual({ status: 2, stdout: '', stderr: `oidc: issuer did not match the issuer returned by provider, expected "${asked}" got "${server.url}"\n` });
  });
});
