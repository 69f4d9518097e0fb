import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import { setPodCondition } from '../registry/pod-conditions.js';
import type { KubeObject, Pod } from '../registry/types.js';
import { isPodTerminal } from './pod-readiness.js';
import { type Taint, taintsOf, tolerates, tolerationsOf } from './scheduling-filters.js';
import { WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

const NODE = kindInfo('Node')!;
const POD = kindInfo('Pod')!;

/**
 * The taint eviction controller (pkg/controller/tainteviction): a pod on a node with NoExecute
 * taints is deleted at once when it does not tolerate one of them, after the smallest
 * `tolerationSeconds` of the tolerations it uses (counted from the taint's `timeAdded`) when it
 * does, and never when those tolerations have no limit. Before the delete it gets the
 * DisruptionTarget condition (`DeletionByTaintManager`) and a TaintManagerEviction event.
 * With the DefaultTolerationSeconds admission plugin, pods of a node whose kubelet stopped go 300 s
 * after the node turned unreachable, and their workloads replace them elsewhere.
 */
export class TaintEvictionController extends WorkloadController {
  readonly name = 'taint-eviction-controller';

  constructor(o: WorkloadControllerOptions) {
    super(o, 'taint-eviction-controller');
  }

  protected initialKeys(): string[] {
    const tainted = new Set(this.registry.list(NODE, undefined).items.filter((n) => noExecute(n).length).map((n) => n.metadata.name));
    return this.registry
      .list(POD, undefined)
      .items.filter((p) => tainted.has((p as Pod).spec?.nodeName))
      .map((p) => this.keyOf(p));
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === NODE && e.type !== 'DELETED') {
      const before = e.old ? noExecute(e.old) : [];
      const after = noExecute(e.object);
      if (!after.length && !before.length) return [];
      return this.registry
        .list(POD, undefined, { fieldSelector: `spec.nodeName=${e.object.metadata.name}` })
        .items.map((p) => this.keyOf(p));
    }
    if (e.resource === POD && e.type !== 'DELETED') {
      const node = (e.object as Pod).spec?.nodeName;
      const n = node ? this.registry.peek(NODE, undefined, node) : undefined;
      return n && noExecute(n).length ? [this.keyOf(e.object)] : [];
    }
    return [];
  }

  protected async reconcile(key: string): Promise<void> {
    const [ns, name] = this.splitKey(key);
    const pod = this.registry.peek(POD, ns, name);
    if (!pod || pod.metadata.deletionTimestamp || isPodTerminal(pod)) return;
    const nodeName = (pod as Pod).spec?.nodeName;
    const node = nodeName ? this.registry.peek(NODE, undefined, nodeName) : undefined;
    if (!node) return;
    const taints = noExecute(node);
    if (!taints.length) return;
    const tolerations = tolerationsOf(pod);
    // each NoExecute taint evicts at its timeAdded plus the least tolerationSeconds of the tolerations matching it (now when none does)
    const soonest = Math.min(
      ...taints.map((taint) => {
        const used = tolerations.filter((t) => tolerates(t, taint));
        if (!used.length) return this.clock.now();
        const s = Math.min(...used.map((t) => (typeof t.tolerationSeconds === 'number' ? Math.max(0, t.tolerationSeconds) : Infinity)));
        return (Date.parse(taint.timeAdded ?? '') || this.clock.now()) + s * 1000;
      }),
    );
    if (!Number.isFinite(soonest)) return;
    if (soonest > this.clock.now()) return this.later.at(key, soonest);
    await this.evict(pod);
  }

  private async evict(pod: KubeObject): Promise<void> {
    this.events.normal(pod, POD, 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
    const status = structuredClone((pod.status ?? {}) as Record<string, unknown>);
    if (setPodCondition(status, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }, this.clock.now())) {
      await this.writeStatus(POD, pod, status);
    }
    try {
      await this.registry.delete(POD, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
    } catch (e) {
      if (isStatusError(e) && (e.reason === 'NotFound' || e.reason === 'Conflict')) return;
      throw e;
    }
  }
}

function noExecute(node: KubeObject): Taint[] {
  return taintsOf(node).filter((t) => t.effect === 'NoExecute');
}
