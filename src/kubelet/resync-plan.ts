import type { RefreshWindow } from './refresh-policy.js';

/**
 * How a pod's next resync is chosen.
 * @example
 * const policy: ResyncPolicy = { ...DEFAULT_RESYNC_POLICY, resyncIntervalMs: 60_000 };
 */
export interface ResyncPolicy {
  /** first retry after a failure (default 1 s) */
  initialBackoffMs: number;
  /** retries back off by doubling up to this (default 1 min) */
  maxBackoffMs: number;
  /** step while a token is inside its jitter window (default 1 s, the jitter's granularity) */
  pollMs: number;
  /** also resync this often regardless of tokens (ConfigMap changes); undefined: tokens only */
  resyncIntervalMs: number | undefined;
}

/**
 * 1 s backoff doubling to 1 min, 1 s polls inside jitter windows, no periodic resync.
 * @example
 * new PodVolumeManager({ ...deps, resync: { ...DEFAULT_RESYNC_POLICY, maxBackoffMs: 10_000 } });
 */
export const DEFAULT_RESYNC_POLICY: ResyncPolicy = { initialBackoffMs: 1000, maxBackoffMs: 60_000, pollMs: 1000, resyncIntervalMs: undefined };

/**
 * The outcome of one pod sync, as the planner sees it.
 * @example
 * const outcome: SyncOutcome = { now: clock.now(), failed: false, windows: [], backoffMs: 0 };
 */
export interface SyncOutcome {
  now: number;
  /** some volume failed to set up */
  failed: boolean;
  /** refresh windows of the tokens the pod's volumes now hold */
  windows: readonly RefreshWindow[];
  /** the backoff used by the previous retry (0: the last sync was healthy) */
  backoffMs: number;
}

/**
 * When to sync next, and the backoff that led there (0 when healthy).
 * @example
 * const { at, backoffMs }: ResyncPlan = planResync(outcome);
 */
export interface ResyncPlan {
  at: number | undefined;
  backoffMs: number;
}

/**
 * Chooses a pod's next resync from its tokens, like the kubelet's periodic pod sync but only when
 * something can change:
 * - a token before its window: at `earliest`, the first instant `requiresRefresh` can be true;
 * - a token inside its window (the jitter drawn said "not yet"): poll each second up to `latest`;
 * - a token past `latest` that is still the one served (the refresh failed and the token manager kept
 *   the old one), or a volume that failed to set up: retry with backoff, 1 s doubling to 1 min;
 * - the earliest of these (and of the optional periodic resync) wins.
 * @example
 * planResync({ now, failed: false, windows: [tm.refreshWindow(tr)!], backoffMs: 0 }); // { at: earliest, backoffMs: 0 }
 */
export function planResync(outcome: SyncOutcome, policy: ResyncPolicy = DEFAULT_RESYNC_POLICY): ResyncPlan {
  const { now } = outcome;
  let stale = outcome.failed;
  let at = policy.resyncIntervalMs === undefined ? Infinity : now + policy.resyncIntervalMs;
  for (const w of outcome.windows) {
    if (now < w.earliest) at = Math.min(at, w.earliest);
    else if (now < w.latest) at = Math.min(at, now + policy.pollMs, w.latest);
    else stale = true;
  }
  let backoffMs = 0;
  if (stale) {
    backoffMs = outcome.backoffMs > 0 ? Math.min(outcome.backoffMs * 2, policy.maxBackoffMs) : policy.initialBackoffMs;
    at = Math.min(at, now + backoffMs);
  }
  return { at: Number.isFinite(at) ? at : undefined, backoffMs };
}
