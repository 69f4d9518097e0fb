import { lazyModule } from '../util/lazy-module.js';
import type { Clock } from '../clock/index.js';
import { KNOWN_STATUS_REASONS, RestError } from './rest-errors.js';
import { clockSleep } from './clock-sleep.js';

/** cockatiel, loaded on the first call that may retry (a server start need not pay its ~35 ms) */
const cockatiel = lazyModule<typeof import('cockatiel')>('cockatiel');

/**
 * `wait.Backoff` for a webhook's retries: the first wait, its growth, the random extra (a
 * fraction of each wait) and the number of attempts.
 * @example
 * const fast: RetryBackoff = { durationMs: 10, factor: 1, jitter: 0, steps: 2 };
 */
export interface RetryBackoff {
  durationMs: number;
  factor: number;
  jitter: number;
  steps: number;
}

/** kube-apiserver's `DefaultAuthWebhookRetryBackoff()` (`webhook.DefaultRetryBackoffWithInitialDelay(500ms)`). */
export const DEFAULT_RETRY_BACKOFF: Readonly<RetryBackoff> = { durationMs: 500, factor: 1.5, jitter: 0.2, steps: 5 };

/**
 * `webhook.DefaultShouldRetry` (staging/src/k8s.io/apiserver/pkg/util/webhook/webhook.go): a reset
 * connection, an InternalError or 500, a Timeout or 504, a TooManyRequests or 429, or a Status
 * that suggests a client delay.
 * @example
 * defaultShouldRetry(genericServerResponse(500, 'boom', 0)); // true
 */
export function defaultShouldRetry(e: unknown): boolean {
  if (!(e instanceof RestError)) return false;
  if (e.connectionReset) return true;
  const s = e.status;
  if (!s) return false;
  const unknown = !KNOWN_STATUS_REASONS.has(s.reason);
  if (s.reason === 'InternalError' || (unknown && s.code === 500)) return true;
  if (s.reason === 'Timeout' || (unknown && s.code === 504)) return true;
  if (s.reason === 'TooManyRequests' || s.code === 429) return true;
  // SuggestsClientDelay
  if (s.details && (s.reason === 'ServerTimeout' || s.details.retryAfterSeconds > 0)) return true;
  return false;
}

/**
 * `wait.Backoff.Step()`: each call hands out the next wait, `durationMs` growing ×`factor` per
 * step, plus `random() × jitter ×` itself.
 * @example
 * const next = backoffSteps({ durationMs: 500, factor: 1.5, jitter: 0.2, steps: 5 }, () => 1);
 * [next(), next(), next(), next()]; // [600, 900, 1350, 2025]
 */
export function backoffSteps(b: RetryBackoff, random: () => number = Math.random): () => number {
  let duration = b.durationMs;
  return () => {
    const wait = b.jitter > 0 ? duration + random() * b.jitter * duration : duration;
    duration *= b.factor;
    return wait;
  };
}

/**
 * Options: the `backoff` (its waits run on `clock`; without one the next attempt follows at
 * once), `random` for the jitter, `shouldRetry` ({@link defaultShouldRetry}).
 * @example
 * const opts: WebhookRetryOptions = { backoff: DEFAULT_RETRY_BACKOFF, clock };
 */
export interface WebhookRetryOptions {
  backoff?: RetryBackoff;
  clock?: Clock;
  random?: () => number;
  shouldRetry?: (e: unknown) => boolean;
}

/**
 * `webhook.WithExponentialBackoff` over `wait.ExponentialBackoffWithContext`:
 * - runs `call`; an error `shouldRetry` accepts is tried again after the next backoff wait, up
 *   to `steps` attempts in all, and then the last error is thrown;
 * - any other error is thrown at once;
 * - with no steps at all, `call` never runs: `webhook call failed: timed out waiting for the condition`.
 * @example
 * const status = await withExponentialBackoff(() => transport.post(body), { clock });
 */
export async function withExponentialBackoff<T>(call: () => Promise<T>, opts: WebhookRetryOptions = {}): Promise<T> {
  const b = opts.backoff ?? DEFAULT_RETRY_BACKOFF;
  if (b.steps <= 0) throw new Error('webhook call failed: timed out waiting for the condition');
  const nextWait = backoffSteps(b, opts.random);
  // IMPORTANT: cockatiel's own delay runs on the real timers, so it is left at 0 and each
  // wait runs on the injected clock before the attempt it precedes.
  const policy = cockatiel().retry(cockatiel().handleWhen(opts.shouldRetry ?? defaultShouldRetry), { maxAttempts: b.steps - 1 });
  return policy.execute(async ({ attempt }) => {
    if (attempt > 0) await clockSleep(opts.clock, nextWait());
    return call();
  });
}
