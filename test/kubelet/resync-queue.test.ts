import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { DEFAULT_RESYNC_POLICY } from '../../src/kubelet/index.js';
import { planResync } from '../../src/kubelet/resync-plan.js';
import { ResyncQueue } from '../../src/kubelet/resync-queue.js';
import { seededRandom } from './fakes.js';

describe('ResyncQueue', () => {
  it('hands keys over in due order at their due time, on one timer', async () => {
    const clock = new ManualClock(0);
    const fired: Array<[string, number]> = [];
    const q = new ResyncQueue(clock, (k) => fired.push([k, clock.now()]));
    q.schedule('c', 300);
    q.schedule('a', 100);
    q.schedule('b', 200);
    expect(clock.pending()).toBe(1);
    await clock.advance(1000);
    expect(fired).toEqual([['a', 100], ['b', 200], ['c', 300]]);
    expect(clock.pending()).toBe(0);
  });

  it.each([
    { name: 'moves a key when it is rescheduled later', ops: (q: ResyncQueue) => (q.schedule('a', 100), q.schedule('a', 500)), fired: [['a', 500]] },
    { name: 'moves a key when it is rescheduled earlier', ops: (q: ResyncQueue) => (q.schedule('a', 500), q.schedule('a', 100)), fired: [['a', 100]] },
    { name: 'forgets a cancelled key', ops: (q: ResyncQueue) => (q.schedule('a', 100), q.schedule('b', 200), q.cancel('a')), fired: [['b', 200]] },
    { name: 'fires a key scheduled in the past at once', ops: (q: ResyncQueue) => q.schedule('a', -50), fired: [['a', 0]] },
  ])('$name', async ({ ops, fired }) => {
    const clock = new ManualClock(0);
    const seen: Array<[string, number]> = [];
    const q = new ResyncQueue(clock, (k) => seen.push([k, clock.now()]));
    ops(q);
    await clock.advance(1000);
    expect(seen).toEqual(fired);
  });

  it('lets a handler reschedule its own key', async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const q = new ResyncQueue(clock, (k) => {
      seen.push(clock.now());
      if (seen.length < 3) q.schedule(k, clock.now() + 60_000);
    });
    q.schedule('pod', 60_000);
    await clock.advance(10 * 60_000);
    expect(seen).toEqual([60_000, 120_000, 180_000]);
  });

  it('ignores everything after stop', async () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const q = new ResyncQueue(clock, () => fired++);
    q.schedule('a', 10);
    q.stop();
    q.schedule('b', 20);
    await clock.advance(100);
    expect([fired, q.size, clock.pending()]).toEqual([0, 0, 0]);
  });

  it('drives 100,000 keys, rescheduled twice each, on a single timer in due order', async () => {
    const clock = new ManualClock(0);
    const random = seededRandom(42);
    const order: number[] = [];
    const q = new ResyncQueue(clock, () => order.push(clock.now()));
    const n = 100_000;
    for (let i = 0; i < n; i++) q.schedule(`pod-${i}`, Math.floor(random() * 3_600_000));
    for (let i = 0; i < n; i++) q.schedule(`pod-${i}`, 3_600_000 + Math.floor(random() * 3_600_000));
    expect([q.size, clock.pending()]).toEqual([n, 1]);
    const startedAt = performance.now();
    await clock.advance(2 * 3_600_000);
    expect(order).toHaveLength(n);
    expect(order.every((t, i) => i === 0 || t >= order[i - 1]!)).toBe(true);
    expect(order[0]).toBeGreaterThanOrEqual(3_600_000);
    expect(performance.now() - startedAt).toBeLessThan(20_000);
  });
});

describe('planResync', () => {
  const now = 1_000_000;
  const w = (earliest: number, latest = earliest + 9000) => ({ earliest: now + earliest, latest: now + latest });
  it.each([
    { name: 'waits for the earliest window of the pod tokens', windows: [w(5000), w(2000)], failed: false, backoff: 0, plan: { at: now + 2000, backoffMs: 0 } },
    { name: 'polls each second inside a jitter window', windows: [w(-3000, 6000)], failed: false, backoff: 0, plan: { at: now + 1000, backoffMs: 0 } },
    { name: 'polls no later than the end of the jitter window', windows: [w(-8700, 300)], failed: false, backoff: 0, plan: { at: now + 300, backoffMs: 0 } },
    { name: 'backs off 1 s when a token past its window was not refreshed', windows: [w(-20000, -11000)], failed: false, backoff: 0, plan: { at: now + 1000, backoffMs: 1000 } },
    { name: 'doubles the backoff on repeated failures', windows: [], failed: true, backoff: 8000, plan: { at: now + 16000, backoffMs: 16000 } },
    { name: 'caps the backoff at a minute', windows: [], failed: true, backoff: 60000, plan: { at: now + 60000, backoffMs: 60000 } },
    { name: 'resets the backoff once healthy', windows: [w(3_000_000)], failed: false, backoff: 32000, plan: { at: now + 3_000_000, backoffMs: 0 } },
    { name: 'schedules nothing for a pod without tokens', windows: [], failed: false, backoff: 0, plan: { at: undefined, backoffMs: 0 } },
  ])('$name', ({ windows, failed, backoff, plan }) => {
    expect(planResync({ now, windows, failed, backoffMs: backoff })).toEqual(plan);
  });

  it('adds a periodic resync when asked to', () => {
    expect(planResync({ now, windows: [w(3_000_000)], failed: false, backoffMs: 0 }, { ...DEFAULT_RESYNC_POLICY, resyncIntervalMs: 60_000 })).toEqual({ at: now + 60_000, backoffMs: 0 });
  });
});
