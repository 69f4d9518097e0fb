import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import { podCondition, setPodCondition } from '../registry/pod-conditions.js';
import type { KubeObject, Pod } from '../registry/types.js';
import { isPodTerminal } from './pod-readiness.js';
import { fitError, unfit } from './scheduling-filters.js';
import { WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

const POD = kindInfo('Pod')!;
const NODE = kindInfo('Node')!;
export const DEFAULT_SCHEDULER = 'default-scheduler';

/** A pod the scheduler should place: no node, its scheduler, no gates, alive. */
function pending(p: KubeObject): boolean {
  const spec = (p as Pod).spec ?? {};
  if (spec.nodeName || p.metadata.deletionTimestamp || isPodTerminal(p)) return false;
  if ((spec.schedulerName ?? DEFAULT_SCHEDULER) !== DEFAULT_SCHEDULER) return false;
  return !(Array.isArray(spec.schedulingGates) && spec.schedulingGates.length);
}

/**
 * A scheduler reduced to what an emulator needs (pkg/scheduler `scheduleOne`): each pending pod
 * of `default-scheduler` is filtered against every node (NodeUnschedulable, NodeAffinity with
 * nodeSelector, TaintToleration: scheduling-filters.ts), placed on the feasible node with the
 * fewest pods (ties by name) and bound through `pods/binding` as `system:kube-scheduler`, with a
 * `Scheduled` event. A pod that fits nowhere gets PodScheduled=False, reason `Unschedulable` and
 * kube-scheduler's message, and a FailedScheduling event; it is tried again whenever a node
 * changes. Resources, ports, topology spread and inter-pod affinity are not considered.
 * @example
 * const scheduler = new Scheduler({ registry, clock }); scheduler.start();
 */
export class Scheduler extends WorkloadController {
  readonly name = 'default-scheduler';

  constructor(o: WorkloadControllerOptions) {
    super(o, DEFAULT_SCHEDULER);
  }

  protected initialKeys(): string[] {
    return this.pendingKeys();
  }

  private pendingKeys(): string[] {
    return this.registry
      .list(POD, undefined)
      .items.filter(pending)
      .map((p) => this.keyOf(p));
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === POD) return e.type !== 'DELETED' && pending(e.object) ? [this.keyOf(e.object)] : [];
    if (e.resource === NODE && e.type !== 'DELETED') return this.pendingKeys();
    return [];
  }

  protected async reconcile(key: string): Promise<void> {
    const [ns, name] = this.splitKey(key);
    const pod = this.registry.peek(POD, ns, name);
    if (!pod || !pending(pod)) return;
    const nodes = this.registry.list(NODE, undefined).items;
    const reasons: string[] = [];
    const feasible: KubeObject[] = [];
    for (const node of nodes) {
      const why = unfit(pod, node);
      if (why) reasons.push(why);
      else feasible.push(node);
    }
    if (!feasible.length) return this.unschedulable(pod, fitError(nodes.length, reasons));
    const load = new Map<string, number>();
    for (const p of this.registry.list(POD, undefined).items) {
      const n = (p as Pod).spec?.nodeName;
      if (n && !isPodTerminal(p)) load.set(n, (load.get(n) ?? 0) + 1);
    }
    feasible.sort((a, b) => (load.get(a.metadata.name ?? '') ?? 0) - (load.get(b.metadata.name ?? '') ?? 0) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    const node = feasible[0]!.metadata.name ?? '';
    try {
      await this.registry.bind(ns, name, { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns, uid: pod.metadata.uid ?? '' }, target: { kind: 'Node', name: node } } as KubeObject);
    } catch (e) {
      // bound meanwhile (by another scheduler or by hand), deleted, or replaced: nothing to do
      if (isStatusError(e) && (e.reason === 'Conflict' || e.reason === 'NotFound')) return;
      throw e;
    }
    this.events.normal(pod, POD, 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
  }

  /** PodScheduled=False with the reason, written through `/status` when it changed; a FailedScheduling event. */
  private async unschedulable(pod: KubeObject, message: string): Promise<void> {
    const current = podCondition(pod.status, 'PodScheduled');
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return;
    const status = structuredClone((pod.status ?? {}) as Record<string, unknown>);
    setPodCondition(status, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }, this.clock.now());
    await this.writeStatus(POD, pod, status);
    this.events.warning(pod, POD, 'FailedScheduling', message);
  }
}
