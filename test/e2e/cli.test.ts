import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let env: Record<string, string>;
const kubectl = (...args: string[]) => run('kubectl', args, env);
const satoken = (args: string[], input?: string) => run(process.execPath, [CLI, ...args], env, input);

beforeAll(async () => {
  server = await startServer();
  env = kubectlEnv(server);
  expect(kubectl('create', 'serviceaccount', 'build-robot').status).toBe(0);
  expect(kubectl('create', 'secret', 'generic', 'creds', '--from-literal=k=v').status).toBe(0);
});
afterAll(async () => {
  await server.stop();
  cleanup(server.dir);
});

const claims = (token: string) => JSON.parse(Buffer.from(token.trim().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('satoken create token matches kubectl create token', () => {
  const errorCases: string[][] = [
    [],
    ['build-robot', 'other'],
    ['build-robot', '--duration=-1s'],
    ['build-robot', '--duration=1500ms'],
    ['build-robot', '--audience='],
    ['build-robot', '--bound-object-kind=Foo', '--bound-object-name=x'],
    ['build-robot', '--bound-object-kind=Pod'],
    ['build-robot', '--bound-object-name=x'],
    ['build-robot', '--bound-object-uid=x'],
    ['nope'],
    ['build-robot', '--bound-object-kind=Pod', '--bound-object-name=nope'],
    ['build-robot', '--bound-object-kind=Secret', '--bound-object-name=creds', '--bound-object-uid=wrong'],
    ['build-robot', '--duration=5m'],
    ['build-robot', '-n', 'nowhere'],
    ['build-robot', '--durration', '5m'],
    ['build-robot', '--durration=5m'],
    ['build-robot', '-xq'],
    ['build-robot', '--duration'],
    ['build-robot', '--audience'],
    ['build-robot', '--duration=5x'],
    ['build-robot', '-o'],
    ['build-robot', '-n='],
  ];
  it.each(errorCases.map((a) => [a.join(' ') || '(no name)', a] as const))('fails like kubectl for: %s', (_n, args) => {
    const k = kubectl('create', 'token', ...args);
    const s = satoken(['create', 'token', ...args]);
    expect(k.status).not.toBe(0);
    expect(s.status).toBe(k.status);
    expect(s.stderr).toBe(k.stderr.replace(/kubectl/g, 'satoken'));
    expect(s.stdout).toBe(k.stdout);
  });

  // kubectl 1.33's own words (kubectl.1.33 run directly): the kubectl on PATH may be a dispatcher
  // that parses global flags itself first and words their errors "Error: ..."
  it.each([
    [['build-robot', '-n'], "error: flag needs an argument: 'n' in -n"],
    [['build-robot', '--namespace'], 'error: flag needs an argument: --namespace'],
    [['build-robot', '--duration', '--server', 'x'], 'error: invalid argument "--server" for "--duration" flag: time: invalid duration "--server"'],
    [['build-robot', '--insecure-skip-tls-verify=maybe'], 'error: invalid argument "maybe" for "--insecure-skip-tls-verify" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
  ])('reads flags as kubectl does: %j', (args, message) => {
    expect(satoken(['create', 'token', ...args])).toEqual({ status: 1, stdout: '', stderr: `${message}\nSee 'satoken create token --help' for usage.\n` });
  });

  const okCases: string[][] = [
    ['build-robot'],
    ['build-robot', '--duration=600s', '--audience=vault', '--audience=a,b'],
    ['build-robot', '--bound-object-kind=Secret', '--bound-object-name=creds'],
    ['default', '-n', 'kube-system', '--duration=1h'],
    ['build-robot', '--namespace=', '--insecure-skip-tls-verify=false'],
    ['-nkube-system', 'default'],
  ];
  it.each(okCases.map((a) => [a.join(' '), a] as const))('issues the same token for: %s', (_n, args) => {
    const k = kubectl('create', 'token', ...args);
    const s = satoken(['create', 'token', ...args]);
    expect([k.status, s.status]).toEqual([0, 0]);
    expect(s.stdout.endsWith('\n')).toBe(k.stdout.endsWith('\n'));
    const [ck, cs] = [claims(k.stdout), claims(s.stdout)];
    expect(cs.aud).toEqual(ck.aud);
    expect(Number(cs.exp) - Number(cs.iat)).toBe(Number(ck.exp) - Number(ck.iat));
    expect(cs.sub).toBe(ck.sub);
    expect(Object.keys(cs['kubernetes.io'] as object)).toEqual(Object.keys(ck['kubernetes.io'] as object));
  });

  it.each([['json'], ['yaml']])('prints the whole TokenRequest like kubectl with -o %s', (fmt) => {
    const k = kubectl('create', 'token', 'build-robot', '--audience=vault', '-o', fmt);
    const s = satoken(['create', 'token', 'build-robot', '--audience=vault', '-o', fmt]);
    const mask = (t: string) => t.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, 'TOKEN').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIME');
    expect(mask(s.stdout)).toBe(mask(k.stdout));
  });
});

describe('satoken decode', () => {
  it('shows a server token, bound and verified online', () => {
    const token = satoken(['create', 'token', 'build-robot', '--bound-object-kind=Secret', '--bound-object-name=creds', '--duration=10m']).stdout;
    const d = satoken(['decode', '--verify'], token);
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/^Type:\s+bound service-account token \(TokenRequest\)$/m);
    expect(d.stdout).toMatch(/^Bound to:\s+Secret creds \(uid [0-9a-f-]{36}\)$/m);
    expect(d.stdout).toMatch(/^Expires:\s+\S+Z \(expires in (9m5\d|10m0)s\)$/m);
    expect(d.stdout).toMatch(/^Verification:\s+valid \(TokenReview by the server\)$/m);
    const j = JSON.parse(satoken(['decode', token.trim(), '-o', 'json']).stdout);
    expect(j).toMatchObject({ type: 'bound', boundObject: { kind: 'Secret', name: 'creds' }, serviceAccount: { namespace: 'default', name: 'build-robot' } });
  });

  it('says why the server rejects a token whose secret is gone', () => {
    const token = satoken(['create', 'token', 'build-robot', '--bound-object-kind=Secret', '--bound-object-name=creds']).stdout;
    expect(kubectl('delete', 'secret', 'creds').status).toBe(0);
    const d = satoken(['decode', '--verify', '-o', 'json'], token);
    expect(d.status).toBe(1);
    expect(JSON.parse(d.stdout).verification).toEqual({ valid: false, mode: 'server', reason: '[invalid bearer token, service account token has been invalidated]' });
  });

  it('verifies offline against the JWKS with issuer and audience in Kubernetes\' words', () => {
    const jwksFile = join(server.dir, 'jwks.json');
    writeFileSync(jwksFile, kubectl('get', '--raw', '/openid/v1/jwks').stdout);
    const token = satoken(['create', 'token', 'build-robot', '--audience=vault']).stdout.trim();
    const iss = 'https://kubernetes.default.svc.cluster.local';
    expect(satoken(['decode', token, '--verify', '--jwks', jwksFile, '--issuer', iss, '--audience', 'vault']).status).toBe(0);
    const aud = satoken(['decode', token, '--verify', '--jwks', jwksFile, '--issuer', iss, '--audience', 'other', '-o', 'json']);
    expect(aud.status).toBe(1);
    expect(JSON.parse(aud.stdout).verification.reason).toBe('token audiences ["vault"] is invalid for the target audiences ["other"]');
    const wrongIss = satoken(['decode', token, '--verify', '--jwks', jwksFile, '--issuer', 'https://elsewhere', '--audience', 'vault', '-o', 'json']);
    expect(JSON.parse(wrongIss.stdout).verification.reason).toMatch(/^token issuer "https:\/\/kubernetes.default.svc.cluster.local" is invalid/);
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims(token), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url')}.${s}`;
    void p;
    expect(JSON.parse(satoken(['decode', tampered, '--verify', '--jwks', jwksFile, '--issuer', iss, '-o', 'json']).stdout).verification.reason).toBe('go-jose/go-jose: error in cryptographic primitive');
  });

  it('verifies offline without --issuer against Kubernetes\' default issuer, and reports the audience as well as the issuer', () => {
    const jwksFile = join(server.dir, 'jwks-default.json');
    writeFileSync(jwksFile, kubectl('get', '--raw', '/openid/v1/jwks').stdout);
    const token = satoken(['create', 'token', 'build-robot', '--audience=vault']).stdout.trim();
    const ok = satoken(['decode', token, '--verify', '--jwks', jwksFile, '--audience', 'vault']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^Verification:\s+valid \(offline against the JWKS\)$/m);
    const wrongAudience = satoken(['decode', token, '--verify', '--jwks', jwksFile, '--audience', 'other', '-o', 'json']);
    expect(wrongAudience.status).toBe(1);
    expect(JSON.parse(wrongAudience.stdout).verification).toEqual({
      valid: false,
      mode: 'offline',
      reason: 'token audiences ["vault"] is invalid for the target audiences ["other"]',
      problems: ['token audiences ["vault"] is invalid for the target audiences ["other"]'],
      notChecked: ['that the service account and the object the token is bound to still exist (verify on the server: leave out --jwks)'],
    });
  });

  it.each([
    ['garbage', 'hello', 'error: "hello" is not a JWT (expected 3 segments separated by \'.\', got 1) and no file of that name exists\n'],
    ['a missing file', '/missing/file.jwt', 'error: token file /missing/file.jwt does not exist\n'],
    ['a truncated token', 'eyJhbGciOiJSUzI1NiJ9.eyJpc3Mi', "error: token is not a JWT: expected 3 segments separated by '.', got 2\n"],
    ['bad base64', 'e$$.e.e', 'error: token header is not unpadded base64url\n'],
    ['a JWE', 'a.b.c.d.e', 'error: token is an encrypted JWT (JWE, 5 segments); service-account tokens are signed JWTs (3 segments)\n'],
  ])('answers %s with one line and exit 2', (_n, input, stderr) => {
    const r = satoken(['decode', input]);
    expect(r).toMatchObject({ status: 2, stdout: '', stderr });
  });
});
