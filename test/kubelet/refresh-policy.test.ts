import { describe, expect, it } from 'vitest';
import { ManualClock, rfc3339 } from '../../src/clock/index.js';
import { TokenManager, refreshWindow, requiresRefreshAt } from '../../src/kubelet/index.js';
import type { TokenRequest } from '../../src/registry/types.js';

const START = Date.parse('2026-03-01T00:00:00Z');
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

/** A cached response issued at START with the given lifetime (status says so). */
function issued(lifetimeMs: number, expirationSeconds: number | null = lifetimeMs / S): TokenRequest {
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {},
    spec: { audiences: null, expirationSeconds, boundObjectRef: null },
    status: { token: 't', expirationTimestamp: rfc3339(START + lifetimeMs) },
  };
}

describe('requiresRefresh (upstream TestRequiresRefresh)', () => {
  it.each([
    { name: 'keeps an hour token 10 minutes in', now: 10 * MIN, exp: 60 * MIN, refresh: false },
    { name: 'refreshes an hour token 50 minutes in', now: 50 * MIN, exp: 60 * MIN, refresh: true },
    { name: 'refreshes a 60-hour token 25 hours in', now: 25 * HOUR, exp: 60 * HOUR, refresh: true },
    { name: 'refreshes an expired token', now: 70 * MIN, exp: 60 * MIN, refresh: true },
    { name: 'refreshes a token issued in the future (the clock went backwards)', now: -1 * S, exp: 60 * MIN, refresh: true },
  ])('$name', ({ now, exp, refresh }) => {
    const clock = new ManualClock(START + now);
    const tm = new TokenManager({ getToken: async (_n, _s, tr) => tr, clock, random: Math.random });
    expect(tm.requiresRefresh(issued(exp))).toBe(refresh);
    tm.stop();
  });

  it('never refreshes a token without expirationSeconds', () => {
    expect(requiresRefreshAt(issued(HOUR, null), START + 100 * HOUR, 0)).toBeUndefined();
    const clock = new ManualClock(START + 100 * HOUR);
    const tm = new TokenManager({ getToken: async (_n, _s, tr) => tr, clock });
    expect(tm.requiresRefresh(issued(HOUR, null))).toBe(false);
    tm.stop();
  });
});

describe('requiresRefresh thresholds and jitter', () => {
  it.each([
    { name: 'a 3600 s token with no jitter turns after iat + 2880 s', lifetime: 3600, jitter: 0, turn: 2880 * S },
    { name: 'a 3600 s token with 9 s jitter turns 9 s earlier', lifetime: 3600, jitter: 9 * S, turn: 2871 * S },
    { name: 'a 3607 s token turns after exp − 721 s (20 % rounded down)', lifetime: 3607, jitter: 0, turn: 2886 * S },
    { name: 'a 40-hour token turns after 24 hours', lifetime: 40 * 3600, jitter: 0, turn: 24 * HOUR },
    { name: 'an 86400 s token turns after 80 % (19.2 h), before 24 h', lifetime: 86400, jitter: 0, turn: 69120 * S },
    { name: 'a 600 s token with 3 s jitter turns after exp − 120 s − 3 s', lifetime: 600, jitter: 3 * S, turn: 477 * S },
  ])('$name', ({ lifetime, jitter, turn }) => {
    const tr = issued(lifetime * S);
    expect(requiresRefreshAt(tr, START + turn, jitter)).toBe(false);
    expect(requiresRefreshAt(tr, START + turn + 1, jitter)).toBe(true);
  });

  it('draws one jitter per call, from 0 to 9 whole seconds', () => {
    const tr = issued(3600 * S);
    const draws = [0, 0.0999, 0.1, 0.5, 0.9, 0.99999];
    const turnsAt = draws.map((r) => {
      const clock = new ManualClock(START);
      const tm = new TokenManager({ getToken: async (_n, _s, x) => x, clock, random: () => r });
      let t = START + 2870 * S;
      while (!((clock.set(t), tm.requiresRefresh(tr)))) t += 1;
      tm.stop();
      return (START + 2880 * S - t + 1) / S;
    });
    expect(turnsAt).toEqual([0, 0, 1, 5, 9, 9]);
  });
});

describe('refreshWindow and nextRefreshAt', () => {
  it.each([
    { name: 'a 3607 s token may refresh from exp − 730 s and surely does from exp − 721 s', lifetime: 3607, threshold: (3607 - 721) * S },
    { name: 'an 86400 s token: from 19.2 h − 9 s', lifetime: 86400, threshold: 69120 * S },
    { name: 'a 40-hour token: from 24 h − 9 s', lifetime: 40 * 3600, threshold: 24 * HOUR },
  ])('$name', ({ lifetime, threshold }) => {
    const tr = issued(lifetime * S);
    const w = refreshWindow(tr, START)!;
    expect(w).toEqual({ earliest: START + threshold - 9 * S + 1, latest: START + threshold + 1 });
    expect(requiresRefreshAt(tr, w.earliest - 1, 9 * S)).toBe(false);
    expect(requiresRefreshAt(tr, w.earliest, 9 * S)).toBe(true);
    expect(requiresRefreshAt(tr, w.latest - 1, 0)).toBe(false);
    expect(requiresRefreshAt(tr, w.latest, 0)).toBe(true);
    const clock = new ManualClock(START);
    const tm = new TokenManager({ getToken: async (_n, _s, x) => x, clock });
    expect(tm.nextRefreshAt(tr)).toBe(w.earliest);
    tm.stop();
  });

  it('is due at once for a token from the future and never for one without expirationSeconds', () => {
    expect(refreshWindow(issued(HOUR), START - 5 * S)).toEqual({ earliest: START - 5 * S, latest: START - 5 * S });
    expect(refreshWindow(issued(HOUR, null), START)).toBeUndefined();
  });
});
