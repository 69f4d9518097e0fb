import type { StaleTokenObserver } from '../auth/authenticators/bound-validator.js';
import type { ServiceAccountInfo } from '../registry/service-account-info.js';
import { splitServiceAccountUsername } from '../tokens/service-account-username.js';
import { Counter, renderFamilies } from './exposition.js';

/** The observer the emulator's authenticators report to (emulator.ts `EmulatorOptions.observer`). */
export type TokenObserver = StaleTokenObserver & { legacy?(sub: string): void };

type SaLabel = 'namespace' | 'serviceaccount';
type RequestLabel = 'verb' | 'dry_run' | 'group' | 'version' | 'resource' | 'subresource' | 'scope' | 'component' | 'code';
const SA_LABELS: readonly SaLabel[] = ['namespace', 'serviceaccount'];

/** `system:serviceaccount:<ns>:<name>` → labels; anything else → empty labels. */
function labelsOfSubject(sub: string): Record<SaLabel, string> {
  const split = splitServiceAccountUsername(sub);
  return split ? { namespace: split[0], serviceaccount: split[1] } : { namespace: '', serviceaccount: '' };
}

const labelsOf = (info: ServiceAccountInfo): Record<SaLabel, string> => ({ namespace: info.namespace, serviceaccount: info.name });

type CounterChild = ReturnType<Counter<SaLabel>['child']>;

/**
 * Counts one use for `info`'s service account. A frozen info (shared by every cached review of
 * one identity) keeps a handle on its series; others are counted by labels.
 */
function countPerServiceAccount(counter: Counter<SaLabel>, handles: WeakMap<ServiceAccountInfo, CounterChild>, info: ServiceAccountInfo): void {
  const h = handles.get(info);
  if (h) return h.inc();
  if (!Object.isFrozen(info)) return counter.inc(labelsOf(info));
  const child = counter.child(labelsOf(info));
  handles.set(info, child);
  child.inc();
}

/**
 * The service-account token metrics of kube-apiserver (pkg/serviceaccount/metrics.go), with
 * their names and help, plus what satoken adds:
 * - `serviceaccount_legacy_tokens_total`, `serviceaccount_stale_tokens_total`,
 *   `serviceaccount_valid_tokens_total`: counters without labels, as Kubernetes has them;
 * - `satoken_serviceaccount_{legacy,stale,valid}_tokens_total{namespace,serviceaccount}`: the
 *   same counts per service account (a separate family, so that summing Kubernetes' series
 *   never counts twice);
 * - `apiserver_request_total{verb,dry_run,group,version,resource,subresource,scope,component,code}`;
 * - `satoken_token_faults_applied_total{fault,action,target}`: requests a TokenFault changed.
 * Fed by {@link TokenMetrics.observer}; rendered by {@link TokenMetrics.render}.
 * @example
 * const metrics = new TokenMetrics();
 * const emu = await createEmulator({ observer: metrics.observer() });
 * metrics.render(); // '# HELP serviceaccount_legacy_tokens_total [ALPHA] Cumulative legacy service account tokens used\n...'
 */
export class TokenMetrics {
  readonly legacyTokens = new Counter('serviceaccount_legacy_tokens_total', '[ALPHA] Cumulative legacy service account tokens used');
  readonly staleTokens = new Counter('serviceaccount_stale_tokens_total', '[ALPHA] Cumulative stale projected service account tokens used');
  readonly validTokens = new Counter('serviceaccount_valid_tokens_total', '[ALPHA] Cumulative valid projected service account tokens used');
  readonly legacyTokensBySa = new Counter('satoken_serviceaccount_legacy_tokens_total', 'Cumulative legacy service account tokens used, per service account (satoken)', SA_LABELS);
  readonly staleTokensBySa = new Counter('satoken_serviceaccount_stale_tokens_total', 'Cumulative stale projected service account tokens used, per service account (satoken)', SA_LABELS);
  readonly validTokensBySa = new Counter('satoken_serviceaccount_valid_tokens_total', 'Cumulative valid projected service account tokens used, per service account (satoken)', SA_LABELS);
  readonly requests = new Counter<RequestLabel>(
    'apiserver_request_total',
    '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
  );

  readonly faultsApplied = new Counter<'fault' | 'action' | 'target'>('satoken_token_faults_applied_total', 'Requests a TokenFault changed, per fault, action and target (satoken)', ['fault', 'action', 'target']);

  /** the per-service-account series of each cached review's (shared) info, found without building a key */
  private readonly staleAll = this.staleTokens.child({});
  private readonly validAll = this.validTokens.child({});
  private readonly staleBySa = new WeakMap<ServiceAccountInfo, CounterChild>();
  private readonly validBySa = new WeakMap<ServiceAccountInfo, CounterChild>();

  /**
   * An observer that counts, then passes each report on to `next` (the caller's own observer).
   * @example
   * createEmulator({ observer: metrics.observer({ stale: (sub, n) => console.log(sub, n) }) });
   */
  observer(next: TokenObserver = {}): Required<TokenObserver> {
    return {
      legacy: (sub) => {
        this.legacyTokens.inc();
        this.legacyTokensBySa.inc(labelsOfSubject(sub));
        next.legacy?.(sub);
      },
      stale: (sub, seconds, info) => {
        this.staleAll.inc();
        countPerServiceAccount(this.staleTokensBySa, this.staleBySa, info);
        next.stale?.(sub, seconds, info);
      },
      valid: (info) => {
        this.validAll.inc();
        countPerServiceAccount(this.validTokensBySa, this.validBySa, info);
        next.valid?.(info);
      },
    };
  }

  /** Every family in the Prometheus text format (serve it as `PROMETHEUS_CONTENT_TYPE`). */
  render(): string {
    return renderFamilies([this.legacyTokens, this.staleTokens, this.validTokens, this.legacyTokensBySa, this.staleTokensBySa, this.validTokensBySa, this.requests, this.faultsApplied]);
  }
}
