import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { genericServerResponse, RestError } from '../../src/client/rest-errors.js';
import { backoffSteps, defaultShouldRetry, withExponentialBackoff } from '../../src/client/webhook-backoff.js';

describe('backoffSteps (wait.Backoff.Step)', () => {
  it.each<[string, number, number[]]>([
    ['no jitter drawn: the plain growth', 0, [500, 750, 1125, 1687.5]],
    ['the whole jitter drawn: 20 % more each', 1, [600, 900, 1350, 2025]],
  ])('%s', (_name, r, waits) => {
    const next = backoffSteps({ durationMs: 500, factor: 1.5, jitter: 0.2, steps: 5 }, () => r);
    expect([next(), next(), next(), next()]).toEqual(waits);
  });
});

describe('defaultShouldRetry (webhook.DefaultShouldRetry)', () => {
  it.each<[string, unknown, boolean]>([
    ['a 500', genericServerResponse(500, 'boom', 0), true],
    ['a 504', genericServerResponse(504, '', 0), true],
    ['a 429', genericServerResponse(429, '', 0), true],
    ['a 503 without Retry-After', genericServerResponse(503, '', 0), false],
    ['a 503 with Retry-After (SuggestsClientDelay)', genericServerResponse(503, '', 2), true],
    ['a 404', genericServerResponse(404, '', 0), false],
    ['a Status of an unknown reason with code 500', new RestError('x', { reason: 'Whatever', code: 500 }), true],
    ['a reset connection', new RestError('Post "http://h/": read: connection reset by peer', undefined, true), true],
    ['a refused connection', new RestError('Post "http://h/": dial tcp h:1: connect: connection refused'), false],
    ['an error that is not a REST error', new Error('json: cannot unmarshal'), false],
  ])('%s → %s', (_name, e, retry) => {
    expect(defaultShouldRetry(e)).toBe(retry);
  });
});

describe('withExponentialBackoff (webhook.WithExponentialBackoff)', () => {
  it('tries up to steps times on the clock and throws the last error', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const pending = withExponentialBackoff(
      async () => {
        calls++;
        throw genericServerResponse(500, `boom ${calls}`, 0);
      },
      { clock, backoff: { durationMs: 100, factor: 2, jitter: 0, steps: 3 } },
    );
    const outcome = pending.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    for (const ms of [100, 200]) {
      while (clock.pending() === 0) await new Promise((r) => setImmediate(r));
      await clock.advance(ms);
    }
    expect(await outcome).toBe('an error on the server ("boom 3") has prevented the request from succeeding');
    expect(calls).toBe(3);
  });

  it('throws an error it should not retry at once', async () => {
    let calls = 0;
    await expect(
      withExponentialBackoff(async () => {
        calls++;
        throw genericServerResponse(404, '', 0);
      }),
    ).rejects.toThrow('the server could not find the requested resource');
    expect(calls).toBe(1);
  });

  it('with no steps never calls, as wait.ExponentialBackoff times out', async () => {
    let calls = 0;
    await expect(withExponentialBackoff(async () => calls++, { backoff: { durationMs: 1, factor: 1, jitter: 0, steps: 0 } })).rejects.toThrow('webhook call failed: timed out waiting for the condition');
    expect(calls).toBe(0);
  });
});
