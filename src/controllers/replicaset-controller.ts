import { rfc3339 } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import { podCondition } from '../registry/pod-conditions.js';
import type { KubeObject, Pod } from '../registry/types.js';
import { selectorFrom, selectorMatches } from '../registry/validation/label-selector.js';
import { claimObjects, controllerRefOf } from './controller-ref.js';
import { availableAt, isPodActive, isPodAvailable, isPodReady, podPhase } from './pod-readiness.js';
import { type PodTemplate, podFromTemplate } from './pod-template.js';
import { omitEmpty, WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

const RS = kindInfo('ReplicaSet')!;
const POD = kindInfo('Pod')!;
/** `BurstReplicas`: pods created or deleted per sync at most */
const BURST_REPLICAS = 500;

interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: unknown;
  template?: PodTemplate;
}

/**
 * The ReplicaSet controller (pkg/controller/replicaset/replica_set.go `syncReplicaSet`):
 * - claims the active pods of its namespace (adopting orphans its selector matches, releasing
 *   its own that no longer match), as ControllerRefManager does;
 * - creates pods from the template (`generateName: <rs>-`, the template's labels and
 *   annotations, a controller reference with blockOwnerDeletion) or deletes the surplus, those
 *   earliest in their start-up first (unscheduled, pending, not ready, newest), at most 500 a
 *   sync, recording SuccessfulCreate / SuccessfulDelete / FailedCreate events;
 * - writes `status` (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
 *   observedGeneration, the ReplicaFailure condition) when it changed;
 * - requeues itself when a ready pod becomes available after `minReadySeconds`.
 * @example
 * const rsc = new ReplicaSetController({ registry, clock }); rsc.start();
 */
export class ReplicaSetController extends WorkloadController {
  readonly name = 'replicaset-controller';

  constructor(o: WorkloadControllerOptions) {
    super(o, 'replicaset-controller');
  }

