import type pino from 'pino';
import type { Clock } from '../clock/index.js';
import type { Pod } from '../registry/types.js';
import type { KubeletApi } from './kubelet-api.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import { PodLifecycle } from './pod-lifecycle.js';
import { internalIP } from './node-status.js';
import { TokenManager } from './token-manager.js';
import { PodVolumeManager } from './volume-manager.js';
import type { PodVolumeEvents } from './volume-manager-options.js';

export type { KubeletApi } from './kubelet-api.js';

/**
 * A running kubelet agent as the library hands it out ({@link Emulator.startKubelet}): events,
 * where volumes are, and its lifecycle; its managers stay internal.
 * @example
 * const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir });
 * kubelet.on('rotated', (e) => console.log(e.path));
 */
export interface KubeletAgent {
  readonly nodeName: string;
  /** Subscribes to volume events (mounted, rotated, error, removed); returns the unsubscribe function. */
  on<K extends keyof PodVolumeEvents>(event: K, fn: (e: PodVolumeEvents[K]) => void): () => void;
  /** The directory of a pod's projected volume. */
  volumeDir(podUid: string, volumeName: string): string;
  /** Tokens held in the token manager's cache. */
  readonly cachedTokens: number;
  /** Resolves when every pod event seen so far has been handled. */
  idle(): Promise<void>;
  stop(): void;
}

export interface KubeletOptions {
  nodeName: string;
  rootDir: string;
  clock: Clock;
  api: KubeletApi;
  logger?: pino.Logger;
  random?: () => number;
  /** the node's InternalIP and the pods' hostIP (default 127.0.0.1) */
  internalIP?: string;
  /** `--node-lease-duration-seconds` (default 40; the Lease is renewed every quarter of it) */
  leaseDurationSeconds?: number;
  /** `nodeStatusUpdateFrequency` in ms (default 10 s) */
  statusUpdateFrequencyMs?: number;
  /** `nodeStatusReportFrequency` in ms (default 5 min) */
  statusReportFrequencyMs?: number;
}

/**
 * A kubelet with an emulated container runtime: it registers its Node and keeps its status
 * (Ready, heartbeats) and its Lease in kube-node-lease fresh (node-heartbeat.ts), follows the
 * pods bound to it, sets up their projected volumes (token, ca.crt, namespace and any other
 * projection) under `<rootDir>/pods/<uid>/volumes/kubernetes.io~projected/<volume>/`, reports
 * each pod Running once its volumes are set up (pod-lifecycle.ts), rotates tokens by the
 * kubelet's rules, and on pod deletion or completion removes the files and forgets the tokens;
 * a pod deleted gracefully (a `deletionTimestamp`) is torn down the same way and its deletion
 * then confirmed with grace 0, as the kubelet's status manager does once the containers stopped.
 * The same code runs in the library (on the emulator's clock) and as the `satoken kubelet` agent.
 * @example
 * const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: '/tmp/kubelet' });
 * kubelet.on('rotated', (e) => console.log(e.path, e.expirationTimestamp));
 */
export class Kubelet implements KubeletAgent {
  readonly tokens: TokenManager;
  readonly volumes: PodVolumeManager;
  readonly heartbeat: NodeHeartbeat;
  readonly pods: PodLifecycle;
  private stopWatch: (() => void) | undefined;
  private readonly pending = new Set<Promise<void>>();
  /** the latest object of each pod followed, by uid */
  private readonly latest = new Map<string, Pod>();

