import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on first use, synchronously: for what a server start need not pay
 * (cron-parser for CronJobs, cockatiel for webhook retries: tens of milliseconds each).
 * @example
 * const cockatiel = lazyModule<typeof import('cockatiel')>('cockatiel');
 * cockatiel().retry(cockatiel().handleAll, { maxAttempts: 3 });
 */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(specifier) as T);
}