  protected initialKeys(): string[] {
    return this.registry.list(RS, undefined).items.map((rs) => this.keyOf(rs));
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === RS) return [this.keyOf(e.object)];
    if (e.resource !== POD) return [];
    const keys = new Set<string>();
    for (const pod of [e.object, e.old]) {
      if (!pod) continue;
      const ref = controllerRefOf(pod);
      if (ref) {
        if (ref.kind === 'ReplicaSet' && ref.apiVersion === 'apps/v1') keys.add(`${pod.metadata.namespace}/${ref.name}`);
      } else if (e.type !== 'DELETED') {
        for (const rs of this.selecting(pod)) keys.add(this.keyOf(rs));
      }
    }
    return [...keys];
  }

  /** The ReplicaSets whose selector matches an orphan pod (`GetPodReplicaSets`). */
  private selecting(pod: KubeObject): KubeObject[] {
    return this.registry.list(RS, pod.metadata.namespace).items.filter((rs) => {
      const sel = selectorFrom((rs.spec as ReplicaSetSpec | undefined)?.selector);
      return !!sel && sel.kind !== 'everything' && selectorMatches(sel, pod.metadata.labels);
    });
  }

  protected async reconcile(key: string): Promise<void> {
    const [ns, name] = this.splitKey(key);
    const rs = this.registry.peek(RS, ns, name);
    if (!rs) return;
    const spec = (rs.spec ?? {}) as ReplicaSetSpec;
    const selector = selectorFrom(spec.selector);
    if (!selector) return;
    const candidates = this.registry.list(POD, ns).items.filter(isPodActive);
    const pods = await claimObjects(this.registry, rs, RS, POD, (p) => selectorMatches(selector, p.metadata.labels), candidates);
    let manageError: Error | undefined;
    let live = pods;
    if (!rs.metadata.deletionTimestamp) {
      try {
        live = await this.manageReplicas(rs, spec, pods);
      } catch (e) {
        manageError = e instanceof Error ? e : new Error(String(e));
      }
    }
    const now = this.clock.now();
    const current = this.registry.peek(RS, ns, name) ?? rs;
    await this.writeStatus(RS, current, replicaSetStatus(current, live, manageError, now));
    const minReady = spec.minReadySeconds ?? 0;
    if (minReady > 0) {
      const soonest = Math.min(...live.map((p) => availableAt(p, minReady, now) ?? Infinity));
      if (Number.isFinite(soonest)) this.later.at(key, soonest);
    }
    if (manageError) throw manageError;
  }

  /** `manageReplicas`: creates or deletes pods until there are `spec.replicas`; returns the live set. */
  private async manageReplicas(rs: KubeObject, spec: ReplicaSetSpec, pods: KubeObject[]): Promise<KubeObject[]> {
    const want = spec.replicas ?? 1;
    const diff = pods.length - want;
    const ns = rs.metadata.namespace ?? '';
    if (diff < 0) {
      const created: KubeObject[] = [];
      for (let i = 0; i < Math.min(-diff, BURST_REPLICAS); i++) {
        try {
          const pod = await this.registry.create(POD, ns, podFromTemplate(spec.template, rs, RS));
          created.push(pod);
          this.events.normal(rs, RS, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (e) {
          this.events.warning(rs, RS, 'FailedCreate', `Error creating: ${(e as Error).message}`);
          throw e;
        }
      }
      return [...pods, ...created];
    }
    if (diff > 0) {
      const doomed = podsToDelete(pods, Math.min(diff, BURST_REPLICAS));
      for (const pod of doomed) {
        try {
          await this.registry.delete(POD, ns, pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
          this.events.normal(rs, RS, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (e) {
          if (isStatusError(e) && e.reason === 'NotFound') continue;
          this.events.warning(rs, RS, 'FailedDelete', `Error deleting: ${(e as Error).message}`);
          throw e;
        }
      }
      const gone = new Set(doomed);
      return pods.filter((p) => !gone.has(p));
    }
    return pods;
  }
}

/** The rank of a pod in `ActivePodsWithRanks`: lower is deleted first. */
function deletionRank(p: KubeObject): number[] {
  const phase = podPhase(p);
  const ready = podCondition(p.status, 'Ready');
  const readySince = ready?.status === 'True' && ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
  const restarts = ((p.status as { containerStatuses?: Array<{ restartCount?: number }> } | undefined)?.containerStatuses ?? []).reduce((n, c) => Math.max(n, c?.restartCount ?? 0), 0);
  return [
    (p as Pod).spec?.nodeName ? 1 : 0,
    phase === 'Pending' ? 0 : phase === 'Unknown' ? 1 : phase === 'Running' ? 2 : 3,
    isPodReady(p) ? 1 : 0,
    -readySince, // ready for less time first
    -restarts,
    -Date.parse(p.metadata.creationTimestamp ?? '') || 0, // newer first
  ];
}

/** `getPodsToDelete`: the `n` pods earliest in their start-up. */
export function podsToDelete(pods: readonly KubeObject[], n: number): KubeObject[] {
  const ranked = pods.map((p) => ({ p, r: deletionRank(p) }));
  ranked.sort((a, b) => {
    for (let i = 0; i < a.r.length; i++) if (a.r[i] !== b.r[i]) return a.r[i]! - b.r[i]!;
    return 0;
  });
  return ranked.slice(0, n).map((x) => x.p);
}

/**
 * `calculateStatus` and the observed generation: counts over the claimed active pods, the
 * ReplicaFailure condition while creating or deleting fails. Members as Go's ReplicaSetStatus
 * writes them (`replicas` always, the others omitted when zero).
 */
export function replicaSetStatus(rs: KubeObject, pods: readonly KubeObject[], manageError: Error | undefined, now: number): Record<string, unknown> {
  const spec = (rs.spec ?? {}) as ReplicaSetSpec;
  const templateLabels = spec.template?.metadata?.labels ?? {};
  const minReady = spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const old = (rs.status ?? {}) as { conditions?: Array<Record<string, unknown>> };
  let conditions = (old.conditions ?? []).filter((c) => c?.type !== 'ReplicaFailure' || manageError);
  const failure = (old.conditions ?? []).find((c) => c?.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = pods.length - (spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [...conditions, omitEmpty({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message: manageError.message })];
  }
  return omitEmpty(
    {
      replicas: pods.length,
      fullyLabeledReplicas: fullyLabeled,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation ?? 0,
      conditions,
    },
    ['replicas'],
  );
}
