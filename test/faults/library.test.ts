import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlPlaneOf, type Emulator } from '../../src/emulator.js';
import { isStatusError } from '../../src/errors/index.js';
import type { TokenFaultMatch } from '../../src/registry/kinds/token-fault.js';
import { fixture, payloadOf } from '../helpers/emulator.js';

/**
 * emulator.faults: each target and action as the library sees them (TokenReview status,
 * TokenRequest errors, the JWKS through the control plane's stage is in http.test.ts), `times`,
 * `remove()`, `matched`, the metric and the recorder's annotation.
 */

const INVALIDATED = '[invalid bearer token, service account token has been invalidated]';
const EXPIRED = '[invalid bearer token, service account token has expired]';

let emu: Emulator;
let token: string;
beforeEach(async () => {
  emu = await fixture();
  await emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'other', namespace: 'default' } });
  token = (await emu.requestToken('default', 'build-robot', { audiences: ['vault'] })).status.token;
});
afterEach(() => emu.close());

/** Settles `p` and says how: its value or the StatusError's code and message. */
async function outcome<T>(p: Promise<T>): Promise<{ ok: T } | { code: number; message: string }> {
  try {
    return { ok: await p };
  } catch (e) {
    if (isStatusError(e)) return { code: e.code, message: e.message };
    throw e;
  }
}

describe('review faults', () => {
  it.each([
    ['reject with Kubernetes\' invalidated text by default', { action: 'reject' }, { error: INVALIDATED }],
    ['reject with the fault\'s reason as status.error', { action: 'reject', reason: 'vault says no' }, { error: 'vault says no' }],
    ['expire with Kubernetes\' expired text', { action: 'expire' }, { error: EXPIRED }],
  ] as const)('%s', async (_n, spec, status) => {
    const f = await emu.faults.inject({ target: 'review', ...spec });
    const r = await emu.reviewToken(token, ['vault']);
    expect(r.authenticated).toBeUndefined();
    expect(r).toMatchObject(status);
    expect(f.matched).toBe(1);
    await f.remove();
    expect((await emu.reviewToken(token, ['vault'])).authenticated).toBe(true);
    expect(f.matched).toBe(1);
  });

  it.each([
    [503, undefined, 'the server is currently unable to handle the request'],
    [429, 'slow down', 'slow down'],
    [500, undefined, 'Internal error occurred: an error on the server ("unknown") has prevented the request from succeeding'],
    [504, undefined, 'the server was unable to return a response in the time allotted, but may still be processing the request'],
  ] as const)('error %i ends the review with that code and a Status', async (code, reason, message) => {
    await emu.faults.inject({ target: 'review', action: 'error', code, ...(reason ? { reason } : {}) });
    expect(await outcome(emu.reviewToken(token, ['vault']))).toEqual({ code, message });
  });

  it('error defaults to 500 (the stored spec says so)', async () => {
    const f = await emu.faults.inject({ name: 'boom', target: 'review', action: 'error' });
    expect(f.object()?.spec.code).toBe(500);
    expect(await outcome(emu.reviewToken(token))).toMatchObject({ code: 500 });
  });

  it('delay answers after the delay on the emulator clock, and the answer is the usual one', async () => {
    await emu.faults.inject({ target: 'review', action: 'delay', delay: '2s' });
    let settled = false;
    const p = emu.reviewToken(token, ['vault']).then((r) => ((settled = true), r));
    await emu.clock.advance(1999);
    expect(settled).toBe(false);
    await emu.clock.advance(1);
    expect((await p).authenticated).toBe(true);
  });

  it('times: the next N matching reviews, then none; matched counts them', async () => {
    const f = await emu.faults.inject({ target: 'review', action: 'reject', times: 2 });
    const errors = [];
    for (let i = 0; i < 4; i++) errors.push((await emu.reviewToken(token, ['vault'])).error);
    expect(errors).toEqual([INVALIDATED, INVALIDATED, undefined, undefined]);
    expect(f.matched).toBe(2);
    expect(f.object()?.status?.matched).toBe(2);
  });

  it('times holds under concurrent reviews: exactly N are changed', async () => {
    const f = await emu.faults.inject({ target: 'review', action: 'reject', times: 5 });
    const results = await Promise.all(Array.from({ length: 40 }, () => emu.reviewToken(token, ['vault'])));
    expect(results.filter((r) => r.error === INVALIDATED)).toHaveLength(5);
    expect(results.filter((r) => r.authenticated)).toHaveLength(35);
    await emu.idle();
    expect(f.object()?.status?.matched).toBe(5);
  });

  it.each<[string, TokenFaultMatch, boolean]>([
    ['namespace', { namespace: 'default' }, true],
    ['another namespace', { namespace: 'kube-system' }, false],
    ['service account', { serviceAccount: 'build-robot' }, true],
    ['another service account', { serviceAccount: 'other' }, false],
    ['an audience the review asks for', { audiences: ['vault', 'x'] }, true],
    ['no audience the review asks for', { audiences: ['x'] }, false],
  ])('match by %s', async (_n, match, applies) => {
    await emu.faults.inject({ target: 'review', action: 'reject', match });
    expect((await emu.reviewToken(token, ['vault'])).error).toBe(applies ? INVALIDATED : undefined);
  });

  it('match by credentialId: one token only', async () => {
    const other = (await emu.requestToken('default', 'build-robot', { audiences: ['vault'] })).status.token;
    const { jti } = payloadOf(token) as { jti: string };
    await emu.faults.inject({ target: 'review', action: 'expire', match: { credentialId: `JTI=${jti}` } });
    expect((await emu.reviewToken(token, ['vault'])).error).toBe(EXPIRED);
    expect((await emu.reviewToken(other, ['vault'])).authenticated).toBe(true);
  });

  it('a review the API audiences answer matches them when the review names none', async () => {
    await emu.faults.inject({ target: 'review', action: 'reject', match: { audiences: [emu.apiAudiences[0]!] } });
    const apiToken = (await emu.requestToken('default', 'build-robot')).status.token;
    expect((await emu.reviewToken(apiToken)).error).toBe(INVALIDATED);
  });

  it('never touches static tokens (an administrator keeps access whatever faults exist)', async () => {
    emu.addStaticToken('static-admin-token', { username: 'admin', groups: ['system:masters'] });
    await emu.faults.inject({ target: 'review', action: 'error', code: 503 });
    expect((await emu.reviewToken('static-admin-token')).authenticated).toBe(true);
  });

  it('faults are tried in name order; one whose times are used up lets the next act', async () => {
    await emu.faults.inject({ name: 'b-reject', target: 'review', action: 'reject', reason: 'b' });
    await emu.faults.inject({ name: 'a-once', target: 'review', action: 'reject', reason: 'a', times: 1 });
    expect((await emu.reviewToken(token, ['vault'])).error).toBe('a');
    expect((await emu.reviewToken(token, ['vault'])).error).toBe('b');
  });

  it('a cached success is not served while a fault is in force (faults sit in front of the cache)', async () => {
    expect((await emu.reviewToken(token, ['vault'])).authenticated).toBe(true);
    const f = await emu.faults.inject({ target: 'review', action: 'reject' });
    expect((await emu.reviewToken(token, ['vault'])).error).toBe(INVALIDATED);
    await f.remove();
    expect((await emu.reviewToken(token, ['vault'])).authenticated).toBe(true);
  });
});

