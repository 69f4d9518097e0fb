import type pino from 'pino';
import { microTime } from '../audit/micro-time.js';
import type { Clock, TimerHandle } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import type { KubeObject } from '../registry/types.js';
import type { KubeletApi } from './kubelet-api.js';
import { initialNode, type NodeIdentity, nodeStatus, nodeStatusChanged } from './node-status.js';

/** `--node-lease-duration-seconds`' default */
export const LEASE_DURATION_SECONDS = 40;
/** the lease is renewed every quarter of its duration (`renewIntervalFraction` 0.25): 10 s */
export const LEASE_RENEW_FRACTION = 0.25;
/** `nodeStatusUpdateFrequency`: how often the status is computed */
export const NODE_STATUS_UPDATE_FREQUENCY_MS = 10_000;
/** `nodeStatusReportFrequency`: how often an unchanged status is reported anyway */
export const NODE_STATUS_REPORT_FREQUENCY_MS = 5 * 60_000;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeHeartbeatOptions {
  id: NodeIdentity;
  clock: Clock;
  api: KubeletApi;
  logger?: pino.Logger;
  leaseDurationSeconds?: number;
  statusUpdateFrequencyMs?: number;
  statusReportFrequencyMs?: number;
}

/**
 * The kubelet's two heartbeats (pkg/kubelet/nodelease, kubelet_node_status.go):
 * - registration: the Node created with its labels and first status (an existing one gets its
 *   status reported at once);
 * - the Lease `kube-node-lease/<node>` (holderIdentity the node, leaseDurationSeconds 40, owned
 *   by the Node) renewed every 10 s of the clock;
 * - the status computed every 10 s and reported through `nodes/<node>/status` when it changed
 *   (heartbeat times aside: a node the lifecycle controller marked Unknown is Ready again at
 *   the next report) or when 5 minutes passed since the last report.
 * Each step that fails is logged and tried again at its next tick.
 */
export class NodeHeartbeat {
  private leaseTimer: TimerHandle | undefined;
  private statusTimer: TimerHandle | undefined;
  private lastReport = Number.NEGATIVE_INFINITY;
  private running = Promise.resolve();
  private failures = 0;

  constructor(private readonly o: NodeHeartbeatOptions) {}

  get nodeName(): string {
    return this.o.id.nodeName;
  }

  /** Creates the Node if missing, else reports its status now; then renews the Lease. */
  async register(): Promise<void> {
    const now = this.o.clock.now();
    const existing = await this.o.api.getNode(this.nodeName);
    if (!existing) {
      try {
        await this.o.api.registerNode(initialNode(this.o.id, now));
        this.lastReport = now;
      } catch (e) {
        if (!(isStatusError(e) && e.reason === 'AlreadyExists')) throw e;
        await this.reportStatus(true);
      }
    } else await this.reportStatus(true);
    await this.renewLease();
  }

  /** Starts the lease and status tickers on the clock. */
  start(): void {
    const renewMs = (this.o.leaseDurationSeconds ?? LEASE_DURATION_SECONDS) * 1000 * LEASE_RENEW_FRACTION;
    this.leaseTimer ??= this.o.clock.setInterval(() => this.serially(() => this.renewLease()), renewMs);
    this.statusTimer ??= this.o.clock.setInterval(() => this.serially(() => this.reportStatus(false)), this.o.statusUpdateFrequencyMs ?? NODE_STATUS_UPDATE_FREQUENCY_MS);
  }

  stop(): void {
    this.o.clock.clearInterval(this.leaseTimer);
    this.o.clock.clearInterval(this.statusTimer);
    this.leaseTimer = this.statusTimer = undefined;
  }

  /** Resolves when the step in flight (if any) has finished. */
  idle(): Promise<void> {
    return this.running;
  }

  /**
   * Runs a step after the one in flight. While the server is away every tick fails: the first
   * failure is a warning, the others debug lines, and the recovery is logged once.
   */
  private serially(step: () => Promise<void>): void {
    this.running = this.running
      .then(step)
      .then(() => {
        if (this.failures) this.o.logger?.info({ failures: this.failures }, 'node heartbeat recovered');
        this.failures = 0;
      })
      .catch((e: unknown) => {
        const fields = { err: (e as Error).message };
        if (this.failures++ === 0) this.o.logger?.warn(fields, 'node heartbeat failed; retrying at each tick, logged again when it recovers');
        else this.o.logger?.debug(fields, 'node heartbeat failed');
      });
  }

  /** `tryUpdateNodeStatus`: the status as the kubelet sees it, written when it changed or the report is due. */
  private async reportStatus(force: boolean): Promise<void> {
    const node = await this.o.api.getNode(this.nodeName);
    if (!node) throw new Error(`error getting node "${this.nodeName}": nodes "${this.nodeName}" not found`);
    const now = this.o.clock.now();
    const status = nodeStatus(this.o.id, node.status, now);
    const due = now >= this.lastReport + (this.o.statusReportFrequencyMs ?? NODE_STATUS_REPORT_FREQUENCY_MS);
    if (!force && !due && !nodeStatusChanged(node.status, status)) return;
    await this.o.api.updateNodeStatus({ ...node, status });
    this.lastReport = now;
  }

  /** The node's Lease renewed (created when missing), as the lease controller's `ensureLease`/`retryUpdateLease`. */
  private async renewLease(): Promise<void> {
    const name = this.nodeName;
    const renewTime = microTime(this.o.clock.now());
    const duration = this.o.leaseDurationSeconds ?? LEASE_DURATION_SECONDS;
    for (let attempt = 0; attempt < 5; attempt++) {
      const lease = await this.o.api.getLease(name);
      try {
        if (!lease) {
          const node = await this.o.api.getNode(name);
          const owner = node?.metadata.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] : undefined;
          await this.o.api.createLease({
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace: NODE_LEASE_NAMESPACE, ...(owner ? { ownerReferences: owner } : {}) },
            spec: { holderIdentity: name, leaseDurationSeconds: duration, renewTime },
          });
        } else {
          const next: KubeObject = structuredClone(lease);
          next.spec = { ...((lease.spec as Record<string, unknown> | undefined) ?? {}), holderIdentity: name, leaseDurationSeconds: duration, renewTime };
          await this.o.api.updateLease(next);
        }
        return;
      } catch (e) {
        if (isStatusError(e) && (e.reason === 'Conflict' || e.reason === 'AlreadyExists')) continue;
        throw e;
      }
    }
  }
}


