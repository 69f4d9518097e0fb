import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { StatusError } from '../../src/errors/index.js';
import { fixture, ISSUER, payloadOf, uidOf } from '../helpers/emulator.js';
import { controlPlaneOf } from '../../src/emulator.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await fixture();
});
afterEach(() => emu.close());

const MIN = 60_000;

describe('TokenReview of bound tokens (§4.1–§4.4)', () => {
  it('authenticates a pod-bound token with user info, extras and the audience intersection', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { audiences: ['vault', 'other'], boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const review = await emu.tokenReview({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: tr.status.token, audiences: ['other', 'nope'] } });
    const jti = String(payloadOf(tr.status.token).jti);
    expect(review.status).toEqual({
      authenticated: true,
      user: {
        username: 'system:serviceaccount:default:build-robot',
        uid: uidOf(emu, 'ServiceAccount', 'default', 'build-robot'),
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
        extra: {
          'authentication.kubernetes.io/credential-id': [`JTI=${jti}`],
          'authentication.kubernetes.io/node-name': ['node-1'],
          'authentication.kubernetes.io/node-uid': [uidOf(emu, 'Node', undefined, 'node-1')],
          'authentication.kubernetes.io/pod-name': ['web-0'],
          'authentication.kubernetes.io/pod-uid': [uidOf(emu, 'Pod', 'default', 'web-0')],
        },
      },
      audiences: ['other'],
    });
    expect(Object.keys(review.status)).toEqual(['authenticated', 'user', 'audiences']);
    expect(review.spec).toEqual({ token: tr.status.token, audiences: ['other', 'nope'] });
    expect(review.metadata).toEqual({ creationTimestamp: null });
  });

  it('uses the API audiences when the review names none', async () => {
    const tr = await emu.requestToken('default', 'build-robot');
    expect((await emu.reviewToken(tr.status.token)).audiences).toEqual([ISSUER]);
  });

  it.each([
    ['garbage', 'not-a-token', 'invalid bearer token'],
    ['a JSON document', '{"iss":"x"}', 'invalid bearer token'],
    ['a JWT of a foreign issuer', 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2Vsc2V3aGVyZSJ9.c2ln', 'invalid bearer token'],
  ])('rejects %s as %j', async (_n, token, error) => {
    expect(await emu.reviewToken(token)).toEqual({ user: {}, error });
  });

  it('says which audiences did not match, in Go syntax', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { audiences: ['a', 'b'] });
    expect((await emu.reviewToken(tr.status.token, ['c'])).error).toBe('[invalid bearer token, token audiences ["a" "b"] is invalid for the target audiences ["c"]]');
  });

  it.each([
    ['valid 60 s past exp (leeway)', 600 * 1000 + 60_000, undefined],
    ['expired 61 s past exp', 600 * 1000 + 61_000, '[invalid bearer token, service account token has expired]'],
  ])('is %s', async (_n, advance, error) => {
    const tr = await emu.requestToken('default', 'build-robot', { expirationSeconds: 600 });
    await emu.clock.advance(advance);
    const s = await emu.reviewToken(tr.status.token);
    expect(s.error).toBe(error);
    expect(!!s.authenticated).toBe(error === undefined);
  });

  it('rejects a token issued in the future (the clock went backwards)', async () => {
    const tr = await emu.requestToken('default', 'build-robot');
    (controlPlaneOf(emu).clock as unknown as { set(ms: number): void }).set(emu.clock.now() - 5 * MIN);
    expect((await emu.reviewToken(tr.status.token)).error).toBe('[invalid bearer token, service account token is not valid yet]');
  });

  it.each([
    ['the service account is deleted', async (e: Emulator) => void (await e.delete('ServiceAccount', 'default', 'build-robot')), '[invalid bearer token, serviceaccounts "build-robot" not found]'],
    ['the pod is deleted', async (e: Emulator) => void (await e.delete('Pod', 'default', 'web-0')), '[invalid bearer token, service account token has been invalidated]'],
  ])('fails at once when %s', async (_n, act, error) => {
    const tr = await emu.requestToken('default', 'build-robot', { audiences: ['vault'], boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    expect((await emu.reviewToken(tr.status.token, ['vault'])).authenticated).toBe(true);
    expect((await emu.reviewToken(tr.status.token, ['vault'])).authenticated).toBe(true);
    await act(emu);
    expect((await emu.reviewToken(tr.status.token, ['vault'])).error).toBe(error);
  });

  it('fails when the pod is replaced by one of the same name, with the uid mismatch', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const oldUid = uidOf(emu, 'Pod', 'default', 'web-0');
    await emu.reviewToken(tr.status.token);
    await emu.delete('Pod', 'default', 'web-0');
    await emu.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default' }, spec: { serviceAccountName: 'build-robot', containers: [{ name: 'app', image: 'busybox' }] } });
    const newUid = uidOf(emu, 'Pod', 'default', 'web-0');
    expect((await emu.reviewToken(tr.status.token)).error).toBe(`[invalid bearer token, pod UID (${newUid}) does not match service account pod ref claim (${oldUid})]`);
  });

  it('fails when the service account is replaced', async () => {
    const tr = await emu.requestToken('default', 'build-robot');
    const oldUid = uidOf(emu, 'ServiceAccount', 'default', 'build-robot');
    await emu.reviewToken(tr.status.token);
    await emu.delete('ServiceAccount', 'default', 'build-robot');
    await emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'build-robot', namespace: 'default' } });
    const newUid = uidOf(emu, 'ServiceAccount', 'default', 'build-robot');
    expect((await emu.reviewToken(tr.status.token)).error).toBe(`[invalid bearer token, service account UID (${newUid}) does not match claim (${oldUid})]`);
  });

  it.each([
    ['Secret', 'creds', 'default'],
    ['Node', 'node-1', undefined],
  ])('fails when the bound %s is deleted', async (kind, name, ns) => {
    const tr = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind, name } });
    expect((await emu.reviewToken(tr.status.token)).authenticated).toBe(true);
    await emu.delete(kind, ns, name);
    expect((await emu.reviewToken(tr.status.token)).error).toBe('[invalid bearer token, service account token has been invalidated]');
  });

  it('keeps a pod-bound token valid when only its node goes (the node is not re-validated)', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    await emu.delete('Node', undefined, 'node-1');
    expect((await emu.reviewToken(tr.status.token)).authenticated).toBe(true);
  });

  it.each([
    [{ spec: {} }, 'token is required for TokenReview in authentication'],
    [{ kind: 'Pod', spec: { token: 'x' } }, 'the kind in the data (Pod) does not match the expected kind (TokenReview)'],
    [[1, 2], 'the body of the request was not a TokenReview object'],
  ])('answers a bad review %j with a 400', async (body, message) => {
    await expect(emu.tokenReview(body)).rejects.toSatisfy((e: unknown) => e instanceof StatusError && e.code === 400 && e.message === message);
  });
});