describe('issue faults', () => {
  it('reject: 403 Forbidden in an admission plugin\'s words', async () => {
    await emu.faults.inject({ name: 'no-tokens', target: 'issue', action: 'reject' });
    expect(await outcome(emu.requestToken('default', 'build-robot'))).toEqual({ code: 403, message: 'serviceaccounts "build-robot" is forbidden: the token request was rejected by TokenFault no-tokens' });
  });

  it('reject with a reason', async () => {
    await emu.faults.inject({ target: 'issue', action: 'reject', reason: 'quota exceeded' });
    expect(await outcome(emu.requestToken('default', 'build-robot'))).toEqual({ code: 403, message: 'serviceaccounts "build-robot" is forbidden: quota exceeded' });
  });

  it('error: the code and a Status, then recovery once times runs out', async () => {
    const f = await emu.faults.inject({ target: 'issue', action: 'error', code: 503, times: 1 });
    expect(await outcome(emu.requestToken('default', 'build-robot'))).toEqual({ code: 503, message: 'the server is currently unable to handle the request' });
    expect((await emu.requestToken('default', 'build-robot')).status.token).toMatch(/^ey/);
    expect(f.matched).toBe(1);
  });

  it('delay: the token comes after the delay', async () => {
    await emu.faults.inject({ target: 'issue', action: 'delay', delay: '1m30s' });
    let settled = false;
    const p = emu.requestToken('default', 'build-robot').then((r) => ((settled = true), r));
    await emu.clock.advance(89_999);
    expect(settled).toBe(false);
    await emu.clock.advance(1);
    expect((await p).status.token).toMatch(/^ey/);
  });

  it('match by the TokenRequest\'s audiences and service account', async () => {
    await emu.faults.inject({ target: 'issue', action: 'reject', match: { serviceAccount: 'build-robot', audiences: ['vault'] } });
    expect(await outcome(emu.requestToken('default', 'build-robot', { audiences: ['vault'] }))).toMatchObject({ code: 403 });
    expect((await emu.requestToken('default', 'build-robot', { audiences: ['s3'] })).status.token).toMatch(/^ey/);
    expect((await emu.requestToken('default', 'other', { audiences: ['vault'] })).status.token).toMatch(/^ey/);
  });
});

