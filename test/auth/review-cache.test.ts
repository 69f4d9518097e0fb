import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PresentedToken } from '../../src/auth/authenticators/bearer-token-chain.js';
import { ReviewCache } from '../../src/auth/authenticators/review-cache.js';
import type { Emulator } from '../../src/emulator.js';
import { fixture } from '../helpers/emulator.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await fixture();
});
afterEach(() => emu.close());

const POD = { kind: 'Pod', name: 'web-0' } as const;

describe('review cache keys: no two (token, audiences) pairs share one', () => {
  it.each([
    ['a NUL and an audience moved into the token', ['T\0x', ['y']], ['T', ['x', 'y']]],
    ['the same, without audiences', ['T\0x', []], ['T', ['x']]],
    ['one audience holding a NUL, or two audiences', ['T', ['a\0b']], ['T', ['a', 'b']]],
    ['an audience list, or the same list with an empty audience', ['T', ['a']], ['T', ['a', '']]],
  ] as const)('%s', (_name, [t1, a1], [t2, a2]) => {
    // keyed by the token's digest, as the chain computes it once (PresentedToken.digest)
    expect(ReviewCache.key(new PresentedToken(t1).digest, a1)).not.toBe(ReviewCache.key(new PresentedToken(t2).digest, a2));
  });

  it('is stable for the same pair', () => {
    expect(ReviewCache.key(new PresentedToken('T').digest, ['a', 'b'])).toBe(ReviewCache.key(new PresentedToken('T').digest, ['a', 'b']));
  });
});

describe('a cached review answers only for the token and audiences it was made for', () => {
  it('a valid token with a NUL and an audience appended is not accepted from the cache', async () => {
    const t = (await emu.requestToken('default', 'build-robot', { audiences: ['x', 'y'], boundObjectRef: POD })).status.token;
    expect((await emu.reviewToken(t, ['x', 'y'])).authenticated).toBe(true); // now cached
    const forged = await emu.reviewToken(`${t}\0x`, ['y']);
    expect(forged.authenticated).toBeUndefined();
    expect(forged.error).toBe('invalid bearer token');
  });

  it('audiences ["a\\0b"] are not audiences ["a", "b"]', async () => {
    const t = (await emu.requestToken('default', 'build-robot', { audiences: ['a', 'b'], boundObjectRef: POD })).status.token;
    expect((await emu.reviewToken(t, ['a', 'b'])).authenticated).toBe(true);
    const other = await emu.reviewToken(t, ['a\0b']);
    expect(other.authenticated).toBeUndefined();
    expect(other.error).toContain('token audiences');
  });
});

describe('the API audiences and explicit audiences have separate entries', () => {
  it('a token for the API audiences, cached by a review without audiences, does not answer for "vault"', async () => {
    const t = (await emu.requestToken('default', 'build-robot', { boundObjectRef: POD })).status.token;
    expect((await emu.reviewToken(t)).authenticated).toBe(true);
    expect((await emu.reviewToken(t)).authenticated).toBe(true); // a hit
    expect((await emu.reviewToken(t, ['vault'])).error).toContain('token audiences');
  });

  it('a "vault" token, cached by a review for "vault", does not answer a review without audiences', async () => {
    const t = (await emu.requestToken('default', 'build-robot', { audiences: ['vault'], boundObjectRef: POD })).status.token;
    expect((await emu.reviewToken(t, ['vault'])).authenticated).toBe(true);
    expect((await emu.reviewToken(t, ['vault'])).authenticated).toBe(true); // a hit
    expect((await emu.reviewToken(t)).error).toContain('token audiences');
    expect((await emu.reviewToken(t, [emu.issuer])).error).toContain('token audiences');
  });
});

describe('answers from the cache cannot change the cache', () => {
  it('the shared arrays of a cached answer are frozen, and later answers are intact', async () => {
    const t = (await emu.requestToken('default', 'build-robot', { boundObjectRef: POD })).status.token;
    const first = await emu.reviewToken(t); // verified, then cached
    first.user.groups!.push('system:masters'); // the first answer is the caller's own
    const hit = await emu.reviewToken(t);
    expect(hit.user.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    expect(() => hit.user.groups!.push('system:masters')).toThrow(TypeError);
    expect(() => hit.audiences!.push('other')).toThrow(TypeError);
    expect(() => hit.user.extra!['authentication.kubernetes.io/pod-name']!.push('x')).toThrow(TypeError);
    hit.user.username = 'someone-else'; // the answer object itself is the caller's
    const again = await emu.reviewToken(t);
    expect(again.user.username).toBe('system:serviceaccount:default:build-robot');
    expect(again.user.groups).not.toContain('system:masters');
    expect(again.user.extra!['authentication.kubernetes.io/pod-name']).toEqual(['web-0']);
  });

  it('two tokens of one pod share the identity but keep their own credential id', async () => {
    const [a, b] = await Promise.all([emu.requestToken('default', 'build-robot', { boundObjectRef: POD }), emu.requestToken('default', 'build-robot', { boundObjectRef: POD })]);
    for (const t of [a, b, a, b]) await emu.reviewToken(t.status.token);
    const ra = await emu.reviewToken(a.status.token);
    const rb = await emu.reviewToken(b.status.token);
    const jti = (tok: string) => JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(ra.user.extra!['authentication.kubernetes.io/credential-id']).toEqual([`JTI=${jti(a.status.token)}`]);
    expect(rb.user.extra!['authentication.kubernetes.io/credential-id']).toEqual([`JTI=${jti(b.status.token)}`]);
    expect(Object.keys(ra.user.extra!)).toEqual([...Object.keys(ra.user.extra!)].sort());
  });
});
