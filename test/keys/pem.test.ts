import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { algorithmForKey, decodePemBlocks, keyIdFromPublicKey, parsePrivateKeyPem, parsePublicKeysPem, readPrivateKeyFile, readPublicKeysFile } from '../../src/keys/index.js';
import { EC_KEY_ID, EC_PRIVATE_KEY, EC_PRIVATE_KEY_WITH_PARAMS, EC_PUBLIC_KEY, RSA_KEY_ID, RSA_PRIVATE_KEY, RSA_PUBLIC_KEY } from './fixtures.js';

const rsa = createPrivateKey(RSA_PRIVATE_KEY);
const ec = createPrivateKey(EC_PRIVATE_KEY);
const pem = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1' | 'spki'): string => key.export({ type, format: 'pem' } as never).toString();
const ecOn = (namedCurve: string): KeyObject => generateKeyPairSync('ec', { namedCurve }).privateKey;
const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n';

describe('parsePublicKeysPem', () => {
  it.each<[string, string, string[]]>([
    ['an RSA SPKI public key', RSA_PUBLIC_KEY, [RSA_KEY_ID]],
    ['an RSA PKCS#1 public key (RSA PUBLIC KEY)', pem(createPublicKey(rsa), 'pkcs1'), [RSA_KEY_ID]],
    ['an RSA PKCS#1 private key, reduced to public', RSA_PRIVATE_KEY, [RSA_KEY_ID]],
    ['an RSA PKCS#8 private key, reduced to public', pem(rsa, 'pkcs8'), [RSA_KEY_ID]],
    ['an EC SPKI public key', EC_PUBLIC_KEY, [EC_KEY_ID]],
    ['an EC SEC1 private key, reduced to public', EC_PRIVATE_KEY, [EC_KEY_ID]],
    ['an EC PKCS#8 private key, reduced to public', pem(ec, 'pkcs8'), [EC_KEY_ID]],
    ['several blocks in one file, in order', `${EC_PUBLIC_KEY}\n${RSA_PUBLIC_KEY}`, [EC_KEY_ID, RSA_KEY_ID]],
    ['a certificate among keys, skipped', `${CERTIFICATE}${RSA_PUBLIC_KEY}`, [RSA_KEY_ID]],
    ['CRLF line ends', RSA_PUBLIC_KEY.replace(/\n/g, '\r\n'), [RSA_KEY_ID]],
    ['a key block that does not parse, skipped as Kubernetes does', `-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n${EC_PUBLIC_KEY}`, [EC_KEY_ID]],
  ])('reads %s', (_name, text, kids) => {
    const keys = parsePublicKeysPem(text);
    expect(keys.map((k) => k.type)).toEqual(kids.map(() => 'public'));
    expect(keys.map(keyIdFromPublicKey)).toEqual(kids);
  });

  it.each<[string, string, string]>([
    ['an empty file', '', 'data does not contain any valid RSA or ECDSA public keys'],
    ['a certificate only', CERTIFICATE, 'data does not contain any valid RSA or ECDSA public keys'],
    ['a P-224 key', pem(ecOn('P-224'), 'sec1'), 'unknown private key curve, must be 256, 384, or 521'],
    ['a secp256k1 public key', pem(createPublicKey(ecOn('secp256k1')), 'spki'), 'unknown private key curve, must be 256, 384, or 521'],
    ['an Ed25519 public key', pem(generateKeyPairSync('ed25519').publicKey, 'spki'), 'unsupported key type "ed25519", must be RSA or ECDSA (P-256, P-384 or P-521)'],
    ['an RSA-PSS private key', pem(generateKeyPairSync('rsa-pss', { modulusLength: 1024 }).privateKey, 'pkcs8'), 'unsupported key type "rsa-pss", must be RSA or ECDSA (P-256, P-384 or P-521)'],
    ['an encrypted PKCS#8 key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n', 'PEM block "ENCRYPTED PRIVATE KEY" is encrypted; only unencrypted keys are supported'],
    ['a legacy encrypted RSA key', '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMAA=\n-----END RSA PRIVATE KEY-----\n', 'PEM block "RSA PRIVATE KEY" is encrypted; only unencrypted keys are supported'],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parsePublicKeysPem(text)).toThrow(new Error(message));
  });
});

