import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, rfc3339 } from '../../src/clock/index.js';
import { KubeletError, type TokenGetter, TokenManager, tokenCacheKey } from '../../src/kubelet/index.js';
import type { TokenRequest } from '../../src/registry/types.js';
import { captureLogger } from './fakes.js';

const START = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

/** upstream's `getTokenRequest()` */
function request(overrides: Partial<TokenRequest['spec']> = {}, uid?: string): TokenRequest {
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: uid === undefined ? {} : { uid },
    spec: { audiences: ['foo1', 'foo2'], expirationSeconds: 2000, boundObjectRef: { kind: 'pod', name: 'foo-pod', uid: 'foo-uid' }, ...overrides },
    status: { token: '', expirationTimestamp: null },
  };
}

/** upstream's `fakeTokenGetter`: always the same answer (or error), counting calls */
class FakeTokenGetter {
  count = 0;
  constructor(
    public answer: TokenRequest | undefined,
    public err?: Error,
  ) {}
  readonly getToken = async (): Promise<TokenRequest> => {
    this.count++;
    if (this.err) throw this.err;
    return this.answer!;
  };
}

function answer(clock: ManualClock, lifetimeMs: number, token = 'foo', expirationSeconds: number | null = lifetimeMs / 1000): TokenRequest {
  return { ...request({ expirationSeconds }), status: { token, expirationTimestamp: rfc3339(clock.now() + lifetimeMs) } };
}

const managers: TokenManager[] = [];
function manager(clock: ManualClock, getToken: TokenGetter, random = () => 0.5, logger = captureLogger().logger): TokenManager {
  const m = new TokenManager({ getToken, clock, random, logger });
  managers.push(m);
  return m;
}
afterEach(() => managers.splice(0).forEach((m) => m.stop()));

describe('TokenManager caching and expiration', () => {
  it.each([
    { name: 'rotates an hour token in its last 12 minutes', lifetime: HOUR, after: 50 * MIN, fail: false, calls: 2, token: 'foo' },
    { name: 'rotates a 40-hour token once it is 24 hours old', lifetime: 40 * HOUR, after: 25 * HOUR, fail: false, calls: 2, token: 'foo' },
    { name: 'serves an hour token from the cache for its first 40 minutes', lifetime: HOUR, after: 40 * MIN, fail: false, calls: 1, token: 'foo' },
    { name: 'keeps serving the old hour token when its refresh fails and it is still valid', lifetime: HOUR, after: 50 * MIN, fail: true, calls: 2, token: 'foo' },
  ])('$name', async ({ lifetime, after, fail, calls, token }) => {
    const clock = new ManualClock(START);
    const tg = new FakeTokenGetter(answer(clock, lifetime));
    const tm = manager(clock, tg.getToken);
    await tm.getServiceAccountToken('a', 'b', request());
    await tm.getServiceAccountToken('a', 'b', request());
    expect(tg.count).toBe(1);

    await clock.advance(after);
    if (fail) tg.err = new Error('err');
    const tr = await tm.getServiceAccountToken('a', 'b', request());
    expect(tg.count).toBe(calls);
    expect(tr.status.token).toBe(token);
  });

  it.each([
    { name: 'misses the cache when the service account was recreated with a new UID', first: 'sa-uid-1', second: 'sa-uid-2', calls: 2 },
    { name: 'hits the cache for the same service account UID', first: 'sa-uid-1', second: 'sa-uid-1', calls: 1 },
  ])('$name', async ({ first, second, calls }) => {
    const clock = new ManualClock(START);
    const tg = new FakeTokenGetter(answer(clock, HOUR));
    const tm = manager(clock, tg.getToken);
    await tm.getServiceAccountToken('test-ns', 'test-sa', request({}, first));
    await tm.getServiceAccountToken('test-ns', 'test-sa', request({}, second));
    expect(tg.count).toBe(calls);
  });
});

