import { rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { Pod, Volume } from '../registry/types.js';
import { goQuote } from '../util/go-format.js';
import { errorMessage } from './kubelet-errors.js';
import { checkPathElement, podUid, projectedVolumeDir, projectedVolumesDir } from './pod-paths.js';
import { type ProjectedVolumeGetters, setUpProjectedVolume } from './projected-volume.js';
import type { PodVolumeEvents, PodVolumeManagerOptions } from './volume-manager-options.js';
import type { RefreshWindow } from './refresh-policy.js';
import { DEFAULT_RESYNC_POLICY, type ResyncPolicy, planResync } from './resync-plan.js';
import { ResyncQueue } from './resync-queue.js';
import { TypedEmitter } from './typed-emitter.js';

interface PodState {
  pod: Pod;
  abort: AbortController;
  running: Promise<void> | undefined;
  again: boolean;
  backoffMs: number;
  /** `<volume>\0<path>` → the token last written there */
  tokens: Map<string, string>;
  volumes: Set<string>;
}

/**
 * Keeps the projected volumes of a node's pods written and their tokens fresh, as the kubelet's volume
 * manager and pod workers do. Each pod is resynced when one of its tokens may require a refresh (a
 * single timer over a min-heap of due times: cost per refresh O(log pods)); a resync re-runs SetUp,
 * which the token manager answers from its cache until a refresh is due. Failed refreshes are retried
 * with backoff while the old token stays valid.
 * @example
 * const vm = new PodVolumeManager({ rootDir, clock, tokenManager, getConfigMap, getSecret });
 * vm.on('rotated', (e) => console.log(`${e.podUid}/${e.volume}/${e.path} rotated`));
 * await vm.addPod(pod);
 */
export class PodVolumeManager extends TypedEmitter<PodVolumeEvents> {
  private readonly pods = new Map<string, PodState>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly queue: ResyncQueue;
  private readonly policy: ResyncPolicy;
  private readonly logger: pino.Logger;
  private stopped = false;

  constructor(private readonly opts: PodVolumeManagerOptions) {
    const logger = opts.logger ?? pino({ level: 'silent' });
    super((event, err) => logger.error({ event, err: errorMessage(err) }, 'volume manager listener failed'));
    this.logger = logger;
    this.policy = { ...DEFAULT_RESYNC_POLICY, ...opts.resync };
    this.queue = new ResyncQueue(opts.clock, (uid) => {
      const state = this.pods.get(uid);
      if (state) void this.sync(uid, state);
    });
  }

  /** Pods being managed. */
  get size(): number {
    return this.pods.size;
  }

  /** The directory of a pod's projected volume. */
  volumeDir(podUid: string, volumeName: string): string {
    return projectedVolumeDir(this.opts.rootDir, podUid, volumeName);
  }

  /** Whether the pod's volumes are managed (added and not removed). */
  tracks(podUid: string): boolean {
    return this.pods.has(podUid);
  }

  /** When the pod is next resynced, if scheduled. */
  nextSyncAt(podUid: string): number | undefined {
    return this.queue.dueAt(podUid);
  }

  /** Sets up the pod's projected volumes and schedules their refresh; resolves after the first attempt. */
  addPod(pod: Pod): Promise<void> {
    const uid = podUid(pod);
    const existing = this.pods.get(uid);
    if (existing) return this.updatePod(pod);
    const state: PodState = { pod, abort: new AbortController(), running: undefined, again: false, backoffMs: 0, tokens: new Map(), volumes: new Set() };
    this.pods.set(uid, state);
    return this.sync(uid, state);
  }

  /** Takes the pod's new spec and metadata and resyncs it now (downward API files follow labels). */
  updatePod(pod: Pod): Promise<void> {
    const uid = podUid(pod);
    const state = this.pods.get(uid);
    if (!state) return this.addPod(pod);
    state.pod = pod;
    return this.sync(uid, state);
  }

  /**
   * Stops the pod's refreshes, removes its projected volume directories and forgets its tokens
   * (`DeleteServiceAccountToken`), again once a sync that was in flight has settled.
   */
  async removePod(uid: string): Promise<void> {
    checkPathElement('pod UID', uid);
    const state = this.pods.get(uid);
    this.pods.delete(uid);
    this.queue.cancel(uid);
    state?.abort.abort();
    this.tearDown(uid);
    this.opts.tokenManager.deleteServiceAccountToken(uid);
    if (state?.running) {
      await state.running;
      this.opts.tokenManager.deleteServiceAccountToken(uid);
    }
    this.emit('removed', { podUid: uid });
  }

  /** Resolves when no sync is running. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Stops scheduling; syncs in flight finish, files stay (a kubelet restart keeps volumes). */
  stop(): void {
    this.stopped = true;
    this.queue.stop();
  }

  /** Runs a sync, or marks the running one to go again with the latest pod; never rejects. */
  private sync(uid: string, state: PodState): Promise<void> {
    if (state.running) {
      state.again = true;
      return state.running;
    }
    const run = (async () => {
      do {
        state.again = false;
        try {
          await this.syncOnce(uid, state);
        } catch (err) {
          // volume failures are handled inside; this is the unexpected (a teardown that could not remove a directory)
          this.logger.error({ podUid: uid, err: errorMessage(err) }, 'pod volume sync failed');
        }
      } while (state.again && !state.abort.signal.aborted);
    })();
    const tracked = run.finally(() => {
      state.running = undefined;
      this.inflight.delete(tracked);
    });
    state.running = tracked;
    this.inflight.add(tracked);
    return tracked;
  }

  private async syncOnce(uid: string, state: PodState): Promise<void> {
    const { pod, abort } = state;
    const failures: Array<{ volume: string; error: Error }> = [];
    const windows: RefreshWindow[] = [];
    const wanted = (pod.spec.volumes ?? []).filter((v): v is Volume => !!v.projected);
    for (const volume of wanted) {
      if (abort.signal.aborted) return;
      try {
        await this.setUpVolume(uid, state, volume, windows);
      } catch (err) {
        if (abort.signal.aborted) return;
        failures.push({ volume: volume.name, error: err instanceof Error ? err : new Error(String(err)) });
      }
    }
    if (abort.signal.aborted) return;
    for (const name of state.volumes) {
      if (!wanted.some((v) => v.name === name)) this.tearDownVolume(uid, state, name);
    }

    const now = this.opts.clock.now();
    const plan = planResync({ now, failed: failures.length > 0, windows, backoffMs: state.backoffMs }, this.policy);
    state.backoffMs = plan.backoffMs;
    if (!this.stopped) {
      if (plan.at === undefined) this.queue.cancel(uid);
      else this.queue.schedule(uid, plan.at);
    }
    const retryInMs = plan.at === undefined || this.stopped ? undefined : plan.at - now;
    for (const { volume, error } of failures) {
      const message = `MountVolume.SetUp failed for volume ${goQuote(volume)} : ${error.message}`;
      this.logger.warn({ podUid: uid, volume, err: error.message, retryInMs }, 'MountVolume.SetUp failed');
      this.emit('error', { podUid: uid, volume, error, message, retryInMs });
    }
    this.emit('synced', { podUid: uid, ready: failures.length === 0 });
  }

  private async setUpVolume(uid: string, state: PodState, volume: Volume, windows: RefreshWindow[]): Promise<void> {
    const { clock, random, tokenManager } = this.opts;
    const dir = this.volumeDir(uid, volume.name);
    const getters: ProjectedVolumeGetters = {
      getToken: (ns, sa, tr) => tokenManager.getServiceAccountToken(ns, sa, tr),
      getConfigMap: this.opts.getConfigMap,
      getSecret: this.opts.getSecret,
    };
    const result = await setUpProjectedVolume(state.pod, volume, dir, getters, { clock, random, logger: this.logger, signal: state.abort.signal });
    state.volumes.add(volume.name);
    if (result.created) this.emit('mounted', { podUid: uid, volume: volume.name, dir });
    for (const { path, tokenRequest } of result.tokens) {
      const key = `${volume.name}\0${path}`;
      const previous = state.tokens.get(key);
      state.tokens.set(key, tokenRequest.status.token);
      if (previous !== undefined && previous !== tokenRequest.status.token) {
        this.emit('rotated', { podUid: uid, volume: volume.name, path, expirationTimestamp: tokenRequest.status.expirationTimestamp });
      }
      const window = tokenManager.refreshWindow(tokenRequest);
      if (window) windows.push(window);
    }
  }

  private tearDownVolume(uid: string, state: PodState, name: string): void {
    rmSync(this.volumeDir(uid, name), { recursive: true, force: true });
    state.volumes.delete(name);
    for (const key of state.tokens.keys()) if (key.startsWith(`${name}\0`)) state.tokens.delete(key);
  }

  /** Removes the pod's projected volumes, then its `volumes` and pod directories if nothing else is left. */
  private tearDown(uid: string): void {
    const podDir = join(this.opts.rootDir, 'pods', uid);
    rmSync(projectedVolumesDir(this.opts.rootDir, uid), { recursive: true, force: true });
    for (const dir of [join(podDir, 'volumes'), podDir]) {
      try {
        rmdirSync(dir);
      } catch {
        return; // not empty (another plugin's volumes) or already gone
      }
    }
  }
}
