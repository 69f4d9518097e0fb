import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { intersectAudiences, JwtAuthenticator, type ClaimsValidator } from '../../src/auth/authenticators/jwt-authenticator.js';
import type { ValidatedToken } from '../../src/auth/authenticators/validated-token.js';
import { KeySet } from '../../src/keys/index.js';
import { decodeJws } from '../../src/tokens/jws.js';
import type { PresentedClaims } from '../../src/tokens/presented-claims.js';
import { EC_KEY_ID, RSA_KEY_ID } from '../keys/fixtures.js';
import { b64, ecPrivateKey, rsaPrivateKey, signJws } from '../tokens/fixtures.js';

/**
 * pkg/serviceaccount/jwt.go jwtTokenAuthenticator.AuthenticateToken, with the key cases of
 * jwt_test.go TestTokenGenerateAndValidate ("invalid keys", "valid key", "rotated keys",
 * "valid key, invalid issuer", "valid key, different issuer", "malformed iss").
 */
const rsaPublic = createPublicKey(rsaPrivateKey);
const ecPublic = createPublicKey(ecPrivateKey);
const otherRsa = createPublicKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;

const SUB = 'system:serviceaccount:test:my-service-account';
const ok: ValidatedToken = { info: { name: 'my-service-account', namespace: 'test', uid: '12345' }, exp: undefined, warnAfter: undefined, boundUid: undefined, sub: SUB };

function authenticator(keys: KeySet, opts: { issuers?: string[]; implicitAudiences?: string[]; validator?: ClaimsValidator } = {}) {
  const seen: Array<{ token: string; claims: PresentedClaims }> = [];
  const a = new JwtAuthenticator({
    issuers: opts.issuers ?? ['kubernetes/serviceaccount', 'bar'],
    keys,
    implicitAudiences: opts.implicitAudiences ?? ['api'],
    validator: opts.validator ?? (async (token, claims) => (seen.push({ token, claims }), ok)),
  });
  return { a, seen };
}
const rsaToken = (payload: object = { iss: 'bar', sub: SUB }, header: object = { alg: 'RS256', kid: RSA_KEY_ID }) => signJws(header, payload);
const ecToken = (payload: object = { iss: 'bar', sub: SUB }, header: object = { alg: 'ES256', kid: EC_KEY_ID }) => signJws(header, payload, ecPrivateKey, 'ES256');
const keys = (...k: Parameters<typeof createPublicKey>[0][]) => new KeySet({ verificationKeys: k as never });

describe('JwtAuthenticator: keys and signatures', () => {
  it.each([
    ['valid key (rsa)', rsaToken(), keys(rsaPublic)],
    ['valid key (ecdsa)', ecToken(), keys(ecPublic)],
    ['rotated keys (rsa), the token without a kid', rsaToken(undefined, { alg: 'RS256' }), keys(otherRsa, ecPublic, rsaPublic)],
    ['rotated keys (ecdsa), the token without a kid', ecToken(undefined, { alg: 'ES256' }), keys(otherRsa, rsaPublic, ecPublic)],
    ['rotated keys, the token naming its kid', rsaToken(), keys(otherRsa, otherEc, rsaPublic)],
  ])('accepts %s', async (_n, token, k) => {
    const { a, seen } = authenticator(k);
    expect(await a.authenticate(token, undefined)).toEqual({ kind: 'ok', token: ok, audiences: ['api'] });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.token).toBe(token);
    expect(seen[0]!.claims).toMatchObject({ iss: 'bar', sub: SUB });
  });

  it.each([
    ['invalid keys (rsa)', rsaToken(undefined, { alg: 'RS256' }), keys(otherRsa, ecPublic), '[go-jose/go-jose: error in cryptographic primitive, go-jose/go-jose: unexpected signature algorithm]'],
    ['invalid keys (ecdsa)', ecToken(undefined, { alg: 'ES256' }), keys(otherRsa, rsaPublic, otherEc), '[go-jose/go-jose: unexpected signature algorithm, go-jose/go-jose: error in cryptographic primitive]'],
    ['one wrong key', rsaToken(undefined, { alg: 'RS256' }), keys(otherRsa), 'go-jose/go-jose: error in cryptographic primitive'],
    ['two wrong keys failing alike (the aggregate drops duplicates)', rsaToken(undefined, { alg: 'RS256' }), keys(otherRsa, createPublicKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)), 'go-jose/go-jose: error in cryptographic primitive'],
    ['a kid no key has', rsaToken(undefined, { alg: 'RS256', kid: 'unknown' }), keys(rsaPublic), 'invalid signature, no keys found'],
    ['the kid of another key', rsaToken(undefined, { alg: 'RS256', kid: EC_KEY_ID }), keys(rsaPublic, ecPublic), 'go-jose/go-jose: unexpected signature algorithm'],
    ['a tampered payload', rsaToken().replace(/^([^.]+)\.[^.]+/, (_m, h: string) => `${h}.${b64({ iss: 'bar', sub: 'system:serviceaccount:kube-system:admin' })}`), keys(rsaPublic), 'go-jose/go-jose: error in cryptographic primitive'],
  ])('refuses %s', async (_n, token, k, message) => {
    const { a, seen } = authenticator(k);
    expect(await a.authenticate(token, undefined)).toEqual({ kind: 'error', message });
    expect(seen).toEqual([]);
  });

  it('finds no keys at all on a server without keys', async () => {
    const { a } = authenticator(new KeySet({}));
    // no algorithm is allowed either: the header check says "not mine" first
    expect(await a.authenticate(rsaToken(), undefined)).toEqual({ kind: 'notMine' });
  });

  it.each([
    ['an invalid, non-JWT token', 'invalid token'],
    ['valid key, invalid issuer', rsaToken({ iss: 'foo', sub: SUB })],
    ['an issuer that is not a string', rsaToken({ iss: ['bar'], sub: SUB })],
    ['no issuer', rsaToken({ sub: SUB })],
    ['an HMAC token', signJws({ alg: 'HS256', kid: RSA_KEY_ID }, { iss: 'bar' })],
    ['alg none', `${b64({ alg: 'none' })}.${b64({ iss: 'bar' })}.${b64('x')}`],
    ['an algorithm the keys do not sign with', ecToken()],
    ['a crit header', rsaToken(undefined, { alg: 'RS256', crit: ['x'] })],
    ['malformed iss (JSON serialization)', JSON.stringify({ payload: b64({ iss: 'bar' }), protected: b64({ alg: 'RS256' }), signature: 'x', malformed_iss: `.${b64({ iss: 'bar' })}.` })],
  ])('says "not mine" of %s', async (_n, token) => {
    const { a, seen } = authenticator(keys(rsaPublic));
    expect(await a.authenticate(token, ['api'])).toEqual({ kind: 'notMine' });
    expect(seen).toEqual([]);
  });

  it('tells whether a decoded token names one of its issuers (hasCorrectIssuer)', () => {
    const { a } = authenticator(keys(rsaPublic), { issuers: ['https://a', 'https://b'] });
    expect(a.claims(decodeJws(rsaToken({ iss: 'https://b' }))!)).toBe(true);
    expect(a.claims(decodeJws(rsaToken({ iss: 'https://c' }))!)).toBe(false);
    expect(a.claims(decodeJws(rsaToken({ iss: 1 }))!)).toBe(false);
  });

  it('answers the same through authenticateDecoded', async () => {
    const { a } = authenticator(keys(rsaPublic));
    const t = rsaToken();
    expect(await a.authenticateDecoded(t, decodeJws(t)!, ['api'])).toEqual({ kind: 'ok', token: ok, audiences: ['api'] });
    const foreign = rsaToken({ iss: 'foo' });
    expect(await a.authenticateDecoded(foreign, decodeJws(foreign)!, ['api'])).toEqual({ kind: 'notMine' });
  });
});