describe('TokenManager errors', () => {
  it('fails with "failed to fetch token" when nothing is cached', async () => {
    const clock = new ManualClock(START);
    const tm = manager(clock, new FakeTokenGetter(undefined, new Error('connection refused')).getToken);
    const err = await tm.getServiceAccountToken('a', 'b', request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeletError);
    expect(err).toMatchObject({ code: 'ERR_TOKEN_FETCH_FAILED', message: 'failed to fetch token: connection refused' });
  });

  it('fails with "expired and refresh failed", naming the cache key, once the cached token expired', async () => {
    const clock = new ManualClock(START);
    const tg = new FakeTokenGetter(answer(clock, HOUR));
    const tm = manager(clock, tg.getToken);
    await tm.getServiceAccountToken('a', 'b', request());
    tg.err = new Error('the server is currently unable to handle the request');
    clock.set(START + HOUR + 1000);
    const err = await tm.getServiceAccountToken('a', 'b', request()).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'ERR_TOKEN_EXPIRED',
      message:
        'token "b"/"a"/[]string{"foo1", "foo2"}/2000/v1.BoundObjectReference{Kind:"pod", APIVersion:"", Name:"foo-pod", UID:"foo-uid"}/"" ' +
        'expired and refresh failed: the server is currently unable to handle the request',
    });
  });

  it('never logs a whole token, neither on failed refreshes nor for a token without expirationSeconds', async () => {
    const clock = new ManualClock(START);
    const { logger, lines } = captureLogger();
    const tg = new FakeTokenGetter(answer(clock, HOUR, 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln'));
    const tm = manager(clock, tg.getToken, () => 0.5, logger);
    await tm.getServiceAccountToken('a', 'b', request());
    tg.err = new Error('boom');
    await clock.advance(50 * MIN);
    await tm.getServiceAccountToken('a', 'b', request());
    expect(tm.requiresRefresh(answer(clock, HOUR, 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln', null))).toBe(false);
    const log = lines.join('');
    expect(log).toContain("Couldn't update token");
    expect(log).toContain('Expiration seconds was nil for token request');
    expect(log).not.toContain('c2VjcmV0');
  });
});

describe('TokenManager.deleteServiceAccountToken', () => {
  const requests = [1, 2, 3, 4, 4].map((i) => ({
    namespace: `fake-namespace-${i}`,
    name: `fake-name-${i}`,
    tr: request({ audiences: null, expirationSeconds: null, boundObjectRef: { uid: `fake-uid-${i}`, name: `fake-name-${i}` } }),
  }));
  const failing = 3; // the 4th request fails, the 5th (same key) succeeds

  it.each([
    { name: 'deletes none with all success requests', sent: [0, 1, 2], deleted: [], left: [0, 1, 2] },
    { name: 'deletes one with all success requests', sent: [0, 1, 2], deleted: ['fake-uid-1'], left: [1, 2] },
    { name: 'deletes two with all success requests', sent: [0, 1, 2], deleted: ['fake-uid-1', 'fake-uid-3'], left: [1] },
    { name: 'deletes all with all success requests', sent: [0, 1, 2], deleted: ['fake-uid-1', 'fake-uid-2', 'fake-uid-3'], left: [] },
    { name: 'deletes no pod with failed requests', sent: [0, 1, 2, 3], deleted: [], left: [0, 1, 2] },
    { name: 'deletes another pod with failed requests', sent: [0, 1, 2, 3], deleted: ['fake-uid-2'], left: [0, 2] },
    { name: 'deletes no pod with a request that succeeds after a failure', sent: [0, 1, 2, 3, 4], deleted: [], left: [0, 1, 2, 4] },
    { name: 'deletes the pod that succeeded after a failure', sent: [0, 1, 2, 3, 4], deleted: ['fake-uid-4'], left: [0, 1, 2] },
    { name: 'deletes another pod with a request that succeeds after a failure', sent: [0, 1, 2, 3, 4], deleted: ['fake-uid-1'], left: [1, 2, 4] },
    { name: 'deletes pods that are not in the cache', sent: [0, 1, 2], deleted: ['fake-uid-100', 'fake-uid-200'], left: [0, 1, 2] },
  ])('$name', async ({ sent, deleted, left }) => {
    const clock = new ManualClock(START);
    let fail = false;
    const tm = manager(clock, async (_ns, _name, tr) => {
      if (fail) throw new Error('fail tr');
      return { ...tr, status: { token: '', expirationTimestamp: rfc3339(clock.now() + 10 * HOUR) } };
    });
    for (const i of sent) {
      fail = i === failing;
      const r = requests[i]!;
      await tm.getServiceAccountToken(r.namespace, r.name, r.tr).catch(() => undefined);
    }
    for (const uid of deleted) tm.deleteServiceAccountToken(uid);
    expect(tm.size).toBe(left.length);
  });
});

describe('TokenManager clean-up', () => {
  it.each([
    { name: 'drops a token that expired an hour ago', expiresIn: -HOUR, size: 0 },
    { name: 'keeps a token that expires in an hour', expiresIn: HOUR, size: 1 },
    { name: 'keeps a token that expires this very second (strictly after)', expiresIn: 0, size: 1 },
  ])('$name', async ({ expiresIn, size }) => {
    const clock = new ManualClock(START);
    const tm = manager(clock, async (_ns, _n, tr) => ({ ...tr, status: { token: 't', expirationTimestamp: rfc3339(START + expiresIn) } }));
    await tm.getServiceAccountToken('a', 'b', request()).catch(() => undefined);
    tm.cleanup();
    expect(tm.size).toBe(size);
  });

  it('cleans up every minute on the clock until stopped', async () => {
    const clock = new ManualClock(START);
    const lifetime = { ms: 30_000 };
    const tm = manager(clock, async (_ns, _n, tr) => ({ ...tr, status: { token: 't', expirationTimestamp: rfc3339(clock.now() + lifetime.ms) } }));
    await tm.getServiceAccountToken('a', 'b', request());
    await clock.advance(59_000);
    expect(tm.size).toBe(1);
    await clock.advance(1_000);
    expect(tm.size).toBe(0);
    await tm.getServiceAccountToken('a', 'b', request());
    tm.stop();
    await clock.advance(10 * MIN);
    expect(tm.size).toBe(1);
    expect(clock.pending()).toBe(0);
  });
});

describe('tokenCacheKey', () => {
  const base = request();
  it.each([
    { name: 'hits for an identical request', other: request(), hit: true },
    { name: 'misses for a different expirationSeconds', other: request({ expirationSeconds: 2001 }), hit: false },
    { name: 'misses for a different bound object name', other: request({ boundObjectRef: { kind: 'pod', name: 'diff-pod', uid: 'foo-uid' } }), hit: false },
    { name: 'misses for a different service account UID', other: request({}, 'new-uid'), hit: false },
    { name: 'misses when one request has a service account UID and the other does not', other: request({}, 'uid-123'), hit: false },
    { name: 'misses for audiences in another order', other: request({ audiences: ['foo2', 'foo1'] }), hit: false },
    { name: 'misses for no audiences (nil) versus none ([])', other: request({ audiences: [] }), hit: false },
  ])('$name', ({ other, hit }) => {
    expect(tokenCacheKey('foo-sa', 'foo-ns', other) === tokenCacheKey('foo-sa', 'foo-ns', base)).toBe(hit);
  });

  it('prints as the kubelet formats it', () => {
    const tr = request({ audiences: null, expirationSeconds: null, boundObjectRef: null });
    expect(tokenCacheKey('sa', 'ns', tr)).toBe('"sa"/"ns"/[]string(nil)/0/v1.BoundObjectReference{Kind:"", APIVersion:"", Name:"", UID:""}/""');
    expect(tokenCacheKey('sa', 'ns', request({ audiences: [] }))).toContain('/[]string{}/');
  });
});
