import { describe, expect, it } from 'vitest';
import { ManualClock, rfc3339, unixSeconds } from '../../src/clock/index.js';

describe('ManualClock', () => {
  it('moves only when advanced', async () => {
    const c = new ManualClock(1_000_000);
    expect(c.now()).toBe(1_000_000);
    await c.advance(500);
    expect(c.now()).toBe(1_000_500);
  });

  it('fires timers in order of due time, ties in order of creation, with now() at each due time', async () => {
    const c = new ManualClock(0);
    const seen: Array<[string, number]> = [];
    c.setTimeout(() => seen.push(['b', c.now()]), 200);
    c.setTimeout(() => seen.push(['a', c.now()]), 100);
    c.setTimeout(() => seen.push(['c', c.now()]), 200);
    c.setTimeout(() => seen.push(['late', c.now()]), 1000);
    await c.advance(500);
    expect(seen).toEqual([['a', 100], ['b', 200], ['c', 200]]);
    expect(c.now()).toBe(500);
  });

  it('fires a timer scheduled by a timer within the same advance', async () => {
    const c = new ManualClock(0);
    const seen: number[] = [];
    c.setTimeout(() => c.setTimeout(() => seen.push(c.now()), 50), 100);
    await c.advance(200);
    expect(seen).toEqual([150]);
  });

  it('repeats intervals until cleared', async () => {
    const c = new ManualClock(0);
    let n = 0;
    const h = c.setInterval(() => n++, 60_000);
    await c.advance(5 * 60_000);
    expect(n).toBe(5);
    c.clearInterval(h);
    await c.advance(5 * 60_000);
    expect(n).toBe(5);
  });

  it('does not fire a cleared timeout', async () => {
    const c = new ManualClock(0);
    let fired = false;
    const h = c.setTimeout(() => (fired = true), 10);
    c.clearTimeout(h);
    await c.advance(100);
    expect(fired).toBe(false);
    expect(c.pending()).toBe(0);
  });

  it('lets promises started by a timer settle before the next timer fires', async () => {
    const c = new ManualClock(0);
    const seen: string[] = [];
    c.setTimeout(() => {
      void Promise.resolve().then(() => seen.push('first-settled'));
    }, 10);
    c.setTimeout(() => seen.push('second'), 20);
    await c.advance(30);
    expect(seen).toEqual(['first-settled', 'second']);
  });

  it('refuses to advance by a negative amount', async () => {
    await expect(new ManualClock(0).advance(-1)).rejects.toThrow('non-negative');
  });
});

describe('time formats', () => {
  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [1717671355999, '2024-06-06T10:55:55Z'],
  ])('renders %d ms as RFC 3339 seconds %s', (ms, want) => {
    expect(rfc3339(ms)).toBe(want);
  });

  it('truncates to whole seconds for NumericDates', () => {
    expect(unixSeconds(new ManualClock(1999))).toBe(1);
  });
});
