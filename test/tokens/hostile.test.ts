import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { fixture } from '../helpers/emulator.js';
import { controlPlaneOf } from '../../src/emulator.js';

let emu: Emulator;
let good: string;
beforeAll(async () => {
  emu = await fixture();
  good = (await emu.requestToken('default', 'build-robot')).status.token;
});
afterAll(() => emu.close());

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function parts(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}

describe('hostile tokens get the Kubernetes outcome, never an exception', () => {
  it('accepts the untouched token (control)', async () => {
    expect((await emu.reviewToken(good)).authenticated).toBe(true);
  });

  const cases: Array<[string, () => string, string]> = [
    ['alg none with no signature', () => `${b64({ alg: 'none' })}.${parts(good)[1]}.`, 'invalid bearer token'],
    ['alg none with a signature', () => `${b64({ alg: 'none', kid: controlPlaneOf(emu).keys.keySet.signingKey!.kid })}.${parts(good)[1]}.${b64('x')}`, 'invalid bearer token'],
    [
      'HS256 keyed with the public key',
      () => {
        const h = b64({ alg: 'HS256', kid: controlPlaneOf(emu).keys.keySet.signingKey!.kid });
        const p = parts(good)[1];
        const pub = controlPlaneOf(emu).keys.keySet.signingKey!.publicKey.export({ type: 'spki', format: 'pem' });
        return `${h}.${p}.${createHmac('sha256', pub).update(`${h}.${p}`).digest('base64url')}`;
      },
      'invalid bearer token',
    ],
    ['a crit header', () => `${b64({ alg: 'RS256', kid: controlPlaneOf(emu).keys.keySet.signingKey!.kid, crit: ['exp'], exp: 1 })}.${parts(good)[1]}.${parts(good)[2]}`, 'invalid bearer token'],
    ['a JWE (5 segments)', () => `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`, 'invalid bearer token'],
    ['an unknown kid', () => `${b64({ alg: 'RS256', kid: 'nope' })}.${parts(good)[1]}.${parts(good)[2]}`, '[invalid bearer token, invalid signature, no keys found]'],
    [
      'a tampered payload',
      () => {
        const p = JSON.parse(Buffer.from(parts(good)[1], 'base64url').toString()) as Record<string, unknown>;
        p.sub = 'system:serviceaccount:kube-system:admin';
        return `${parts(good)[0]}.${b64(p)}.${parts(good)[2]}`;
      },
      '[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]',
    ],
    ['padding in the payload', () => `${parts(good)[0]}.${parts(good)[1]}==.${parts(good)[2]}`, 'invalid bearer token'],
    ['standard base64 in the signature', () => `${parts(good)[0]}.${parts(good)[1]}.${parts(good)[2].replace(/-/g, '+').replace(/_/g, '/')}x`, 'invalid bearer token'],
    ['an oversized token', () => `${parts(good)[0]}.${b64({ iss: 'https://kubernetes.default.svc.cluster.local', pad: 'x'.repeat(100_000) })}.${parts(good)[2]}`, 'invalid bearer token'],
    [
      'a signature by another RSA key with our kid',
      () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const h = parts(good)[0];
        const p = parts(good)[1];
        return `${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url')}`;
      },
      '[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]',
    ],
    ['an empty string', () => '', 'invalid bearer token'],
  ];

  it.each(cases)('rejects %s', async (_n, make, error) => {
    const status = await emu.reviewToken(make() || ' ');
    expect(status).toEqual({ user: {}, error });
  });

  it('rejects a signature whose last character only flips unused bits (non-canonical base64url)', async () => {
    const [h, p, s] = parts(good);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(s.at(-1)!);
    const sibling = alphabet[(last & ~0b11) | ((last + 1) & 0b11)]!;
    const forged = `${h}.${p}.${s.slice(0, -1)}${sibling}`;
    expect(Buffer.from(forged.split('.')[2]!, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    expect((await emu.reviewToken(forged)).error).toBe('invalid bearer token');
  });

  it('never accepts a key it does not hold even when the JWKS would (ES256 token, RSA key set)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const h = b64({ alg: 'ES256', kid: controlPlaneOf(emu).keys.keySet.signingKey!.kid });
    const p = parts(good)[1];
    const sig = sign('sha256', Buffer.from(`${h}.${p}`), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    expect((await emu.reviewToken(`${h}.${p}.${sig}`)).error).toBe('invalid bearer token');
  });
});

describe('every algorithm the keys module signs with also verifies', () => {
  it.each([['P-384', 'ES384'], ['P-521', 'ES512']])('%s keys sign %s tokens that review as authenticated', async (curve, alg) => {
    const { generateKeyPairSync: gen } = await import('node:crypto');
    const { KeySet } = await import('../../src/keys/index.js');
    const { fixture: make } = await import('../helpers/emulator.js');
    const e = await make({ keys: { keySet: new KeySet({ signingKey: gen('ec', { namedCurve: curve }).privateKey }) } });
    try {
      const t = (await e.requestToken('default', 'build-robot')).status.token;
      expect(JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).alg).toBe(alg);
      expect((await e.reviewToken(t)).authenticated).toBe(true);
      const tampered = `${t.slice(0, -4)}${t.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      expect((await e.reviewToken(tampered)).authenticated).toBeUndefined();
    } finally {
      await e.close();
    }
  });
});