describe('JwtAuthenticator: audiences (jwt.go, authenticator.Audiences.Intersect)', () => {
  const bound = (aud: unknown) => rsaToken({ iss: 'bar', sub: SUB, aud });

  it.each([
    ['the requested audiences, in their order', ['a', 'b', 'c'], ['c', 'x', 'a'], ['api'], ['c', 'a']],
    ['the implicit audiences when none are requested', ['api', 'other'], undefined, ['api'], ['api']],
    ['the implicit audiences when an empty list is requested', ['api'], [], ['api'], ['api']],
    ['the implicit audiences for a token without aud (a legacy token)', undefined, ['api', 'x'], ['api'], ['api']],
    ['a single string aud', 'vault', ['vault'], ['api'], ['vault']],
    ['no audience at all when the server has none', ['a'], ['b'], [], []],
  ])('answers %s', async (_n, aud, requested, implicit, want) => {
    const { a } = authenticator(keys(rsaPublic), { implicitAudiences: implicit });
    expect(await a.authenticate(bound(aud), requested)).toEqual({ kind: 'ok', token: ok, audiences: want });
  });

  it.each([
    ['mixed audiences, none requested', ['a', 'b'], ['c'], 'token audiences ["a" "b"] is invalid for the target audiences ["c"]'],
    ['an API token asked for another audience', ['api'], ['vault'], 'token audiences ["api"] is invalid for the target audiences ["vault"]'],
    ['a token without aud asked for another audience (it gets the implicit ones)', undefined, ['vault'], 'token audiences ["api"] is invalid for the target audiences ["vault"]'],
    ['a token for another audience asked for the implicit ones', ['vault'], undefined, 'token audiences ["vault"] is invalid for the target audiences ["api"]'],
    ['audiences quoted as Go does', ['a"b'], ['c\nd'], 'token audiences ["a\\"b"] is invalid for the target audiences ["c\\nd"]'],
  ])('refuses %s', async (_n, aud, requested, message) => {
    const { a, seen } = authenticator(keys(rsaPublic));
    expect(await a.authenticate(bound(aud), requested)).toEqual({ kind: 'error', message });
    expect(seen).toEqual([]);
  });

  it('intersects in the order of the requested list, keeping its repeats', () => {
    expect(intersectAudiences(['a', 'b'], ['b', 'a', 'b', 'z'])).toEqual(['b', 'a', 'b']);
    expect(intersectAudiences([], ['a'])).toEqual([]);
    expect(intersectAudiences(['a'], [])).toEqual([]);
  });
});

describe('JwtAuthenticator: the validator', () => {
  it.each([
    ['an Error, as its message', async () => Promise.reject(new Error('service account token has expired')), 'service account token has expired'],
    ['anything else, as a string', async () => Promise.reject('plain'), 'plain'],
  ])('turns a rejection with %s into the error', async (_n, validator, message) => {
    const { a } = authenticator(keys(rsaPublic), { validator: validator as ClaimsValidator });
    expect(await a.authenticate(rsaToken(), undefined)).toEqual({ kind: 'error', message });
  });
});
