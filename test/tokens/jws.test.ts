import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeJws, MAX_TOKEN_LENGTH, signedWith, verifyWithKeys, type DecodedJws } from '../../src/tokens/jws.js';
import type { VerificationKey } from '../../src/tokens/key-source.js';
import { b64, ecPrivateKey, rsaPrivateKey, signJws } from './fixtures.js';

const HEADER = { alg: 'RS256', kid: 'k1' };
const PAYLOAD = { iss: 'https://issuer', sub: 'system:serviceaccount:ns:sa' };
const SIG = b64('signature-bytes');
const token = (h: string = b64(HEADER), p: string = b64(PAYLOAD), s: string = SIG) => `${h}.${p}.${s}`;

const rsaPublic = createPublicKey(rsaPrivateKey);
const ecPublic = createPublicKey(ecPrivateKey);
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
/** secp256k1 signs 64-byte r||s like P-256: only the curve check tells them apart */
const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const vk = (alg: string, publicKey = rsaPublic, kid = 'k'): VerificationKey => ({ kid, alg, publicKey });
const decoded = (t: string): DecodedJws => {
  const d = decodeJws(t);
  if (!d) throw new Error(`not a JWS: ${t}`);
  return d;
};

/** A syntactically valid JWS of exactly `length` characters (decodeJws does not check the signature). */
function tokenOfLength(length: number): string {
  const h = b64(HEADER);
  for (let pad = Math.max(0, Math.floor(((length - h.length) * 3) / 4) - 40); ; pad++) {
    const p = b64({ pad: 'x'.repeat(pad) });
    const rest = length - h.length - p.length - 2;
    if (rest < 2) throw new Error('cannot reach that length');
    // 'A' is six zero bits: any run of them is canonical base64url unless its length is 1 mod 4
    if (rest % 4 !== 1) return `${h}.${p}.${'A'.repeat(rest)}`;
  }
}

describe('decodeJws: a compact JWS, or "not mine"', () => {
  it('decodes header, payload, the signing input and the signature bytes', () => {
    const t = token();
    expect(decodeJws(t)).toEqual({ header: HEADER, payload: PAYLOAD, signingInput: Buffer.from(`${b64(HEADER)}.${b64(PAYLOAD)}`), signature: Buffer.from('signature-bytes') });
  });

  it('accepts a token of exactly MAX_TOKEN_LENGTH (64 KiB) characters and refuses one more', () => {
    expect(MAX_TOKEN_LENGTH).toBe(65536);
    const exact = tokenOfLength(MAX_TOKEN_LENGTH);
    expect(exact).toHaveLength(65536);
    expect(decodeJws(exact)?.header).toEqual(HEADER);
    const oneMore = tokenOfLength(MAX_TOKEN_LENGTH + 1);
    expect(oneMore).toHaveLength(65537);
    expect(decodeJws(oneMore)).toBeUndefined();
  });

  it.each([
    ['two segments', `${b64(HEADER)}.${b64(PAYLOAD)}`],
    ['four segments', `${token()}.${SIG}`],
    ['one segment', b64(HEADER)],
    ['the empty string', ''],
    ['JSON serialization', JSON.stringify({ payload: b64(PAYLOAD), protected: b64(HEADER), signature: SIG })],
    ['JSON serialization after whitespace', `  \n{"payload":"${b64(PAYLOAD)}"}`],
    ['a padded header', token(`${b64({ alg: 'RS256' })}=`)],
    ['a padded payload', token(undefined, `${b64({ a: 1 })}=`)],
    ['a padded signature', token(undefined, undefined, `${b64('si')}=`)],
    ['standard base64 (+ and /) in the signature', token(undefined, undefined, Buffer.from([0xfb, 0xff, 0xbf]).toString('base64'))],
    ['stray bits in the last character of the payload', token(undefined, b64({ a: 1 }).slice(0, -1) + 'Z')],
    ['a header that is not base64url', token('ey!')],
    ['a payload that is not base64url', token(undefined, 'ey!')],
    ['a signature that is not base64url', token(undefined, undefined, 'c2ln!')],
    ['an empty signature', token(undefined, undefined, '')],
    ['a header that is not JSON', token(b64('not json'))],
    ['a payload that is not JSON', token(undefined, b64('{"iss":'))],
    ['a header that is a JSON array', token(b64([HEADER]))],
    ['a payload that is a JSON array', token(undefined, b64([PAYLOAD]))],
    ['a header that is JSON null', token(b64('null'))],
    ['a payload that is JSON null', token(undefined, b64('null'))],
    ['a payload that is a JSON string', token(undefined, b64('"iss"'))],
    ['a payload that is a JSON number', token(undefined, b64('1'))],
    ['a header that is JSON true', token(b64('true'))],
  ])('refuses %s', (_name, t) => {
    expect(decodeJws(t)).toBeUndefined();
  });

  it('keeps an empty header object and an empty payload object (they are JSON objects)', () => {
    expect(decodeJws(token(b64({}), b64({})))).toMatchObject({ header: {}, payload: {} });
  });
});

