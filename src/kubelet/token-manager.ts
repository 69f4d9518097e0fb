import pino from 'pino';
import type { Clock, TimerHandle } from '../clock/index.js';
import type { TokenRequest } from '../registry/types.js';
import { KubeletError, errorMessage } from './kubelet-errors.js';
import {
  GC_PERIOD_MS,
  type RefreshWindow,
  expirationMs,
  jitterMs,
  refreshWindow,
  requiresRefreshAt,
} from './refresh-policy.js';
import { tokenCacheKey } from './token-cache-key.js';

/**
 * Asks the API server for a token: `POST .../namespaces/<namespace>/serviceaccounts/<name>/token`
 * with `tr` as the body, resolving to the server's TokenRequest (with `status`).
 * @example
 * const getToken: TokenGetter = (ns, sa, tr) => client.createToken(ns, sa, tr);
 */
export type TokenGetter = (namespace: string, serviceAccountName: string, tr: TokenRequest) => Promise<TokenRequest>;

/**
 * Dependencies of a {@link TokenManager}; the token getter and the clock are seams for tests.
 * @example
 * const opts: TokenManagerOptions = { getToken, clock: new ManualClock(), random: () => 0.5 };
 */
export interface TokenManagerOptions {
  getToken: TokenGetter;
  clock: Clock;
  /** uniform in [0, 1); draws the refresh jitter (default `Math.random`) */
  random?: () => number;
  logger?: pino.Logger;
}

/**
 * The kubelet's service-account token cache (pkg/kubelet/token/token_manager.go): projected volumes
 * ask it for tokens, it answers from its cache until a token requires a refresh, and it keeps serving
 * the old token while refreshes fail and the old one is still valid. Expired entries leave the cache
 * every minute (on the injected clock) until {@link TokenManager.stop}.
 * @example
 * const tm = new TokenManager({ getToken: (ns, sa, tr) => api.createToken(ns, sa, tr), clock });
 * const tr = await tm.getServiceAccountToken('default', 'default', request);
 * tm.stop();
 */
export class TokenManager {
  private readonly cache = new Map<string, TokenRequest>();
  /** pod UID → cache keys whose response is bound to it, so deleting a pod costs O(its tokens) */
  private readonly byPod = new Map<string, Set<string>>();
  private readonly getToken: TokenGetter;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: pino.Logger;
  private gcTimer: TimerHandle | undefined;

  constructor(opts: TokenManagerOptions) {
    this.getToken = opts.getToken;
    this.clock = opts.clock;
    this.random = opts.random ?? Math.random;
    this.logger = opts.logger ?? pino({ level: 'silent' });
    this.gcTimer = this.clock.setInterval(() => this.cleanup(), GC_PERIOD_MS);
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.cache.size;
  }

  /**
   * A token for the pod, from the cache or from the TokenRequest API:
   * - look the request up under its cache key;
   * - cached and not requiring a refresh: return the cached response;
   * - otherwise ask the API; on success cache the **response** and return it;
   * - on failure with nothing cached: `failed to fetch token: <err>`;
   * - on failure with the cached token expired: `token <key> expired and refresh failed: <err>`;
   * - on failure otherwise: log, and return the old token.
   * @example
   * const tr = await tm.getServiceAccountToken(pod.metadata.namespace, 'default', request);
   */
  async getServiceAccountToken(namespace: string, name: string, tr: TokenRequest): Promise<TokenRequest> {
    const key = tokenCacheKey(name, namespace, tr);
    const cached = this.cache.get(key);
    if (cached && !this.requiresRefresh(cached)) return cached;

    let fresh: TokenRequest;
    try {
      fresh = await this.getToken(namespace, name, tr);
    } catch (err) {
      if (!cached) throw new KubeletError('ERR_TOKEN_FETCH_FAILED', `failed to fetch token: ${errorMessage(err)}`, { cause: err });
      if (this.expired(cached)) {
        throw new KubeletError('ERR_TOKEN_EXPIRED', `token ${key} expired and refresh failed: ${errorMessage(err)}`, { cause: err });
      }
      this.logger.error({ err: errorMessage(err), cacheKey: key }, "Couldn't update token");
      return cached;
    }
    this.set(key, fresh);
    return fresh;
  }

  /**
   * Forgets every token whose response is bound to the pod (`spec.boundObjectRef.uid`); the kubelet
   * calls it when a pod's volumes are torn down.
   * @example
   * tm.deleteServiceAccountToken(pod.metadata.uid!);
   */
  deleteServiceAccountToken(podUid: string): void {
    const keys = this.byPod.get(podUid);
    if (!keys) return;
    for (const key of keys) this.cache.delete(key);
    this.byPod.delete(podUid);
  }

  /**
   * Drops entries whose `status.expirationTimestamp` is strictly before now; runs every minute.
   * @example
   * tm.cleanup();
   */
  cleanup(): void {
    for (const [key, tr] of this.cache) if (this.expired(tr)) this.remove(key);
  }

  /**
   * Whether a cached token must be refreshed now (one jitter draw per call, as upstream); see
   * `requiresRefreshAt` for the rules. A token without `spec.expirationSeconds` is logged (without
   * its token) and never refreshed.
   * @example
   * if (tm.requiresRefresh(tr)) console.log('next sync fetches a new token');
   */
  requiresRefresh(tr: TokenRequest): boolean {
    const now = this.clock.now();
    if (tr.spec?.expirationSeconds == null) {
      this.logger.error({ tokenRequest: { ...tr, status: { ...tr.status, token: '' } } }, 'Expiration seconds was nil for token request');
      return false;
    }
    return requiresRefreshAt(tr, now, jitterMs(this.random)) ?? false;
  }

  /**
   * The earliest instant at which {@link TokenManager.requiresRefresh} can turn true for this token
   * (the largest jitter); from `refreshWindow(tr).latest`, 9 s later, it is true whatever the jitter.
   * `undefined` when the token never requires a refresh.
   * @example
   * const due = tm.nextRefreshAt(tr); // schedule a resync then
   */
  nextRefreshAt(tr: TokenRequest): number | undefined {
    return this.refreshWindow(tr)?.earliest;
  }

  /**
   * When a refresh of this token becomes possible (`earliest`) and certain (`latest`).
   * @example
   * const { earliest, latest } = tm.refreshWindow(tr)!;
   */
  refreshWindow(tr: TokenRequest): RefreshWindow | undefined {
    return refreshWindow(tr, this.clock.now());
  }

  /**
   * Stops the minute-by-minute clean-up. The cache stays usable.
   * @example
   * tm.stop();
   */
  stop(): void {
    this.clock.clearInterval(this.gcTimer);
    this.gcTimer = undefined;
  }

  private expired(tr: TokenRequest): boolean {
    return this.clock.now() > expirationMs(tr);
  }

  private set(key: string, tr: TokenRequest): void {
    this.remove(key);
    this.cache.set(key, tr);
    const uid = tr.spec?.boundObjectRef?.uid ?? '';
    let keys = this.byPod.get(uid);
    if (!keys) this.byPod.set(uid, (keys = new Set()));
    keys.add(key);
  }

  private remove(key: string): void {
    const old = this.cache.get(key);
    if (!old) return;
    this.cache.delete(key);
    const uid = old.spec?.boundObjectRef?.uid ?? '';
    const keys = this.byPod.get(uid);
    keys?.delete(key);
    if (keys && keys.size === 0) this.byPod.delete(uid);
  }
}