  constructor(private readonly o: KubeletOptions) {
    const id = { nodeName: o.nodeName, ...(o.internalIP ? { internalIP: o.internalIP } : {}) };
    this.heartbeat = new NodeHeartbeat({
      id,
      clock: o.clock,
      api: o.api,
      ...(o.logger ? { logger: o.logger } : {}),
      ...(o.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: o.leaseDurationSeconds } : {}),
      ...(o.statusUpdateFrequencyMs !== undefined ? { statusUpdateFrequencyMs: o.statusUpdateFrequencyMs } : {}),
      ...(o.statusReportFrequencyMs !== undefined ? { statusReportFrequencyMs: o.statusReportFrequencyMs } : {}),
    });
    this.pods = new PodLifecycle({
      nodeName: o.nodeName,
      hostIP: internalIP(id),
      clock: o.clock,
      api: o.api,
      ...(o.logger ? { logger: o.logger } : {}),
      onTerminated: (uid) => {
        if (this.volumes.tracks(uid)) this.track(this.volumes.removePod(uid));
      },
    });
    this.tokens = new TokenManager({ getToken: (ns, name, tr) => o.api.getToken(ns, name, tr), clock: o.clock, ...(o.random ? { random: o.random } : {}), ...(o.logger ? { logger: o.logger } : {}) });
    this.volumes = new PodVolumeManager({
      rootDir: o.rootDir,
      clock: o.clock,
      tokenManager: this.tokens,
      getConfigMap: (ns, name) => o.api.getConfigMap(ns, name),
      getSecret: (ns, name) => o.api.getSecret(ns, name),
      ...(o.random ? { random: o.random } : {}),
      ...(o.logger ? { logger: o.logger } : {}),
    });
  }

  get cachedTokens(): number {
    return this.tokens.size;
  }

  get nodeName(): string {
    return this.o.nodeName;
  }

  async start(): Promise<void> {
    await this.heartbeat.register();
    this.heartbeat.start();
    this.volumes.on('synced', (e) => {
      const pod = this.latest.get(e.podUid);
      if (pod) this.track(this.pods.sync(pod, e.ready));
    });
    this.stopWatch = await this.o.api.watchPods(this.o.nodeName, {
      added: (pod) => this.follow(pod),
      modified: (pod) => this.follow(pod),
      deleted: (pod) => {
        const uid = pod.metadata.uid ?? '';
        this.latest.delete(uid);
        this.pods.forget(uid);
        this.track(this.volumes.removePod(uid));
      },
    });
    await this.idle();
  }

  /** A pod added or changed: its volumes set up (their sync reports its status), or, once it finished, its status kept. */
  private follow(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    if (pod.metadata.deletionTimestamp) {
      this.latest.delete(uid);
      this.pods.forget(uid);
      this.track(this.terminate(pod));
      return;
    }
    this.latest.set(uid, pod);
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.track(this.pods.sync(pod, false));
      return;
    }
    this.track(this.volumes.updatePod(pod));
  }

  /** Subscribes to volume events (mounted, rotated, error, removed); returns the unsubscribe function. */
  on<K extends keyof PodVolumeEvents>(event: K, fn: (e: PodVolumeEvents[K]) => void): () => void {
    return this.volumes.on(event, fn);
  }

  /** The directory of a pod's projected volume. */
  volumeDir(podUid: string, volumeName: string): string {
    return this.volumes.volumeDir(podUid, volumeName);
  }

  /** Resolves when every pod event seen so far has been handled. */
  async idle(): Promise<void> {
    do {
      while (this.pending.size) await Promise.allSettled([...this.pending]);
      await this.volumes.idle();
      await this.heartbeat.idle();
    } while (this.pending.size);
  }

  stop(): void {
    this.heartbeat.stop();
    this.pods.stop();
    this.stopWatch?.();
    this.volumes.stop();
    this.tokens.stop();
  }

  /** A pod being deleted: its volumes go, then the deletion is confirmed (no containers to wait for). */
  private async terminate(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    await this.volumes.removePod(uid);
    await this.o.api.deletePod(pod.metadata.namespace ?? '', pod.metadata.name ?? '', uid);
  }

  private track(p: Promise<void>): void {
    const q = p.catch((e: unknown) => this.o.logger?.warn({ err: String(e) }, 'pod sync failed')).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }
}
