import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeySet, type KeyFilesOptions } from '../../src/keys/index.js';
import { EC_KEY_ID, EC_PRIVATE_KEY, EC_PUBLIC_KEY, RSA_KEY_ID, RSA_PRIVATE_KEY, RSA_PUBLIC_KEY } from './fixtures.js';

const rsaPrivate = createPrivateKey(RSA_PRIVATE_KEY);
const rsaPublic = createPublicKey(RSA_PUBLIC_KEY);
const ecPublic = createPublicKey(EC_PUBLIC_KEY);
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
const kidsOf = (keys: readonly { kid: string }[]): string[] => keys.map((k) => k.kid);

describe('KeySet', () => {
  const keys = new KeySet({ signingKey: rsaPrivate, verificationKeys: [ecPublic, rsaPublic] });

  it('describes its signing key by kid and algorithm', () => {
    expect([keys.signingKey?.kid, keys.signingKey?.alg, keys.signingKey?.privateKey.type, keys.signingKey?.publicKey.type]).toEqual([RSA_KEY_ID, 'RS256', 'private', 'public']);
  });

  it.each<[string, KeySet, string[]]>([
    ['verification keys keep the order given', keys, [EC_KEY_ID, RSA_KEY_ID]],
    ['the signing key is appended when the given keys lack it', new KeySet({ signingKey: rsaPrivate, verificationKeys: [ecPublic] }), [EC_KEY_ID, RSA_KEY_ID]],
    ['a signing key alone verifies itself', KeySet.fromPrivateKey(rsaPrivate), [RSA_KEY_ID]],
    ['a key given twice (private and public) is kept once', new KeySet({ verificationKeys: [rsaPrivate, rsaPublic, ecPublic] }), [RSA_KEY_ID, EC_KEY_ID]],
    ['a verify-only set has no signing key', new KeySet({ verificationKeys: [ecPublic] }), [EC_KEY_ID]],
    ['an empty set has no keys', new KeySet(), []],
  ])('%s', (_name, set, kids) => {
    expect(kidsOf(set.verificationKeys)).toEqual(kids);
    expect(set.verificationKeys.every((k) => k.publicKey.type === 'public')).toBe(true);
  });

  it.each<[string, string | undefined, string[]]>([
    ['a known kid finds its key', EC_KEY_ID, [EC_KEY_ID]],
    ['an unknown kid finds nothing', 'nope', []],
    ['an empty kid finds every key, as Kubernetes does', '', [EC_KEY_ID, RSA_KEY_ID]],
    ['no kid finds every key', undefined, [EC_KEY_ID, RSA_KEY_ID]],
  ])('keysFor: %s', (_name, kid, kids) => {
    expect(kidsOf(keys.keysFor(kid))).toEqual(kids);
  });

  it.each<[string, KeySet, string[]]>([
    ['RSA and EC P-256', keys, ['ES256', 'RS256']],
    ['two keys of one algorithm', new KeySet({ verificationKeys: [rsaPublic, generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey] }), ['RS256']],
    ['P-384 and RSA', new KeySet({ verificationKeys: [p384, rsaPublic] }), ['ES384', 'RS256']],
    ['no keys', new KeySet(), []],
  ])('algorithms are sorted and unique: %s', (_name, set, algs) => {
    expect(set.algorithms()).toEqual(algs);
  });

  it.each<[string, string, boolean]>([
    ['the RSA kid', RSA_KEY_ID, true],
    ['the EC kid', EC_KEY_ID, true],
    ['an unknown kid', 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYV', false],
    ['the empty kid', '', false],
  ])('hasKid: %s → %s', (_name, kid, has) => {
    expect(keys.hasKid(kid)).toBe(has);
  });

  it.each<[string, () => KeySet, string]>([
    ['a public signing key', () => new KeySet({ signingKey: rsaPublic }), 'the signing key must be a private key, got a public key'],
    ['an Ed25519 verification key', () => new KeySet({ verificationKeys: [generateKeyPairSync('ed25519').publicKey] }), 'unsupported key type "ed25519", must be RSA or ECDSA (P-256, P-384 or P-521)'],
    ['a P-224 signing key', () => KeySet.fromPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-224' }).privateKey), 'unknown private key curve, must be 256, 384, or 521'],
  ])('refuses %s', (_name, build, message) => {
    expect(build).toThrow(new Error(message));
  });

  it('looks up 10 000 kids among 50 keys in well under a second', () => {
    const many: KeyObject[] = Array.from({ length: 50 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    const set = new KeySet({ verificationKeys: many });
    const kid = set.verificationKeys[49]!.kid;
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) set.keysFor(kid);
    expect(performance.now() - started).toBeLessThan(200);
    expect(set.keysFor(kid)).toBe(set.keysFor(kid));
  });
});

describe('KeySet.fromFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'satoken-keyset-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const saKey = file('sa.key', RSA_PRIVATE_KEY);
  const both = file('both.pub', `${RSA_PUBLIC_KEY}${EC_PUBLIC_KEY}`);
  const ecKey = file('ec.key', EC_PRIVATE_KEY);
  const ed = file('ed.key', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const p224 = file('p224.key', generateKeyPairSync('ec', { namedCurve: 'P-224' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString());

  it.each<[string, KeyFilesOptions, string | undefined, string[]]>([
    ['a signing key and a file with two public keys', { signingKeyFile: saKey, keyFiles: [both] }, RSA_KEY_ID, [RSA_KEY_ID, EC_KEY_ID]],
    ['key files only (a verify-only server)', { keyFiles: [ecKey, saKey] }, undefined, [EC_KEY_ID, RSA_KEY_ID]],
    ['an empty signing key flag, as an unset flag', { signingKeyFile: '', keyFiles: [ecKey] }, undefined, [EC_KEY_ID]],
  ])('loads %s', async (_name, options, signingKid, kids) => {
    const set = await KeySet.fromFiles(options);
    expect([set.signingKey?.kid, kidsOf(set.verificationKeys)]).toEqual([signingKid, kids]);
  });

  it.each<[string, KeyFilesOptions, string]>([
    ['no key file', { signingKeyFile: saKey, keyFiles: [] }, 'either `--service-account-key-file` or `--service-account-signing-endpoint` must be set'],
    ['a missing signing key file', { signingKeyFile: join(dir, 'nope'), keyFiles: [both] }, `failed to parse service-account-issuer-key-file: open ${join(dir, 'nope')}: no such file or directory`],
    ['a signing key file holding a public key', { signingKeyFile: both, keyFiles: [both] }, `failed to parse service-account-issuer-key-file: error reading private key file ${both}: data does not contain a valid RSA or ECDSA private key`],
    ['an Ed25519 signing key', { signingKeyFile: ed, keyFiles: [both] }, `failed to build token generator: unsupported key type "ed25519" in ${ed}, must be RSA or ECDSA (P-256, P-384 or P-521)`],
    ['a P-224 signing key', { signingKeyFile: p224, keyFiles: [both] }, 'failed to build token generator: unknown private key curve, must be 256, 384, or 521'],
    ['a missing key file', { keyFiles: [both, join(dir, 'gone.pub')] }, `open ${join(dir, 'gone.pub')}: no such file or directory`],
    ['an Ed25519 key file', { keyFiles: [ed] }, `error reading public key file ${ed}: unsupported key type "ed25519", must be RSA or ECDSA (P-256, P-384 or P-521)`],
  ])('fails on %s', async (_name, options, message) => {
    await expect(KeySet.fromFiles(options)).rejects.toThrow(new Error(message));
  });
});
