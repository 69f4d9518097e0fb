import type { Clock, TimerHandle } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { ObjectRegistry, RegistryEvent } from '../registry/object-registry.js';
import type { ConfigMap, Secret } from '../registry/types.js';
import { LAST_USED_LABEL } from '../auth/authenticators/legacy-validator.js';
import { Controller } from './controller.js';
import { WorkQueue } from './work-queue.js';

const CM = kindInfo('ConfigMap')!;
const SECRET = kindInfo('Secret')!;
export const TRACKING_NAMESPACE = 'kube-system';
export const TRACKING_CONFIGMAP = 'kube-apiserver-legacy-service-account-token-tracking';
export const TRACKING_SINCE_KEY = 'since';
/** one creation attempt per 30 minutes (`rate.NewLimiter(rate.Every(30*time.Minute), 1)`) */
export const TRACKING_CREATE_INTERVAL_MS = 30 * 60_000;
export const DAY_MS = 86_400_000;

/**
 * Go's `time.Parse("2006-01-02", s)` in UTC: the midnight it names, or undefined when `s` is not
 * exactly a valid `YYYY-MM-DD` date.
 * @example
 * parseDate('2026-02-28'); // 1772236800000
 * parseDate('2026-02-30'); // undefined
 */
export function parseDate(s: string | undefined): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? '');
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === s ? ms : undefined;
}

/**
 * `t.Format("2006-01-02")` in UTC.
 * @example
 * formatDate(Date.parse('2026-03-01T23:59:59-05:00')); // '2026-03-02'
 */
export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The legacy token tracking controller (pkg/controlplane/controller/legacytokentracking/controller.go),
 * which runs in kube-apiserver:
 * - the ConfigMap `kube-system/kube-apiserver-legacy-service-account-token-tracking` holds
 *   `since`, the UTC date on which last-used tracking began;
 * - missing: created with today's date, at most one attempt per 30 minutes;
 * - `since` missing or not a `YYYY-MM-DD` date: overwritten with today's date;
 * - a valid `since` never changes.
 * @example
 * const c = new LegacyTokenTrackingController(registry, clock); c.start(); await c.idle();
 */
export class LegacyTokenTrackingController extends Controller {
  readonly name = 'legacy-token-tracking-controller';
  private lastCreate: number | undefined;
  private retry: TimerHandle | undefined;

  constructor(
    registry: ObjectRegistry,
    private readonly clock: Clock,
    onError?: (controller: string, key: string, err: unknown) => void,
  ) {
    super(registry, onError);
  }

  protected initialKeys(): string[] {
    return [TRACKING_CONFIGMAP];
  }

  protected keysFor(e: RegistryEvent): string[] {
    const m = e.object.metadata;
    return e.resource === CM && m.namespace === TRACKING_NAMESPACE && m.name === TRACKING_CONFIGMAP ? [TRACKING_CONFIGMAP] : [];
  }

  override stop(): void {
    this.clock.clearTimeout(this.retry);
    super.stop();
  }

  protected async reconcile(): Promise<void> {
    const now = this.clock.now();
    const cm = this.registry.peek(CM, TRACKING_NAMESPACE, TRACKING_CONFIGMAP) as ConfigMap | undefined;
    try {
      if (!cm) {
        if (this.lastCreate !== undefined && now - this.lastCreate < TRACKING_CREATE_INTERVAL_MS) {
          this.clock.clearTimeout(this.retry);
          this.retry = this.clock.setTimeout(() => this.queue.add(TRACKING_CONFIGMAP), this.lastCreate + TRACKING_CREATE_INTERVAL_MS - now);
          return;
        }
        this.lastCreate = now;
        await this.registry.create(CM, TRACKING_NAMESPACE, { metadata: { name: TRACKING_CONFIGMAP, namespace: TRACKING_NAMESPACE }, data: { [TRACKING_SINCE_KEY]: formatDate(now) } });
      } else if (parseDate(cm.data?.[TRACKING_SINCE_KEY]) === undefined) {
        const next = structuredClone(cm);
        next.data = { ...(next.data ?? {}), [TRACKING_SINCE_KEY]: formatDate(now) };
        await this.registry.update(CM, TRACKING_NAMESPACE, TRACKING_CONFIGMAP, next);
      }
    } catch (e) {
      if (isStatusError(e) && (e.reason === 'AlreadyExists' || e.reason === 'NotFound')) return;
      throw e;
    }
  }
}

/**
 * The last-used label write of the legacy validator (pkg/serviceaccount/legacy.go), done off
 * the request path: `mark(secret, date)` queues a merge patch of the
 * `kubernetes.io/legacy-token-last-used` label, preconditioned on the Secret's UID; a Secret
 * that is gone or replaced is left alone, failures are reported to `onError` and retried.
 * @example
 * const usage = new LegacyTokenUsageRecorder(registry);
 * usage.mark(secret, '2026-01-01'); await usage.idle();
 */
export class LegacyTokenUsageRecorder {
  private readonly queue: WorkQueue;

  constructor(
    private readonly registry: ObjectRegistry,
    onError?: (key: string, err: unknown) => void,
  ) {
    this.queue = new WorkQueue((key) => this.write(key), { maxRetries: 3, ...(onError ? { onError } : {}) });
  }

  /** Queues the label write; returns at once (fire and forget). */
  mark(secret: Secret, date: string): void {
    const m = secret.metadata;
    this.queue.add(JSON.stringify([m.namespace, m.name, m.uid, date]));
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    this.queue.stop();
  }

  private async write(key: string): Promise<void> {
    const [namespace, name, uid, date] = JSON.parse(key) as [string, string, string, string];
    const current = this.registry.peek(SECRET, namespace, name) as Secret | undefined;
    if (!current || current.metadata.uid !== uid || current.metadata.labels?.[LAST_USED_LABEL] === date) return;
    const next = structuredClone(current);
    next.metadata.labels = { ...(next.metadata.labels ?? {}), [LAST_USED_LABEL]: date };
    try {
      await this.registry.update(SECRET, namespace, name, next);
    } catch (e) {
      if (isStatusError(e) && e.reason === 'NotFound') return;
      throw e;
    }
  }
}