describe('parsePrivateKeyPem', () => {
  it.each<[string, string, string]>([
    ['an RSA PKCS#1 key', RSA_PRIVATE_KEY, RSA_KEY_ID],
    ['an RSA PKCS#8 key', pem(rsa, 'pkcs8'), RSA_KEY_ID],
    ['an EC SEC1 key', EC_PRIVATE_KEY, EC_KEY_ID],
    ['an EC PKCS#8 key', pem(ec, 'pkcs8'), EC_KEY_ID],
    ['an EC key after an EC PARAMETERS block', EC_PRIVATE_KEY_WITH_PARAMS, keyIdFromPublicKey(createPrivateKey(EC_PRIVATE_KEY_WITH_PARAMS))],
    ['the first private key after a public one', `${RSA_PUBLIC_KEY}${EC_PRIVATE_KEY}`, EC_KEY_ID],
  ])('reads %s', (_name, text, kid) => {
    const key = parsePrivateKeyPem(text);
    expect([key.type, keyIdFromPublicKey(key)]).toEqual(['private', kid]);
  });

  it.each<[string, string]>([
    ['an empty text', ''],
    ['a public key only', RSA_PUBLIC_KEY],
    ['a certificate only', CERTIFICATE],
  ])('rejects %s with Kubernetes\' message', (_name, text) => {
    expect(() => parsePrivateKeyPem(text)).toThrow(new Error('data does not contain a valid RSA or ECDSA private key'));
  });
});

describe('decodePemBlocks', () => {
  it('keeps headers and skips a block whose base64 is broken', () => {
    const text = '-----BEGIN X-----\nA: b\nC: d\n\nAAEC\n-----END X-----\n-----BEGIN Y-----\n!!!!\n-----END Y-----\n';
    expect(decodePemBlocks(text)).toEqual([{ type: 'X', headers: { A: 'b', C: 'd' }, der: Buffer.from([0, 1, 2]) }]);
  });
});

describe('algorithmForKey', () => {
  it.each<[string, KeyObject, string]>([
    ['RSA 2048', rsa, 'RS256'],
    ['RSA 1024 (any modulus)', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, 'RS256'],
    ['EC P-256', ec, 'ES256'],
    ['EC P-384', ecOn('P-384'), 'ES384'],
    ['EC P-521', ecOn('P-521'), 'ES512'],
  ])('%s signs with %s', (_name, key, alg) => {
    expect(algorithmForKey(key)).toBe(alg);
  });

  it('names the file of an unsupported key', () => {
    expect(() => algorithmForKey(generateKeyPairSync('ed25519').privateKey, '/etc/sa.key')).toThrow(
      new Error('unsupported key type "ed25519" in /etc/sa.key, must be RSA or ECDSA (P-256, P-384 or P-521)'),
    );
  });
});

describe('reading key files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'satoken-pem-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it.each<[string, () => Promise<unknown>, string]>([
    ['a missing private key file', () => readPrivateKeyFile(join(dir, 'none.key')), `open ${join(dir, 'none.key')}: no such file or directory`],
    ['a missing public key file', () => readPublicKeysFile(join(dir, 'none.pub')), `open ${join(dir, 'none.pub')}: no such file or directory`],
    ['a directory given as a key file', () => readPublicKeysFile(dir), `read ${dir}: is a directory`],
    ['a private key file without a key', () => readPrivateKeyFile(file('pub-only.key', RSA_PUBLIC_KEY)), `error reading private key file ${join(dir, 'pub-only.key')}: data does not contain a valid RSA or ECDSA private key`],
    ['a public key file without a key', () => readPublicKeysFile(file('empty.pub', '')), `error reading public key file ${join(dir, 'empty.pub')}: data does not contain any valid RSA or ECDSA public keys`],
    ['a public key file on another curve', () => readPublicKeysFile(file('p224.pub', pem(ecOn('P-224'), 'sec1'))), `error reading public key file ${join(dir, 'p224.pub')}: unknown private key curve, must be 256, 384, or 521`],
  ])('%s fails as Go words it', async (_name, read, message) => {
    await expect(read()).rejects.toThrow(new Error(message));
  });
});
