import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, caFile, requirePythonModules, startServerAtIssuer } from '../helpers/real-clients.js';
import { cleanup, run, type ServerProcess } from '../helpers/server-process.js';

// PyJWT (Debian's python3-jwt 2.6.0) as a relying party: it discovers the issuer anonymously over
// HTTPS, fetches the JWKS with PyJWKClient and verifies with jwt.decode (audience, issuer,
// required claims). The server's issuer is its own URL, as a relying party needs. Tokens come
// from the real clock, so their iat is never ahead of PyJWT's (it allows no leeway there).
const SCRIPT = join(__dirname, 'fixtures', 'pyjwt_verify.py');

let server: ServerProcess;
let token: string;
beforeAll(async () => {
  requirePythonModules(['jwt']);
  server = await startServerAtIssuer();
  const kc = new k8s.KubeConfig();
  kc.loadFromString(readFileSync(server.kubeconfig, 'utf8'));
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'pyjwt-robot' } } });
  const tr = await core.createNamespacedServiceAccountToken({
    name: 'pyjwt-robot',
    namespace: 'default',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 600 } },
  });
  token = tr.status!.token;
});
afterAll(async () => {
  await server?.stop();
  if (server) cleanup(server.dir);
});

function verify(jwt: string, audience: string, issuer = server.url) {
  const r = run(PYTHON, [SCRIPT, issuer, audience, jwt], { SSL_CERT_FILE: caFile(server), NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' });
  if (r.status !== 0 && r.status !== 1) return { status: r.status, stderr: r.stderr, out: undefined };
  return { status: r.status, stderr: r.stderr, out: JSON.parse(r.stdout) };
}

const segments = (jwt: string): [string, string, string] => jwt.split('.') as [string, string, string];
const payloadOf = (jwt: string): Record<string, any> => JSON.parse(Buffer.from(segments(jwt)[1], 'base64url').toString());
const headerOf = (jwt: string): Record<string, any> => JSON.parse(Buffer.from(segments(jwt)[0], 'base64url').toString());

describe('PyJWT as a relying party', () => {
  it('discovers the issuer and verifies a token to its claims', () => {
    const r = verify(token, 'vault');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.out.pyjwtVersion).toBe('2.6.0');
    expect(r.out.discovery).toEqual({
      issuer: server.url,
      jwks_uri: `${server.url}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(r.out.kid).toBe(headerOf(token).kid);
    expect(r.out.claims).toEqual(payloadOf(token));
    expect(r.out.claims).toMatchObject({ iss: server.url, aud: ['vault'], sub: 'system:serviceaccount:default:pyjwt-robot' });
  });

  it('rejects another audience with InvalidAudienceError', () => {
    const r = verify(token, 'other');
    expect(r.status).toBe(1);
    expect(r.out.error).toEqual({ type: 'InvalidAudienceError', message: 'Invalid audience' });
    expect(r.out.claims).toBeUndefined();
  });

  it('rejects a forged payload with InvalidSignatureError', () => {
    const [h, , s] = segments(token);
    const forged = Buffer.from(JSON.stringify({ ...payloadOf(token), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    const r = verify(`${h}.${forged}.${s}`, 'vault');
    expect(r.status).toBe(1);
    expect(r.out.error).toEqual({ type: 'InvalidSignatureError', message: 'Signature verification failed' });
  });

  it('rejects a damaged signature with InvalidSignatureError', () => {
    const [h, p, s] = segments(token);
    // a character in the middle: the last one may only carry padding bits that decoding drops
    const i = s.length >> 1;
    const damaged = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const r = verify(`${h}.${p}.${damaged}`, 'vault');
    expect(r.status).toBe(1);
    expect(r.out.error).toEqual({ type: 'InvalidSignatureError', message: 'Signature verification failed' });
  });

  it('finds no provider at the issuer with a trailing slash: the discovery names it without', () => {
    const r = verify(token, 'vault', `${server.url}/`);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`discovery names issuer '${server.url}', expected '${server.url}/'\n`);
  });
});
