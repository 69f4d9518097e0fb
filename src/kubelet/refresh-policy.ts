import type { TokenRequest } from '../registry/types.js';

/**
 * `maxTTL`: a token is refreshed once it is 24 h old, whatever its lifetime.
 * @example
 * const byAge = iat + MAX_TTL_MS;
 */
export const MAX_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * `gcPeriod`: how often expired tokens leave the cache.
 * @example
 * clock.setInterval(() => tokenManager.cleanup(), GC_PERIOD_MS);
 */
export const GC_PERIOD_MS = 60 * 1000;
/**
 * `maxJitter`: refreshes come up to 9 s early (a whole number of seconds in [0, 10)).
 * @example
 * const jitter = Math.trunc(Math.random() * MAX_JITTER_SECONDS) * 1000;
 */
export const MAX_JITTER_SECONDS = 10;

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), what a missing expirationTimestamp decodes to. */
const GO_ZERO_TIME_MS = -62_135_596_800_000;

/**
 * The jitter of one `requiresRefresh` call: `time.Duration(rand.Float64()*10) * time.Second`, i.e. a
 * whole number of seconds from 0 to 9, in milliseconds.
 * @example
 * jitterMs(() => 0.999); // 9000
 */
export function jitterMs(random: () => number): number {
  return Math.trunc(random() * MAX_JITTER_SECONDS) * 1000;
}

interface RefreshTimes {
  iat: number;
  byAge: number;
  byLifetime: number;
}

/** The instants the rules compare against, derived from the status (not the JWT) as upstream does. */
function refreshTimes(tr: TokenRequest): RefreshTimes | undefined {
  const seconds = tr.spec?.expirationSeconds;
  if (seconds == null) return undefined;
  const exp = expirationMs(tr);
  const iat = exp - seconds * 1000;
  return { iat, byAge: iat + MAX_TTL_MS, byLifetime: exp - Math.trunc((seconds * 20) / 100) * 1000 };
}

/**
 * `status.expirationTimestamp` in epoch milliseconds (Go's zero time when absent or unparsable).
 * @example
 * expirationMs(tr); // Date.parse(tr.status.expirationTimestamp)
 */
export function expirationMs(tr: TokenRequest): number {
  const ts = tr.status?.expirationTimestamp;
  const ms = ts ? Date.parse(ts) : NaN;
  return Number.isNaN(ms) ? GO_ZERO_TIME_MS : ms;
}

/**
 * `requiresRefresh` of pkg/kubelet/token/token_manager.go for one jitter draw:
 * - `spec.expirationSeconds` unset: `undefined` (the caller logs and keeps the token);
 * - `iat` = `status.expirationTimestamp − expirationSeconds` (status-derived, not the JWT's);
 * - refresh once `now > iat + 24h − jitter`;
 * - refresh once `now > exp − floor(expirationSeconds × 20 / 100) s − jitter`;
 * - refresh when `now < iat` (the clock went backwards).
 * @example
 * requiresRefreshAt(tr, clock.now(), jitterMs(Math.random));
 */
export function requiresRefreshAt(tr: TokenRequest, now: number, jitter: number): boolean | undefined {
  const t = refreshTimes(tr);
  if (!t) return undefined;
  if (now > t.byAge - jitter) return true;
  if (now > t.byLifetime - jitter) return true;
  return now < t.iat;
}

/**
 * When `requiresRefresh` turns true: from `earliest` for some jitter draws, from `latest` for all.
 * @example
 * const { earliest, latest }: RefreshWindow = refreshWindow(tr, clock.now())!;
 */
export interface RefreshWindow {
  earliest: number;
  latest: number;
}

/**
 * The window in which `requiresRefresh` turns true, for a scheduler: at `earliest` (first millisecond
 * after `threshold − 9 s`) the largest jitter triggers it, from `latest` (`threshold + 1 ms`) every
 * jitter does. A token from the future (`now < iat`) is due at once. `undefined` when the token
 * never requires a refresh (no `expirationSeconds`).
 * @example
 * const w = refreshWindow(tr, clock.now()); // { earliest, latest }, latest − earliest = 9 s
 */
export function refreshWindow(tr: TokenRequest, now: number): RefreshWindow | undefined {
  const t = refreshTimes(tr);
  if (!t) return undefined;
  if (now < t.iat) return { earliest: now, latest: now };
  const threshold = Math.min(t.byAge, t.byLifetime);
  return { earliest: threshold - (MAX_JITTER_SECONDS - 1) * 1000 + 1, latest: threshold + 1 };
}
