import type { TimerHandle } from '../clock/index.js';
import { rfc3339 } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import { semanticEqual } from '../registry/semantic-equal.js';
import type { KubeObject, NodeCondition, Pod } from '../registry/types.js';
import type { Taint } from './scheduling-filters.js';
import { WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

const NODE = kindInfo('Node')!;
const LEASE = kindInfo('Lease', 'coordination.k8s.io')!;
const POD = kindInfo('Pod')!;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** `--node-monitor-period` */
export const NODE_MONITOR_PERIOD_MS = 5_000;
/** `--node-monitor-grace-period`: 50 s since Kubernetes 1.32 (kubernetes#126287; 40 s before) */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
/** `--node-startup-grace-period`: for a node that never posted its status */
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;

export const TAINT = {
  notReady: 'node.kubernetes.io/not-ready',
  unreachable: 'node.kubernetes.io/unreachable',
  unschedulable: 'node.kubernetes.io/unschedulable',
  memoryPressure: 'node.kubernetes.io/memory-pressure',
  diskPressure: 'node.kubernetes.io/disk-pressure',
  pidPressure: 'node.kubernetes.io/pid-pressure',
  networkUnavailable: 'node.kubernetes.io/network-unavailable',
} as const;

/** What the controller remembers of a node: what it last saw, and when it saw it change. */
interface NodeHealth {
  heartbeat: string | undefined;
  renewTime: string | undefined;
  probe: number;
}

export interface NodeLifecycleOptions extends WorkloadControllerOptions {
  /** `--node-monitor-grace-period` in ms (default 50 s) */
  gracePeriodMs?: number;
  /** `--node-monitor-period` in ms (default 5 s) */
  monitorPeriodMs?: number;
  /** `--node-startup-grace-period` in ms (default 60 s) */
  startupGracePeriodMs?: number;
}

const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT.notReady, Unknown: TAINT.unreachable },
  MemoryPressure: { True: TAINT.memoryPressure },
  DiskPressure: { True: TAINT.diskPressure },
  NetworkUnavailable: { True: TAINT.networkUnavailable },
  PIDPressure: { True: TAINT.pidPressure },
};
const MANAGED_NO_SCHEDULE = new Set<string>(Object.values(TAINT));

/**
 * The node lifecycle controller (pkg/controller/nodelifecycle): every `--node-monitor-period` it
 * checks each node's health, as `tryUpdateNodeHealth` does:
 * - a heartbeat is a change of the Ready condition's `lastHeartbeatTime` or of the renewTime of
 *   the node's Lease in `kube-node-lease`, timed when the controller sees it;
 * - past the grace period (50 s; 60 s for a node that never posted its status) Ready,
 *   MemoryPressure, DiskPressure and PIDPressure become Unknown (`NodeStatusUnknown`, "Kubelet
 *   stopped posting node status."; `NodeStatusNeverUpdated`, "Kubelet never posted node
 *   status." for the missing ones) and the pods on the node are marked not ready;
 * - the taints follow the conditions (TaintNodesByCondition and taint-based eviction):
 *   `node.kubernetes.io/not-ready` / `unreachable` with NoSchedule and NoExecute, the pressure
 *   taints, `node.kubernetes.io/unschedulable` for a cordoned node; removed when the condition clears.
 * The taint eviction that follows (pods deleted after their tolerationSeconds) is
 * taint-eviction-controller.ts.
 */
export class NodeLifecycleController extends WorkloadController {
  readonly name = 'node-lifecycle-controller';
  private readonly health = new Map<string, NodeHealth>();
  private readonly grace: number;
  private readonly startupGrace: number;
  private readonly period: number;
  private ticker: TimerHandle | undefined;

  constructor(o: NodeLifecycleOptions) {
    super(o, 'node-controller');
    this.grace = o.gracePeriodMs ?? NODE_MONITOR_GRACE_PERIOD_MS;
    this.startupGrace = o.startupGracePeriodMs ?? NODE_STARTUP_GRACE_PERIOD_MS;
    this.period = o.monitorPeriodMs ?? NODE_MONITOR_PERIOD_MS;
  }

  override start(): void {
    super.start();
    this.ticker ??= this.clock.setInterval(() => {
      for (const n of this.registry.list(NODE, undefined).items) this.queue.add(n.metadata.name ?? '');
    }, this.period);
  }

  override stop(): void {
    super.stop();
    this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    this.health.clear();
  }

