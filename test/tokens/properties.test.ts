import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { fixture, ISSUER, T0 } from '../helpers/emulator.js';
import { controlPlaneOf } from '../../src/emulator.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await fixture();
});
afterAll(() => emu.close());

const specArb = fc.record({
  audiences: fc.option(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  expirationSeconds: fc.option(fc.integer({ min: 600, max: 10 * 365 * 86400 }), { nil: undefined }),
  bound: fc.constantFrom(undefined, 'Pod', 'Secret', 'Node'),
});

const names: Record<string, string> = { Pod: 'web-0', Secret: 'creds', Node: 'node-1' };

describe('properties of issued tokens', () => {
  it('every issued token verifies with jose against the emulator JWKS, issuer and audiences', async () => {
    const jwks = createLocalJWKSet(emu.jwks() as JSONWebKeySet);
    await fc.assert(
      fc.asyncProperty(specArb, async (s) => {
        const tr = await emu.requestToken('default', 'build-robot', {
          ...(s.audiences ? { audiences: s.audiences } : {}),
          ...(s.expirationSeconds ? { expirationSeconds: s.expirationSeconds } : {}),
          ...(s.bound ? { boundObjectRef: { kind: s.bound, name: names[s.bound]! } } : {}),
        });
        const { payload, protectedHeader } = await jwtVerify(tr.status.token, jwks, { issuer: ISSUER, audience: s.audiences ?? [ISSUER], currentDate: new Date(T0), clockTolerance: 60 });
        expect(protectedHeader.kid).toBe(controlPlaneOf(emu).keys.keySet.signingKey!.kid);
        expect(payload.sub).toBe('system:serviceaccount:default:build-robot');
        expect((await emu.reviewToken(tr.status.token, s.audiences)).authenticated).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('every single-character change to a token is rejected', async () => {
    const token = (await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } })).status.token;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), async (i, ch) => {
        fc.pre(token[i] !== ch);
        const mutated = token.slice(0, i) + ch + token.slice(i + 1);
        const s = await emu.reviewToken(mutated);
        expect(s.authenticated).toBeUndefined();
        expect(s.error).toMatch(/invalid bearer token/);
      }),
      { numRuns: 400 },
    );
  });
});
