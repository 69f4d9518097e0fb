import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdFromPublicKey } from '../../src/keys/index.js';
import { EC_KEY_ID, EC_PRIVATE_KEY, EC_PUBLIC_KEY, RSA_KEY_ID, RSA_PRIVATE_KEY, RSA_PUBLIC_KEY } from './fixtures.js';

const pkcs8 = (pem: string): KeyObject => createPrivateKey(createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }));

describe('keyIdFromPublicKey', () => {
  it.each<[string, KeyObject, string]>([
    ['the RSA public key of jwt_test.go has kid JHJe…', createPublicKey(RSA_PUBLIC_KEY), RSA_KEY_ID],
    ['the EC public key of jwt_test.go has kid SoAB…', createPublicKey(EC_PUBLIC_KEY), EC_KEY_ID],
    ['the RSA PKCS#1 private key has the kid of its public half', createPrivateKey(RSA_PRIVATE_KEY), RSA_KEY_ID],
    ['the EC SEC1 private key has the kid of its public half', createPrivateKey(EC_PRIVATE_KEY), EC_KEY_ID],
    ['the RSA key re-encoded as PKCS#8 keeps its kid', pkcs8(RSA_PRIVATE_KEY), RSA_KEY_ID],
    ['the EC key re-encoded as PKCS#8 keeps its kid', pkcs8(EC_PRIVATE_KEY), EC_KEY_ID],
  ])('%s', (_name, key, kid) => {
    expect(keyIdFromPublicKey(key)).toBe(kid);
  });

  it.each([
    ['RSA 2048', generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
    ['EC P-521', generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey],
  ])('a %s key id is 43 base64url characters without padding', (_name, key) => {
    expect(keyIdFromPublicKey(key)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a symmetric key is refused', () => {
    expect(() => keyIdFromPublicKey(createSecretKey(Buffer.alloc(32, 7)))).toThrow('keyIdFromPublicKey: a symmetric key has no public key id');
  });
});