describe('signedWith: jwt.ParseSigned header checks with the allowed algorithms', () => {
  const withHeader = (h: object) => decoded(token(b64(h)));

  it.each([
    ['RS256 with a kid', { alg: 'RS256', kid: 'abc' }, ['RS256'], { alg: 'RS256', kid: 'abc' }],
    ['ES256 among several', { alg: 'ES256', kid: 'k' }, ['ES256', 'RS256'], { alg: 'ES256', kid: 'k' }],
    ['no kid', { alg: 'RS256' }, ['RS256'], { alg: 'RS256', kid: undefined }],
    ['an empty kid (all keys)', { alg: 'RS256', kid: '' }, ['RS256'], { alg: 'RS256', kid: undefined }],
    ['a typ member (ignored)', { alg: 'RS256', typ: 'JWT' }, ['RS256'], { alg: 'RS256', kid: undefined }],
  ])('accepts %s', (_n, h, algs, want) => {
    expect(signedWith(withHeader(h), algs)).toEqual(want);
  });

  it.each([
    ['alg none', { alg: 'none' }, ['RS256']],
    ['an HMAC', { alg: 'HS256', kid: 'k' }, ['RS256', 'ES256']],
    ['an algorithm the keys do not have', { alg: 'ES256' }, ['RS256']],
    ['no algorithm', { kid: 'k' }, ['RS256']],
    ['an algorithm that is not a string', { alg: ['RS256'] }, ['RS256']],
    ['a crit member', { alg: 'RS256', crit: ['exp'] }, ['RS256']],
    ['an enc member (JWE)', { alg: 'RS256', enc: 'A128GCM' }, ['RS256']],
    ['a b64 member (unencoded payload)', { alg: 'RS256', b64: false }, ['RS256']],
    ['a kid that is a number', { alg: 'RS256', kid: 7 }, ['RS256']],
    ['a kid that is null', { alg: 'RS256', kid: null }, ['RS256']],
    ['any algorithm when none are allowed', { alg: 'RS256' }, []],
  ])('refuses %s', (_n, h, algs) => {
    expect(signedWith(withHeader(h), algs)).toBeUndefined();
  });
});

