/**
 * The projected volumes of the program's container, written as the kubelet writes them
 * (collectProjectedVolume, then the atomic writer) into one host directory per mount. A new
 * generation's pod writes into the same directories: the files change under the program the
 * way a kubelet rotation changes them (`..data` swapped atomically).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type pino from 'pino';
import type { Clock } from '../clock/index.js';
import { AtomicWriter } from '../kubelet/atomic-writer.js';
import { KubeletError } from '../kubelet/kubelet-errors.js';
import { collectProjectedVolume, type ProjectedVolumeGetters } from '../kubelet/projected-volume.js';
import type { Pod, Volume } from '../registry/types.js';
import { decodeJws } from '../tokens/jws.js';
import { CONTAINER_NAME } from './check-pod.js';
import { setupError } from './errors.js';

/** One mount of the program's container: where the program sees it, where it is on the host. */
export interface VolumeMountPlan {
  /** path in the pod (`/var/run/secrets/kubernetes.io/serviceaccount`) */
  mountPath: string;
  /** the directory the atomic writer fills */
  hostDir: string;
  readOnly: boolean;
}

/** A token of one generation, named by its `jti`, never by its value. */
export interface WrittenToken {
  jti: string;
  /** path of the file in the pod */
  path: string;
  /** its audiences, as the TokenRequest answered (the API server's when none was asked for) */
  audiences: string[];
  expirationTimestamp: string | null;
}

/** how long a volume may wait for the ConfigMap it projects (a new namespace's `kube-root-ca.crt`) */
const SOURCE_WAIT_MS = 10_000;
const SOURCE_RETRY_MS = 250;

/**
 * The volumes of one check, across its generations.
 * @example
 * const set = new VolumeSet(getters, clock, (mountPath, i) => join(stage, String(i)));
 * const tokens = await set.write(pod0);
 */
export class VolumeSet {
  private readonly writers = new Map<string, AtomicWriter>();
  private plans: VolumeMountPlan[] | undefined;

  constructor(
    private readonly getters: ProjectedVolumeGetters,
    private readonly clock: Clock,
    /** the host directory of a mount (the `index`th of the container's projected mounts) */
    private readonly hostDirOf: (mountPath: string, index: number) => string,
    private readonly logger?: pino.Logger,
  ) {}

  /** The mounts, known once the first pod was written. */
  get mounts(): readonly VolumeMountPlan[] {
    return this.plans ?? [];
  }

  /**
   * Writes every projected volume the program's container mounts, for `pod`:
   * - the first pod fixes the mounts (the same mount paths are expected of every later pod);
   * - each volume is collected as the kubelet does (its token requested bound to `pod`),
   *   retrying for up to 10 s while a ConfigMap it projects does not exist yet;
   * - then written atomically over the previous generation's files.
   * Returns the tokens written, by `jti`.
   */
  async write(pod: Pod): Promise<WrittenToken[]> {
    const container = pod.spec.containers.find((c) => c.name === CONTAINER_NAME);
    const mounts = (container?.volumeMounts ?? []).flatMap((m) => {
      const volume = (pod.spec.volumes ?? []).find((v) => v.name === m.name);
      return volume?.projected ? [{ mount: m, volume }] : [];
    });
    if (!this.plans) {
      this.plans = mounts.map(({ mount }, i) => ({ mountPath: mount.mountPath, hostDir: this.hostDirOf(mount.mountPath, i), readOnly: mount.readOnly === true }));
    } else if (mounts.length !== this.plans.length || mounts.some(({ mount }, i) => mount.mountPath !== this.plans![i]!.mountPath)) {
      throw setupError(`pod ${pod.metadata.name} mounts other volumes than the first pod did (admission changed between generations?)`);
    }
    const tokens: WrittenToken[] = [];
    for (const [i, { volume }] of mounts.entries()) {
      const plan = this.plans[i]!;
      const data = await this.collect(pod, volume);
      let writer = this.writers.get(plan.hostDir);
      if (!writer) {
        mkdirSync(plan.hostDir, { recursive: true, mode: 0o755 });
        writer = new AtomicWriter(plan.hostDir, `reload-check pod ${pod.metadata.namespace}/${pod.metadata.name} volume ${volume.name}`, { clock: this.clock, ...(this.logger ? { logger: this.logger } : {}) });
        this.writers.set(plan.hostDir, writer);
      }
      writer.write(data.payload);
      for (const t of data.tokens) {
        const jti = decodeJws(t.tokenRequest.status.token)?.payload.jti;
        if (typeof jti !== 'string' || jti === '') throw setupError(`the server issued a token without a jti for ${plan.mountPath}/${t.path}: the check names requests by it`);
        tokens.push({ jti, path: `${plan.mountPath}/${t.path}`, audiences: t.tokenRequest.spec.audiences ?? [], expirationTimestamp: t.tokenRequest.status.expirationTimestamp });
      }
    }
    return tokens;
  }

  private async collect(pod: Pod, volume: Volume) {
    const deadline = this.clock.now() + SOURCE_WAIT_MS;
    for (;;) {
      try {
        return await collectProjectedVolume(pod, volume, this.getters);
      } catch (e) {
        const missing = e instanceof KubeletError && /not found/.test(e.message);
        if (!missing || this.clock.now() >= deadline) {
          throw setupError(`writing volume ${volume.name} of pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(e as Error).message}`, e);
        }
        await new Promise<void>((ok) => this.clock.setTimeout(ok, SOURCE_RETRY_MS));
      }
    }
  }
}

/** The host directory of a mount in token-dir mode: the pod path under `tokenDir`. */
export function mirroredDir(tokenDir: string, mountPath: string): string {
  return join(tokenDir, mountPath);
}