  protected initialKeys(): string[] {
    return this.registry.list(NODE, undefined).items.map((n) => n.metadata.name ?? '');
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === NODE) {
      if (e.type === 'DELETED') this.health.delete(e.object.metadata.name ?? '');
      return e.type === 'DELETED' ? [] : [e.object.metadata.name ?? ''];
    }
    if (e.resource === LEASE && e.type !== 'DELETED' && e.object.metadata.namespace === NODE_LEASE_NAMESPACE) return [e.object.metadata.name ?? ''];
    return [];
  }

  protected async reconcile(name: string): Promise<void> {
    const node = this.registry.peek(NODE, undefined, name);
    if (!node) return;
    const now = this.clock.now();
    const conditions = conditionsOf(node);
    const ready = conditions.find((c) => c.type === 'Ready');
    const lease = this.registry.peek(LEASE, NODE_LEASE_NAMESPACE, name);
    const renewTime = (lease?.spec as { renewTime?: string } | undefined)?.renewTime ?? undefined;
    const saved = this.health.get(name);
    const heartbeat = ready?.lastHeartbeatTime ?? undefined;
    // first seen: now, or its creation when it never reported; then each heartbeat or lease renewal seen is now
    let probe = saved ? saved.probe : ready ? now : Date.parse(node.metadata.creationTimestamp ?? '') || now;
    if (saved && ready && saved.heartbeat !== heartbeat) probe = now;
    if (renewTime && (!saved?.renewTime || saved.renewTime < renewTime)) probe = now;
    this.health.set(name, { heartbeat, renewTime, probe });
    const grace = ready ? this.grace : this.startupGrace;
    if (now > probe + grace) await this.markUnknown(node, now);
    const current = this.registry.peek(NODE, undefined, name);
    if (current) await this.syncTaints(current, now);
  }

  /** The conditions set to Unknown once the node stopped reporting; its pods marked not ready. */
  private async markUnknown(node: KubeObject, now: number): Promise<void> {
    const conditions = structuredClone(conditionsOf(node));
    const at = rfc3339(now);
    let changed = false;
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const c = conditions.find((x) => x.type === type);
      if (!c) {
        conditions.push({ type, status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp ?? null, lastTransitionTime: at, reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
        changed = true;
      } else if (c.status !== 'Unknown') {
        Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: at });
        changed = true;
      }
    }
    if (!changed) return;
    const updated = await this.writeStatus(NODE, node, { ...((node.status ?? {}) as Record<string, unknown>), conditions });
    if (updated === node) return;
    this.events.normal(node, NODE, 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    await this.markPodsNotReady(node.metadata.name ?? '', now);
  }

  /** `MarkPodsNotReady`: the Ready condition of every pod on the node turns False. */
  private async markPodsNotReady(nodeName: string, now: number): Promise<void> {
    for (const pod of this.registry.list(POD, undefined, { fieldSelector: `spec.nodeName=${nodeName}` }).items) {
      const status = structuredClone((pod.status ?? {}) as { conditions?: Array<Record<string, unknown>> });
      const ready = status.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      ready.status = 'False';
      ready.lastTransitionTime = rfc3339(now);
      await this.writeStatus(POD, pod as Pod, status as Record<string, unknown>);
    }
  }

  /** The condition taints (NoSchedule, and NoExecute for Ready) and the unschedulable taint, as the conditions say. */
  private async syncTaints(node: KubeObject, now: number): Promise<void> {
    const conditions = conditionsOf(node);
    const want: Taint[] = [];
    for (const c of conditions) {
      const key = CONDITION_TAINTS[c.type]?.[c.status];
      if (key) want.push({ key, effect: 'NoSchedule' });
    }
    if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable) want.push({ key: TAINT.unschedulable, effect: 'NoSchedule' });
    const ready = conditions.find((c) => c.type === 'Ready');
    const noExecute = ready?.status === 'False' ? TAINT.notReady : ready?.status === 'Unknown' ? TAINT.unreachable : undefined;
    const current = ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[];
    const kept = current.filter((t) => {
      if (t.effect === 'NoSchedule' && MANAGED_NO_SCHEDULE.has(t.key)) return want.some((w) => w.key === t.key);
      if (t.effect === 'NoExecute' && (t.key === TAINT.notReady || t.key === TAINT.unreachable)) return t.key === noExecute;
      return true;
    });
    const next = [...kept];
    for (const w of want) if (!next.some((t) => t.key === w.key && t.effect === w.effect)) next.push(w);
    if (noExecute && !next.some((t) => t.key === noExecute && t.effect === 'NoExecute')) next.push({ key: noExecute, effect: 'NoExecute', timeAdded: rfc3339(now) });
    if (semanticEqual(next, current)) return;
    const updated = structuredClone(node);
    const spec = (updated.spec ??= {}) as { taints?: Taint[] };
    if (next.length) spec.taints = next;
    else delete spec.taints;
    try {
      await this.registry.update(NODE, '', node.metadata.name ?? '', updated);
    } catch (e) {
      if (isStatusError(e) && (e.reason === 'Conflict' || e.reason === 'NotFound')) {
        if (e.reason === 'Conflict') this.queue.add(node.metadata.name ?? '');
        return;
      }
      throw e;
    }
  }
}

function conditionsOf(node: KubeObject): NodeCondition[] {
  const c = (node.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as NodeCondition[]) : [];
}