describe("verifyWithKeys: each candidate key as go-jose's loop tries it", () => {
  const rs = decoded(signJws({ alg: 'RS256' }, PAYLOAD));
  const es = decoded(signJws({ alg: 'ES256' }, PAYLOAD, ecPrivateKey));

  it('verifies RS256 and ES256 with the matching key', () => {
    expect(verifyWithKeys(rs, 'RS256', [vk('RS256')])).toBeUndefined();
    expect(verifyWithKeys(es, 'ES256', [vk('ES256', ecPublic)])).toBeUndefined();
  });

  it.each([
    ['ES384', p384],
    ['ES512', p521],
  ] as const)('verifies %s with a key of its curve', (alg, pair) => {
    const d = decoded(signJws({ alg }, PAYLOAD, pair.privateKey));
    expect(verifyWithKeys(d, alg, [vk(alg, pair.publicKey)])).toBeUndefined();
  });

  it('tries keys in order: the rotated-in key verifies after the others failed', () => {
    expect(verifyWithKeys(rs, 'RS256', [vk('ES256', ecPublic), vk('RS256', rsa1024.publicKey), vk('RS256')])).toBeUndefined();
  });

  it('says, per key, whether the algorithm or the signature failed', () => {
    expect(verifyWithKeys(rs, 'RS256', [vk('ES256', ecPublic), vk('RS256', rsa1024.publicKey)])).toEqual([
      'go-jose/go-jose: unexpected signature algorithm',
      'go-jose/go-jose: error in cryptographic primitive',
    ]);
  });

  it('answers no errors at all for no keys (the caller says "no keys found")', () => {
    expect(verifyWithKeys(rs, 'RS256', [])).toEqual([]);
  });

  it('refuses a signature over other bytes', () => {
    const tampered = { ...rs, signingInput: Buffer.concat([rs.signingInput, Buffer.from('x')]) };
    expect(verifyWithKeys(tampered, 'RS256', [vk('RS256')])).toEqual(['go-jose/go-jose: error in cryptographic primitive']);
  });

  it.each([
    ['an RSA key shorter than 2048 bits', signJws({ alg: 'RS256' }, PAYLOAD, rsa1024.privateKey), 'RS256', rsa1024.publicKey],
    ['an EC key for RS256', signJws({ alg: 'RS256' }, PAYLOAD), 'RS256', ecPublic],
    ['an RSA key for ES256', signJws({ alg: 'ES256' }, PAYLOAD, ecPrivateKey), 'ES256', rsaPublic],
    ['a P-384 key for ES256', signJws({ alg: 'ES256' }, PAYLOAD, p384.privateKey, 'ES256'), 'ES256', p384.publicKey],
    ['a P-256 key for ES384', signJws({ alg: 'ES384' }, PAYLOAD, ecPrivateKey, 'ES384'), 'ES384', ecPublic],
    ['an algorithm Kubernetes does not sign with', signJws({ alg: 'PS256' }, PAYLOAD), 'PS256', rsaPublic],
  ])('refuses %s', (_n, t, alg, publicKey) => {
    expect(verifyWithKeys(decoded(t), alg, [vk(alg, publicKey)])).toEqual(['go-jose/go-jose: error in cryptographic primitive']);
  });

  it('refuses an ECDSA signature in DER form (JWS wants raw r||s of the curve size)', () => {
    const input = `${b64({ alg: 'ES256' })}.${b64(PAYLOAD)}`;
    const der = sign('sha256', Buffer.from(input), ecPrivateKey);
    const d = decoded(`${input}.${der.toString('base64url')}`);
    expect(verifyWithKeys(d, 'ES256', [vk('ES256', ecPublic)])).toEqual(['go-jose/go-jose: error in cryptographic primitive']);
    // the same signature as r||s verifies
    const raw = sign('sha256', Buffer.from(input), { key: ecPrivateKey, dsaEncoding: 'ieee-p1363' });
    expect(verifyWithKeys(decoded(`${input}.${raw.toString('base64url')}`), 'ES256', [vk('ES256', ecPublic)])).toBeUndefined();
  });

  it('refuses an ES256 signature made on secp256k1, though it has the length of a P-256 one (go-jose wants the P-256 curve)', () => {
    const t = signJws({ alg: 'ES256' }, PAYLOAD, k256.privateKey, 'ES256');
    expect(decoded(t).signature).toHaveLength(64);
    expect(verifyWithKeys(decoded(t), 'ES256', [vk('ES256', k256.publicKey)])).toEqual(['go-jose/go-jose: error in cryptographic primitive']);
  });

  it('counts a key node:crypto cannot use as a failed signature, never a throw', () => {
    const unusable = { asymmetricKeyType: 'rsa', asymmetricKeyDetails: { modulusLength: 2048 } } as unknown as KeyObject;
    expect(verifyWithKeys(rs, 'RS256', [vk('RS256', unusable), vk('RS256')])).toBeUndefined();
    expect(verifyWithKeys(rs, 'RS256', [vk('RS256', unusable)])).toEqual(['go-jose/go-jose: error in cryptographic primitive']);
  });

  it.each([
    ['ES256', 63],
    ['ES256', 65],
  ])('refuses an %s signature of %i bytes', (alg, len) => {
    const input = `${b64({ alg })}.${b64(PAYLOAD)}`;
    const d = decoded(`${input}.${Buffer.alloc(len, 1).toString('base64url')}`);
    expect(verifyWithKeys(d, alg, [vk(alg, ecPublic)])).toEqual(['go-jose/go-jose: error in cryptographic primitive']);
  });
});
