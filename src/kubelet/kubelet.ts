import type pino from 'pino';
import type { Clock } from '../clock/index.js';
import type { ConfigMap, Pod, Secret, TokenRequest } from '../registry/types.js';
import { TokenManager } from './token-manager.js';
import { PodVolumeManager } from './volume-manager.js';
import type { PodVolumeEvents } from './volume-manager-options.js';

/** What a kubelet asks of the API server, as `system:node:<name>`. */
export interface KubeletApi {
  /** registers (creates if missing) the Node object */
  registerNode(nodeName: string): Promise<void>;
  getToken(namespace: string, serviceAccountName: string, tr: TokenRequest): Promise<TokenRequest>;
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /**
   * confirms a pod's graceful deletion once its volumes are torn down: a delete with grace 0 and
   * the pod's UID as precondition (a pod already gone, or replaced, is no error)
   */
  deletePod(namespace: string, name: string, uid: string): Promise<void>;
  /** follows the pods bound to the node: every current pod as `added`, then changes; resolves to a stop function */
  watchPods(nodeName: string, on: { added(pod: Pod): void; modified(pod: Pod): void; deleted(pod: Pod): void }): Promise<() => void>;
}

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
}

/**
 * A kubelet reduced to its token duties: it registers its Node, follows the pods bound to it,
 * sets up their projected volumes (token, ca.crt, namespace and any other projection) under
 * `<rootDir>/pods/<uid>/volumes/kubernetes.io~projected/<volume>/`, rotates tokens by the
 * kubelet's rules, and on pod deletion removes the files and forgets the tokens; a pod deleted
 * gracefully (a `deletionTimestamp`) is torn down the same way and its deletion then confirmed
 * with grace 0, as the kubelet's status manager does once the containers stopped. The same code
 * runs in the library (on the emulator's clock) and as the `satoken kubelet` agent.
 * @example
 * const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: '/tmp/kubelet' });
 * kubelet.on('rotated', (e) => console.log(e.path, e.expirationTimestamp));
 */
export class Kubelet implements KubeletAgent {
  readonly tokens: TokenManager;
  readonly volumes: PodVolumeManager;
  private stopWatch: (() => void) | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly o: KubeletOptions) {
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
    await this.o.api.registerNode(this.o.nodeName);
    this.stopWatch = await this.o.api.watchPods(this.o.nodeName, {
      added: (pod) => this.track(pod.metadata.deletionTimestamp ? this.terminate(pod) : this.volumes.addPod(pod)),
      modified: (pod) => this.track(pod.metadata.deletionTimestamp ? this.terminate(pod) : this.volumes.updatePod(pod)),
      deleted: (pod) => this.track(this.volumes.removePod(pod.metadata.uid ?? '')),
    });
    await this.idle();
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
    while (this.pending.size) await Promise.allSettled([...this.pending]);
    await this.volumes.idle();
  }

  stop(): void {
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