describe('jwks faults (the emulator listening, as a relying party fetches the keys)', () => {
  async function fetchKeys(fault: object | undefined, advanceMs = 0): Promise<{ status: number; body: { keys?: unknown[]; code?: number; reason?: string } }> {
    const srv = await emu.listen({ https: false });
    try {
      if (fault) await emu.faults.inject(fault as never);
      let answered = false;
      const res = fetch(srv.jwksUri, { headers: { Authorization: `Bearer ${srv.adminToken}` } }).then((r) => ((answered = true), r));
      if (advanceMs) {
        await new Promise((r) => setTimeout(r, 100));
        await emu.clock.advance(advanceMs - 1);
        expect(answered).toBe(false);
        await emu.clock.advance(1);
      }
      const r = await res;
      return { status: r.status, body: (await r.json()) as never };
    } finally {
      await srv.close();
    }
  }

  it.each([
    ['no fault: the keys', undefined, 0, 200, (b: { keys?: unknown[] }) => expect(b.keys!.length).toBeGreaterThan(0)],
    ['reject: a key set with no keys', { target: 'jwks', action: 'reject' }, 0, 200, (b: { keys?: unknown[] }) => expect(b).toEqual({ keys: [] })],
    ['error: the code and a Status', { target: 'jwks', action: 'error', code: 503 }, 0, 503, (b: { code?: number; reason?: string }) => expect(b).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' })],
    ['delay: the keys, after the delay', { target: 'jwks', action: 'delay', delay: '5s' }, 5000, 200, (b: { keys?: unknown[] }) => expect(b.keys!.length).toBeGreaterThan(0)],
  ] as const)('%s', async (_n, fault, advanceMs, status, check) => {
    const r = await fetchKeys(fault, advanceMs);
    expect(r.status).toBe(status);
    check(r.body as never);
  });
});

describe('what a fault leaves behind', () => {
  it('the recorder annotates the TokenRequest it changed with the fault\'s name', async () => {
    await emu.faults.inject({ name: 'slow-issue', target: 'issue', action: 'delay', delay: '1s' });
    const p = emu.requestToken('default', 'build-robot');
    await emu.clock.advance(1000);
    await p;
    const ev = emu.requests.last({ annotation: 'testing.satoken.dev/fault=slow-issue' });
    expect(ev?.objectRef).toMatchObject({ resource: 'serviceaccounts', subresource: 'token', name: 'build-robot' });
    expect(ev?.responseStatus?.code).toBe(201);
  });

  it('counts every applied fault in satoken_token_faults_applied_total', async () => {
    await emu.faults.inject({ name: 'flaky', target: 'review', action: 'reject', times: 3 });
    for (let i = 0; i < 5; i++) await emu.reviewToken(token, ['vault']);
    expect(emu.metrics.render()).toContain('satoken_token_faults_applied_total{fault="flaky",action="reject",target="review"} 3');
  });

  it('list() and clear()', async () => {
    await emu.faults.inject({ name: 'one', target: 'jwks', action: 'delay', delay: '1s' });
    await emu.faults.inject({ name: 'two', target: 'issue', action: 'reject' });
    expect(emu.faults.list().map((f) => f.metadata.name)).toEqual(['one', 'two']);
    await emu.faults.clear();
    expect(emu.faults.list()).toEqual([]);
    expect((await emu.requestToken('default', 'build-robot')).status.token).toMatch(/^ey/);
  });

  it('a generated name, and remove() twice is harmless', async () => {
    const f = await emu.faults.inject({ target: 'review', action: 'reject' });
    expect(f.name).toMatch(/^fault-[a-z0-9]{5}$/);
    await f.remove();
    await f.remove();
    expect(f.object()).toBeUndefined();
  });

  it('a fault written straight to the registry (as kubectl does) acts at once', async () => {
    await emu.apply({ apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'TokenFault', metadata: { name: 'applied' }, spec: { target: 'review', action: 'reject', reason: 'applied' } });
    expect((await emu.reviewToken(token, ['vault'])).error).toBe('applied');
    await emu.delete('TokenFault', undefined, 'applied');
    expect((await emu.reviewToken(token, ['vault'])).authenticated).toBe(true);
  });
});

describe('inject() refuses bad specs as the API does', () => {
  it.each([
    [{ target: 'jwks', action: 'expire' }, 422, 'spec.action: Unsupported value: "expire": supported values: "reject", "error", "delay"'],
    [{ target: 'review', action: 'delay' }, 422, 'spec.delay: Required value'],
    [{ target: 'review', action: 'reject', times: 0 }, 422, 'spec.times: Invalid value: 0: must be greater than or equal to 1'],
    [{ target: 'review', action: 'reject', bogus: 1 }, 400, 'unknown field "spec.bogus"'],
    [{ target: 'review', action: 'reject', times: 'x' }, 400, 'json: cannot unmarshal string into Go struct field'],
  ])('%j: %i', async (spec, code, text) => {
    const r = await outcome(emu.faults.inject(spec as never));
    expect(r).toMatchObject({ code });
    expect((r as { message: string }).message).toContain(text);
    expect(emu.faults.list()).toEqual([]);
  });

  it('a non-object spec', async () => {
    expect(await outcome(emu.faults.inject(null as never))).toMatchObject({ code: 400 });
  });
});

describe('the control plane', () => {
  it('reads faults from its registry (no fault: no hook work)', async () => {
    const injector = controlPlaneOf(emu).faults.injector;
    expect(injector.has('review')).toBe(false);
    const f = await emu.faults.inject({ target: 'review', action: 'reject' });
    expect(injector.has('review')).toBe(true);
    await f.remove();
    expect(injector.has('review')).toBe(false);
  });
});
