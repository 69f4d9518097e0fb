import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { KeySet } from '../../src/keys/index.js';
import { renderJwks } from '../../src/keys/jwks.js';
import { signToken } from '../../src/tokens/signer.js';
import { fixture, payloadOf } from '../helpers/emulator.js';

const KEYS = {
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  ES384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
  ES512: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey,
} as const;

describe('signToken: node:crypto signatures that an independent verifier (jose) accepts', () => {
  for (const [alg, make] of Object.entries(KEYS)) {
    for (const mode of ['inline', 'pool'] as const) {
      it(`${alg}, signed ${mode}: header exactly {alg,kid}, canonical claims, valid against the JWKS`, async () => {
        const keys = new KeySet({ signingKey: make() });
        const claims = { sub: 'system:serviceaccount:default:x', aud: ['a'], iss: 'https://issuer', 'kubernetes.io': { z: 1, a: '<&>' } };
        const token = await signToken(keys, claims, mode);
        const [h, p] = token.split('.') as [string, string];
        expect(Buffer.from(h, 'base64url').toString()).toBe(JSON.stringify({ alg, kid: keys.signingKey!.kid }));
        // keys sorted at every level, Go's escaping of <, > and &
        expect(Buffer.from(p, 'base64url').toString()).toBe(
          '{"aud":["a"],"iss":"https://issuer","kubernetes.io":{"a":"\\u003c\\u0026\\u003e","z":1},"sub":"system:serviceaccount:default:x"}',
        );
        const jwks = createLocalJWKSet(renderJwks(keys) as never);
        const { payload, protectedHeader } = await compactVerify(token, jwks);
        expect(protectedHeader).toEqual({ alg, kid: keys.signingKey!.kid });
        expect(JSON.parse(Buffer.from(payload).toString()).sub).toBe(claims.sub);
      });
    }
  }

  it('refuses to sign without a signing key', async () => {
    const verifyOnly = new KeySet({ verificationKeys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey] });
    await expect(signToken(verifyOnly, { sub: 'x' })).rejects.toThrow('no service account signing key is configured');
  });
});

describe("createEmulator({ signing: 'pool' })", () => {
  it('issues tokens on the thread pool that review as authenticated and verify with jose', async () => {
    const emu = await fixture({ signing: 'pool' });
    try {
      const tokens = await Promise.all(Array.from({ length: 8 }, () => emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } })));
      const jwks = createLocalJWKSet(emu.jwks() as never);
      for (const t of tokens) {
        expect(decodeProtectedHeader(t.status.token).alg).toBe('RS256');
        await compactVerify(t.status.token, jwks);
        expect((await emu.reviewToken(t.status.token)).authenticated).toBe(true);
      }
      expect(new Set(tokens.map((t) => payloadOf(t.status.token).jti)).size).toBe(8);
    } finally {
      await emu.close();
    }
  });
});
