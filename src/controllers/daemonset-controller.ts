import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import type { KubeObject, Pod } from '../registry/types.js';
import { selectorFrom, selectorMatches } from '../registry/validation/label-selector.js';
import { claimObjects, controllerRefOf } from './controller-ref.js';
import { ensureRevision } from './controller-revision.js';
import { scaledValue } from './int-or-percent.js';
import { availableAt, isPodAvailable, isPodReady, podPhase } from './pod-readiness.js';
import { type PodTemplate, podFromTemplate } from './pod-template.js';
import { matchesNodeAffinity, taintsOf, type Toleration, tolerates } from './scheduling-filters.js';
import { omitEmpty, WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

const DS = kindInfo('DaemonSet', 'apps')!;
const POD = kindInfo('Pod')!;
const NODE = kindInfo('Node')!;
const REVISION_LABEL = 'controller-revision-hash';
const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

interface DaemonSetSpec {
  selector?: unknown;
  template?: PodTemplate;
  minReadySeconds?: number;
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } };
}

/** `AddOrUpdateDaemonPodTolerations`: what every daemon pod tolerates (network-unavailable too with hostNetwork). */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/**
 * The DaemonSet controller (pkg/controller/daemon), at the level tools rely on:
 * - a daemon pod on every node whose labels the template's nodeSelector and required node
 *   affinity match and whose NoSchedule/NoExecute taints the pod (with the daemon tolerations)
 *   tolerates; pods `generateName: <ds>-`, pinned to their node by a `metadata.name` node
 *   affinity term that the scheduler honours, labelled `controller-revision-hash` and
 *   `pod-template-generation`;
 * - surplus pods (several on a node, or on a node that should not run one) and failed ones deleted;
 * - RollingUpdate: pods of an old template deleted while no more than `maxUnavailable` are
 *   unavailable; OnDelete leaves them;
 * - status (desired, current, misscheduled, ready, updated, available, unavailable numbers and
 *   observedGeneration) as `kubectl rollout status` reads it. maxSurge is not emulated.
 */
export class DaemonSetController extends WorkloadController {
  readonly name = 'daemonset-controller';

  constructor(o: WorkloadControllerOptions) {
    super(o, 'daemonset-controller');
  }

