import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FetchError, jsonFetcher } from '../../src/identity/oidc/fetch-json.js';
import { discoveryUrl, parseUnverified, verifyIssuerSignature } from '../../src/identity/oidc/issuer-verifier.js';
import { startIssuer, type TestIssuer } from './issuer-server.js';

let server: Server;
let base: string;
let issuer: TestIssuer;
const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}'),
  '/redirect': (res) => res.writeHead(302, { location: '/ok' }).end(),
  '/html': (res) => res.writeHead(200).end('<html>'),
  '/huge': (res) => res.writeHead(200).end(`{"a":"${'x'.repeat(300 * 1024)}"}`),
  '/slow': () => undefined,
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route) route(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = await startIssuer();
  await issuer.emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'default' } });
});

afterAll(async () => {
  await new Promise<void>((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
  await issuer.close();
});

describe('fetching an issuer’s documents', () => {
  const get = jsonFetcher({ timeoutMs: 300 });
  const failure = async (path: string) => {
    try {
      await get(`${base}${path}`);
    } catch (e) {
      return [(e as FetchError).kind, (e as Error).message.replace(base, '')];
    }
    return 'fetched';
  };

  it('reads a JSON document', async () => expect(await get(`${base}/ok`)).toEqual({ a: 1 }));
  it.each([
    ['/redirect', ['status', '/redirect answered 302']],
    ['/missing', ['status', '/missing answered 404']],
    ['/html', ['body', '/html did not send JSON']],
    ['/huge', ['body', '/huge sent more than 262144 bytes']],
    ['/slow', ['network', 'no answer from /slow within 300 ms']],
  ])('%s: %j', async (path, expected) => expect(await failure(path)).toEqual(expected));

  it('refuses what is not an http(s) URL', async () => {
    await expect(get('file:///etc/passwd')).rejects.toMatchObject({ kind: 'network', message: 'unsupported scheme file:' });
    await expect(get('not a url')).rejects.toMatchObject({ kind: 'network' });
  });
});

describe('reading and verifying a token against its issuer', () => {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it('reads claims without trusting them, aud always a list', () => {
    const t = parseUnverified(`${b64({ alg: 'ES256', kid: 'k' })}.${b64({ iss: 'i', sub: 's', aud: 'a', exp: 5, jti: 7 })}.c2ln`)!;
    expect(t.header).toEqual({ alg: 'ES256', kid: 'k' });
    expect(t.claims).toEqual({ iss: 'i', sub: 's', aud: ['a'], exp: 5 });
  });

  it.each([
    ['alg none', `${b64({ alg: 'none' })}.${b64({})}.c2ln`],
    ['HMAC', `${b64({ alg: 'HS256' })}.${b64({})}.c2ln`],
    ['a JWE header', `${b64({ alg: 'RS256', enc: 'A256GCM' })}.${b64({})}.c2ln`],
    ['two segments', `${b64({ alg: 'RS256' })}.${b64({})}`],
    ['padded base64', `${b64({ alg: 'RS256' })}=.${b64({})}.c2ln`],
    ['a payload that is an array', `${b64({ alg: 'RS256' })}.${b64([1])}.c2ln`],
    ['70,000 characters', `${b64({ alg: 'RS256' })}.${'a'.repeat(70_000)}.c2ln`],
  ])('is not a JWT: %s', (_why, token) => expect(parseUnverified(token)).toBeUndefined());

  it('verifies against the published JWKS, and says which step failed otherwise', async () => {
    const token = (await issuer.emu.requestToken('default', 'app', { audiences: ['x'] })).status.token;
    const jwt = parseUnverified(token)!;
    const fetch = jsonFetcher({ timeoutMs: 1000 });
    expect(discoveryUrl(`${issuer.url}/`)).toBe(`${issuer.url}/.well-known/openid-configuration`);
    issuer.mode = 'ok';
    expect(await verifyIssuerSignature(jwt, fetch)).toBeUndefined();
    const tampered = parseUnverified(`${token.slice(0, token.lastIndexOf('.'))}.${Buffer.alloc(64, 1).toString('base64url')}`)!;
    expect(await verifyIssuerSignature(tampered, fetch)).toEqual({ reason: 'bad-signature' });
    issuer.mode = 'wrong-issuer';
    expect(await verifyIssuerSignature(jwt, fetch)).toEqual({ reason: 'issuer-mismatch', url: `${issuer.url}/.well-known/openid-configuration`, documentIssuer: 'https://kubernetes.default.svc' });
    issuer.mode = 'no-keys';
    expect(await verifyIssuerSignature(jwt, fetch)).toEqual({ reason: 'key-not-found', kid: jwt.header.kid });
    issuer.mode = 'not-json';
    expect(await verifyIssuerSignature(jwt, fetch)).toMatchObject({ reason: 'discovery-invalid' });
    issuer.mode = 'down';
    expect(await verifyIssuerSignature(jwt, fetch)).toMatchObject({ reason: 'discovery-unreachable' });
    issuer.mode = 'ok';
  });

  it('skips JWKS entries that are not usable public keys', async () => {
    const token = (await issuer.emu.requestToken('default', 'app', { audiences: ['x'] })).status.token;
    const jwt = parseUnverified(token)!;
    const real = issuer.emu.jwks() as { keys: Array<Record<string, unknown>> };
    const hostile = { keys: [{ kid: jwt.header.kid, kty: 'oct', k: 'AAAA' }, { kid: jwt.header.kid, kty: 'RSA', n: 'AQAB' }, { kid: jwt.header.kid, kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: 'AA' }, { ...real.keys[0], use: 'enc' }, ...real.keys] };
    const fetch = async (url: string) => (url.endsWith('/jwks') ? hostile : { issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` });
    expect(await verifyIssuerSignature(jwt, fetch)).toBeUndefined();
    const onlyHostile = async (url: string) => (url.endsWith('/jwks') ? { keys: hostile.keys.slice(0, 4) } : { issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` });
    expect(await verifyIssuerSignature(jwt, onlyHostile)).toEqual({ reason: 'key-not-found', kid: jwt.header.kid });
  });
});

