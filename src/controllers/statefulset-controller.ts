import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import type { KubeObject, Pod } from '../registry/types.js';
import { selectorFrom, selectorMatches } from '../registry/validation/label-selector.js';
import { claimObjects, controllerRefOf } from './controller-ref.js';
import { ensureRevision } from './controller-revision.js';
import { availableAt, isPodAvailable, isPodReady, podPhase } from './pod-readiness.js';
import { type PodTemplate, podFromTemplate } from './pod-template.js';
import { omitEmpty, WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

const STS = kindInfo('StatefulSet', 'apps')!;
const POD = kindInfo('Pod')!;
const PVC = kindInfo('PersistentVolumeClaim')!;
export const REVISION_LABEL = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

interface StatefulSetSpec {
  replicas?: number;
  selector?: unknown;
  template?: PodTemplate;
  serviceName?: string;
  podManagementPolicy?: string;
  minReadySeconds?: number;
  ordinals?: { start?: number };
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  volumeClaimTemplates?: KubeObject[];
}

/** The ordinal of a pod named `<set>-<n>`, or undefined for another name. */
function ordinalOf(set: KubeObject, pod: KubeObject): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

const runningAndReady = (p: KubeObject) => podPhase(p) === 'Running' && isPodReady(p);

/**
 * The StatefulSet controller (pkg/controller/statefulset), at the level tools rely on:
 * - pods `<set>-<ordinal>` from `ordinals.start`, with `hostname` and `subdomain` (the
 *   serviceName), the labels `controller-revision-hash`, `statefulset.kubernetes.io/pod-name` and
 *   `apps.kubernetes.io/pod-index`, and a PersistentVolumeClaim `<claim>-<set>-<ordinal>` per
 *   volumeClaimTemplate mounted under the claim's name;
 * - OrderedReady: one pod at a time, each once every lower one is Running and Ready; scaling
 *   down removes the highest ordinal first, one at a time; Parallel creates and deletes at once;
 * - failed pods are deleted and recreated;
 * - RollingUpdate: with every pod Running and Ready, the highest pod at or above the partition
 *   whose revision is not the update revision is deleted (and recreated at it); OnDelete waits;
 * - the template's revisions as ControllerRevisions (controller-revision.ts); status with
 *   replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas,
 *   currentRevision, updateRevision (current becomes update once the rollout is done),
 *   observedGeneration and collisionCount, as `kubectl rollout status` reads them.
 * Revision history pruning and PVC retention policies are not emulated (claims stay).
 */
export class StatefulSetController extends WorkloadController {
  readonly name = 'statefulset-controller';

  constructor(o: WorkloadControllerOptions) {
    super(o, 'statefulset-controller');
  }

  protected initialKeys(): string[] {
    return this.registry.list(STS, undefined).items.map((s) => this.keyOf(s));
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === STS) return [this.keyOf(e.object)];
    if (e.resource !== POD) return [];
    const keys = new Set<string>();
    for (const pod of [e.object, e.old]) {
      const ref = pod && controllerRefOf(pod);
      if (ref?.kind === 'StatefulSet' && ref.apiVersion === 'apps/v1') keys.add(`${pod!.metadata.namespace}/${ref.name}`);
    }
    return [...keys];
  }

  protected async reconcile(key: string): Promise<void> {
    const [ns, name] = this.splitKey(key);
    const set = this.registry.peek(STS, ns, name);
    if (!set) return;
    const spec = (set.spec ?? {}) as StatefulSetSpec;
    const selector = selectorFrom(spec.selector);
    if (!selector) return;
    const candidates = this.registry.list(POD, ns).items;
    let pods = await claimObjects(this.registry, set, STS, POD, (p) => selectorMatches(selector, p.metadata.labels) && ordinalOf(set, p) !== undefined, candidates);
    if (set.metadata.deletionTimestamp) return;
    const collisionCount = (set.status as { collisionCount?: number } | undefined)?.collisionCount ?? 0;
    const update = await ensureRevision(this.registry, set, STS, spec.template, collisionCount);
    const oldStatus = (set.status ?? {}) as { currentRevision?: string };
    const currentRevision = oldStatus.currentRevision || update.name;
    await this.manage(set, spec, pods, update.name);
    pods = this.registry.list(POD, ns).items.filter((p) => controllerRefOf(p)?.uid === set.metadata.uid && ordinalOf(set, p) !== undefined);
    const now = this.clock.now();
    const minReady = spec.minReadySeconds ?? 0;
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    const replicas = live.length;
    const ready = live.filter(isPodReady).length;
    const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === update.name).length;
    let current = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length;
    let currentRev = currentRevision;
    const want = spec.replicas ?? 1;
    if (updated === want && ready === want && replicas === want) {
      currentRev = update.name;
      current = updated;
    }
    const status = omitEmpty(
      {
        observedGeneration: set.metadata.generation ?? 0,
        replicas,
        readyReplicas: ready,
        currentReplicas: current,
        updatedReplicas: updated,
        currentRevision: currentRev,
        updateRevision: update.name,
        collisionCount,
        availableReplicas: live.filter((p) => isPodAvailable(p, minReady, now)).length,
      },
      ['replicas', 'collisionCount', 'availableReplicas'],
    );
    const current0 = this.registry.peek(STS, ns, name);
    if (current0 && current0.metadata.uid === set.metadata.uid) await this.writeStatus(STS, current0, status);
    if (minReady > 0) {
      const soonest = Math.min(...live.map((p) => availableAt(p, minReady, now) ?? Infinity));
      if (Number.isFinite(soonest)) this.later.at(key, soonest);
    }
  }

  /** Creates, deletes and replaces pods as the policy allows (one step at a time for OrderedReady). */
  private async manage(set: KubeObject, spec: StatefulSetSpec, pods: KubeObject[], updateRevision: string): Promise<void> {
    const start = spec.ordinals?.start ?? 0;
    const want = spec.replicas ?? 1;
    const parallel = spec.podManagementPolicy === 'Parallel';
    const byOrdinal = new Map<number, KubeObject>();
    for (const p of pods) byOrdinal.set(ordinalOf(set, p)!, p);
    // replicas: ordinals start..start+want-1, lowest first
    for (let i = start; i < start + want; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        await this.createPod(set, spec, i, updateRevision);
        if (!parallel) return;
        continue;
      }
      if (pod.metadata.deletionTimestamp) {
        if (!parallel) return;
        continue;
      }
      if (podPhase(pod) === 'Failed' || podPhase(pod) === 'Succeeded') {
        await this.deletePod(set, pod, `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
        if (!parallel) return;
        continue;
      }
      if (!parallel && !runningAndReady(pod)) return;
    }
    // condemned: ordinals outside the range, highest first
    const condemned = [...byOrdinal].filter(([i]) => i < start || i >= start + want).sort((a, b) => b[0] - a[0]);
    for (const [, pod] of condemned) {
      if (pod.metadata.deletionTimestamp) {
        if (!parallel) return;
        continue;
      }
      await this.deletePod(set, pod, `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      if (!parallel) return;
    }
    // rolling update: highest ordinal first, one at a time, every pod Running and Ready
    if ((spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const inRange = [...byOrdinal].filter(([i]) => i >= start && i < start + want).sort((a, b) => b[0] - a[0]);
    if (inRange.length < want || inRange.some(([, p]) => !runningAndReady(p) || p.metadata.deletionTimestamp)) return;
    const stale = inRange.find(([i, p]) => i - start >= partition && p.metadata.labels?.[REVISION_LABEL] !== updateRevision);
    if (stale) await this.deletePod(set, stale[1], `delete Pod ${stale[1].metadata.name} in StatefulSet ${set.metadata.name} successful`);
  }

  private async createPod(set: KubeObject, spec: StatefulSetSpec, ordinal: number, revision: string): Promise<void> {
    const ns = set.metadata.namespace ?? '';
    const podName = `${set.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(spec.template, set, STS) as Pod;
    delete pod.metadata.generateName;
    pod.metadata.name = podName;
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [REVISION_LABEL]: revision, [POD_NAME_LABEL]: podName, [POD_INDEX_LABEL]: String(ordinal) };
    pod.spec.hostname = podName;
    if (spec.serviceName) pod.spec.subdomain = spec.serviceName;
    for (const claim of spec.volumeClaimTemplates ?? []) {
      const claimName = `${claim.metadata?.name}-${podName}`;
      await this.ensureClaim(set, claim, claimName);
      const volumes = (pod.spec.volumes ?? []).filter((v) => v.name !== claim.metadata?.name);
      pod.spec.volumes = [...volumes, { name: claim.metadata?.name ?? '', persistentVolumeClaim: { claimName } } as never];
    }
    try {
      await this.registry.create(POD, ns, pod);
      this.events.normal(set, STS, 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (isStatusError(e) && e.reason === 'AlreadyExists') return;
      this.events.warning(set, STS, 'FailedCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
      throw e;
    }
  }

  /** The claim of a volumeClaimTemplate for one pod, created when missing (labels: the set's selector's). */
  private async ensureClaim(set: KubeObject, template: KubeObject, claimName: string): Promise<void> {
    const ns = set.metadata.namespace ?? '';
    if (this.registry.peek(PVC, ns, claimName)) return;
    const matchLabels = ((set.spec as StatefulSetSpec).selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claimName, namespace: ns, labels: { ...(template.metadata?.labels ?? {}), ...matchLabels } }, spec: structuredClone(template.spec ?? {}) } as KubeObject;
    try {
      await this.registry.create(PVC, ns, claim);
      this.events.normal(set, STS, 'SuccessfulCreate', `create Claim ${claimName} for Pod ${claimName.slice((template.metadata?.name ?? '').length + 1)} in StatefulSet ${set.metadata.name} success`);
    } catch (e) {
      if (isStatusError(e) && e.reason === 'AlreadyExists') return;
      throw e;
    }
  }

  private async deletePod(set: KubeObject, pod: KubeObject, message: string): Promise<void> {
    try {
      await this.registry.delete(POD, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
      this.events.normal(set, STS, 'SuccessfulDelete', message);
    } catch (e) {
      if (!(isStatusError(e) && (e.reason === 'NotFound' || e.reason === 'Conflict'))) throw e;
    }
  }
}
