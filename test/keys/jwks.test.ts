import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeySet, renderJwks, type EcJwk } from '../../src/keys/index.js';
import { EC_PRIVATE_KEY, EC_PUBLIC_KEY, JWKS_VECTOR, RSA_PRIVATE_KEY, RSA_PUBLIC_KEY } from './fixtures.js';

describe('renderJwks', () => {
  it.each<[string, KeySet]>([
    ['the two public keys of §2.2', new KeySet({ verificationKeys: [createPublicKey(RSA_PUBLIC_KEY), createPublicKey(EC_PUBLIC_KEY)] })],
    ['the matching private keys (published as public only)', new KeySet({ verificationKeys: [createPrivateKey(RSA_PRIVATE_KEY), createPrivateKey(EC_PRIVATE_KEY)] })],
    ['an RSA signing key and the EC key', new KeySet({ signingKey: createPrivateKey(RSA_PRIVATE_KEY), verificationKeys: [createPublicKey(RSA_PUBLIC_KEY), createPublicKey(EC_PUBLIC_KEY)] })],
  ])('reproduces kube-apiserver\'s JWKS byte for byte from %s', (_name, keys) => {
    expect(JSON.stringify(renderJwks(keys))).toBe(JWKS_VECTOR);
  });

  it.each<[string, string, string, number]>([
    ['P-384', 'P-384', 'ES384', 64],
    ['P-521', 'P-521', 'ES512', 88],
  ])('writes an EC %s key in go-jose member order with fixed-size coordinates', (_name, namedCurve, alg, coordinateChars) => {
    const keys = new KeySet({ verificationKeys: [generateKeyPairSync('ec', { namedCurve }).publicKey] });
    const jwk = renderJwks(keys).keys[0] as EcJwk;
    expect(Object.keys(jwk)).toEqual(['use', 'kty', 'kid', 'crv', 'alg', 'x', 'y']);
    expect([jwk.use, jwk.kty, jwk.kid, jwk.crv, jwk.alg, jwk.x.length, jwk.y.length]).toEqual(['sig', 'EC', keys.verificationKeys[0]!.kid, namedCurve, alg, coordinateChars, coordinateChars]);
  });

  it('never publishes private members', () => {
    const text = JSON.stringify(renderJwks(new KeySet({ signingKey: createPrivateKey(RSA_PRIVATE_KEY) })));
    expect(text).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
  });
});