  protected initialKeys(): string[] {
    return this.registry.list(DS, undefined).items.map((d) => this.keyOf(d));
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === DS) return [this.keyOf(e.object)];
    if (e.resource === NODE) return this.initialKeys();
    if (e.resource !== POD) return [];
    const keys = new Set<string>();
    for (const pod of [e.object, e.old]) {
      const ref = pod && controllerRefOf(pod);
      if (ref?.kind === 'DaemonSet' && ref.apiVersion === 'apps/v1') keys.add(`${pod!.metadata.namespace}/${ref.name}`);
    }
    return [...keys];
  }

  protected async reconcile(key: string): Promise<void> {
    const [ns, name] = this.splitKey(key);
    const ds = this.registry.peek(DS, ns, name);
    if (!ds) return;
    const spec = (ds.spec ?? {}) as DaemonSetSpec;
    const selector = selectorFrom(spec.selector);
    if (!selector) return;
    const candidates = this.registry.list(POD, ns).items;
    await claimObjects(this.registry, ds, DS, POD, (p) => selectorMatches(selector, p.metadata.labels), candidates);
    if (ds.metadata.deletionTimestamp) return;
    const revision = await ensureRevision(this.registry, ds, DS, spec.template, (ds.status as { collisionCount?: number } | undefined)?.collisionCount ?? 0);
    const hash = revision.name.slice((ds.metadata.name ?? '').length + 1);
    const generation = ds.metadata.annotations?.[TEMPLATE_GENERATION] ?? '1';
    const isUpdated = (p: KubeObject) => p.metadata.labels?.[REVISION_LABEL] === hash || p.metadata.labels?.[TEMPLATE_GENERATION_LABEL] === generation;
    const nodes = this.registry.list(NODE, undefined).items;
    const probe = this.daemonPod(ds, spec, hash, generation, '');
    const should = new Set(nodes.filter((n) => shouldRun(probe, n)).map((n) => n.metadata.name ?? ''));
    const mayStay = new Set(nodes.filter((n) => shouldRun(probe, n, true)).map((n) => n.metadata.name ?? ''));
    const mine = () => this.registry.list(POD, ns).items.filter((p) => controllerRefOf(p)?.uid === ds.metadata.uid && !p.metadata.deletionTimestamp);
    const byNode = new Map<string, KubeObject[]>();
    for (const p of mine()) {
      const node = targetNode(p);
      if (!node) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), p]);
    }
    // create where missing, delete where surplus, failed or misplaced
    for (const node of should) {
      const pods = (byNode.get(node) ?? []).filter((p) => podPhase(p) !== 'Failed');
      for (const p of byNode.get(node) ?? []) if (podPhase(p) === 'Failed') await this.deletePod(ds, p);
      if (!pods.length) await this.createPod(ds, this.daemonPod(ds, spec, hash, generation, node));
      else for (const extra of pods.slice(1)) await this.deletePod(ds, extra);
    }
    for (const [node, pods] of byNode) if (!should.has(node) && !mayStay.has(node)) for (const p of pods) await this.deletePod(ds, p);
    // rolling update: old pods go while the unavailable stay within maxUnavailable
    if ((spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const now = this.clock.now();
      const live = mine().filter((p) => should.has(targetNode(p) ?? ''));
      const maxUnavailable = Math.max(1, scaledValue(spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, should.size, true) ?? 1);
      let unavailable = [...should].filter((n) => !live.some((p) => targetNode(p) === n && isPodAvailable(p, spec.minReadySeconds ?? 0, now))).length;
      for (const p of live.filter((x) => !isUpdated(x))) {
        const available = isPodAvailable(p, spec.minReadySeconds ?? 0, now);
        if (available && unavailable >= maxUnavailable) break;
        await this.deletePod(ds, p);
        if (available) unavailable++;
      }
    }
    await this.syncStatus(ds, spec, should, mine(), isUpdated, key);
  }

  private daemonPod(ds: KubeObject, spec: DaemonSetSpec, hash: string, generation: string, node: string): Pod {
    const pod = podFromTemplate(spec.template, ds, DS) as Pod;
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [REVISION_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: generation };
    const tolerations = (Array.isArray(pod.spec.tolerations) ? pod.spec.tolerations : []) as Toleration[];
    for (const t of daemonTolerations(pod.spec.hostNetwork === true)) if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
    pod.spec.tolerations = tolerations as never;
    if (node) {
      const affinity = (pod.spec.affinity ?? {}) as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: unknown[] } } };
      affinity.nodeAffinity = { ...(affinity.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } };
      pod.spec.affinity = affinity as never;
    }
    return pod;
  }

  private async syncStatus(ds: KubeObject, spec: DaemonSetSpec, should: Set<string>, pods: KubeObject[], isUpdated: (p: KubeObject) => boolean, key: string): Promise<void> {
    const now = this.clock.now();
    const minReady = spec.minReadySeconds ?? 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    const scheduled = new Set<string>();
    for (const p of pods) {
      const node = targetNode(p) ?? '';
      if (!should.has(node)) {
        if ((p as Pod).spec?.nodeName) misscheduled++;
        continue;
      }
      if (scheduled.has(node)) continue;
      scheduled.add(node);
      current++;
      if (isUpdated(p)) updated++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) available++;
      }
    }
    const status = omitEmpty(
      {
        currentNumberScheduled: current,
        numberMisscheduled: misscheduled,
        desiredNumberScheduled: should.size,
        numberReady: ready,
        observedGeneration: ds.metadata.generation ?? 0,
        updatedNumberScheduled: updated,
        numberAvailable: available,
        numberUnavailable: should.size - available,
      },
      ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
    );
    const stored = this.registry.peek(DS, ds.metadata.namespace, ds.metadata.name ?? '');
    if (stored && stored.metadata.uid === ds.metadata.uid) await this.writeStatus(DS, stored, status);
    if (minReady > 0) {
      const soonest = Math.min(...pods.map((p) => availableAt(p, minReady, now) ?? Infinity));
      if (Number.isFinite(soonest)) this.later.at(key, soonest);
    }
  }

  private async createPod(ds: KubeObject, pod: Pod): Promise<void> {
    try {
      const created = await this.registry.create(POD, ds.metadata.namespace ?? '', pod);
      this.events.normal(ds, DS, 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (e) {
      this.events.warning(ds, DS, 'FailedCreate', `Error creating: ${(e as Error).message}`);
      throw e;
    }
  }

  private async deletePod(ds: KubeObject, pod: KubeObject): Promise<void> {
    try {
      await this.registry.delete(POD, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
      this.events.normal(ds, DS, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (!(isStatusError(e) && (e.reason === 'NotFound' || e.reason === 'Conflict'))) throw e;
    }
  }
}

/** The node a daemon pod runs on or is pinned to. */
function targetNode(p: KubeObject): string | undefined {
  const spec = (p as Pod).spec ?? {};
  if (spec.nodeName) return spec.nodeName;
  const terms = (spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Array<{ matchFields?: Array<{ key: string; values?: string[] }> }> } } } | undefined)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms?.[0]?.matchFields?.find((f) => f.key === 'metadata.name')?.values?.[0];
}

/**
 * `NodeShouldRunDaemonPod`: a new pod goes where the node's labels match and its NoSchedule and
 * NoExecute taints are tolerated; a pod already there stays while its NoExecute taints are.
 */
function shouldRun(pod: Pod, node: KubeObject, running = false): boolean {
  if (!matchesNodeAffinity(pod, node)) return false;
  const tolerations = (pod.spec.tolerations ?? []) as Toleration[];
  const effects = running ? ['NoExecute'] : ['NoSchedule', 'NoExecute'];
  return taintsOf(node).every((t) => !effects.includes(t.effect) || tolerations.some((x) => tolerates(x, t)));
}