describe('stale kubelet tokens (§4.3 step 8)', () => {
  it('reports a stale token past warnafter but keeps accepting it', async () => {
    const stale: Array<[string, number]> = [];
    const e2 = await fixture({ observer: { stale: (sub, s) => stale.push([sub, s]) } });
    const tr = await e2.requestToken('default', 'build-robot', { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    await e2.clock.advance(2 * 3600 * 1000);
    expect((await e2.reviewToken(tr.status.token)).authenticated).toBe(true);
    expect((await e2.reviewToken(tr.status.token)).authenticated).toBe(true);
    expect(stale).toEqual([
      ['system:serviceaccount:default:build-robot', 7200 - 3607],
      ['system:serviceaccount:default:build-robot', 7200 - 3607],
    ]);
    await e2.close();
  });
});

describe('BearerTokenChain with authenticators that answer at once and later', () => {
  it('runs them in order, first success wins, errors aggregate across both kinds', async () => {
    const { BearerTokenChain } = await import('../../src/auth/authenticators/bearer-token-chain.js');
    const seen: string[] = [];
    const chain = new BearerTokenChain([
      ({ value: t }) => (seen.push(`sync:${t}`), t === 's' ? { user: { username: 'sync' }, audiences: [] } : undefined),
      async ({ value: t }) => (seen.push(`async:${t}`), t === 'e' ? { error: 'async says no' } : undefined),
      ({ value: t }) => (seen.push(`sync2:${t}`), t === 'e' ? { error: 'sync2 says no' } : t === 'a' ? { user: { username: 'late' }, audiences: ['x'] } : undefined),
    ]);
    expect(await chain.authenticate('s')).toEqual({ user: { username: 'sync' }, audiences: [] });
    expect(seen).toEqual(['sync:s']);
    expect(await chain.authenticate('a')).toEqual({ user: { username: 'late' }, audiences: ['x'] });
    expect(await chain.authenticate('e')).toEqual({ error: '[invalid bearer token, async says no, sync2 says no]' });
    expect(await chain.authenticate('zzz')).toEqual({ error: 'invalid bearer token' });
    expect(chain.answer('s')).toEqual({ user: { username: 'sync' }, audiences: [] });
    expect(chain.answer('a')).toBeInstanceOf(Promise);
  });

  it('an authenticator that throws rejects the review instead of answering', async () => {
    const { BearerTokenChain } = await import('../../src/auth/authenticators/bearer-token-chain.js');
    const { tokenReviewStatus } = await import('../../src/registry/token-review.js');
    const boom = new BearerTokenChain([() => {
      throw new Error('boom');
    }]);
    await expect(tokenReviewStatus(boom, 't', undefined, ['api'])).rejects.toThrow('boom');
  });
});
