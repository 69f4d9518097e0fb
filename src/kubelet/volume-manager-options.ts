import type pino from 'pino';
import type { Clock } from '../clock/index.js';
import type { ProjectedVolumeGetters } from './projected-volume.js';
import type { ResyncPolicy } from './resync-plan.js';
import type { TokenManager } from './token-manager.js';

/**
 * What the volume manager needs of the token manager.
 * @example
 * const source: PodTokenSource = new TokenManager({ getToken, clock });
 */
export type PodTokenSource = Pick<TokenManager, 'getServiceAccountToken' | 'deleteServiceAccountToken' | 'refreshWindow'>;

/**
 * Dependencies of a {@link PodVolumeManager}.
 * @example
 * const opts: PodVolumeManagerOptions = { rootDir: '/var/lib/kubelet', clock, tokenManager, getConfigMap, getSecret };
 */
export interface PodVolumeManagerOptions extends Omit<ProjectedVolumeGetters, 'getToken'> {
  /** the kubelet's root dir: volumes go to `<rootDir>/pods/<uid>/volumes/kubernetes.io~projected/<name>` */
  rootDir: string;
  clock: Clock;
  tokenManager: PodTokenSource;
  /** uniform in [0, 1) for timestamped directory suffixes (default `Math.random`) */
  random?: () => number;
  logger?: pino.Logger;
  /** backoff and polling (defaults: 1 s doubling to 1 min, 1 s polls, no periodic resync) */
  resync?: Partial<ResyncPolicy>;
}

/**
 * Events of {@link PodVolumeManager}. No token ever appears in them.
 * @example
 * vm.on('error', (e: PodVolumeEvents['error']) => console.warn(e.message));
 */
export interface PodVolumeEvents {
  /** a volume directory was created and first written */
  mounted: { podUid: string; volume: string; dir: string };
  /** a token file now holds a new token */
  rotated: { podUid: string; volume: string; path: string; expirationTimestamp: string | null };
  /** a volume failed to set up; `message` reads as the kubelet's event */
  error: { podUid: string; volume: string; error: Error; message: string; retryInMs: number | undefined };
  /** a sync of the pod's volumes ended; `ready`: every projected volume is set up */
  synced: { podUid: string; ready: boolean };
  /** a pod's volumes were torn down */
  removed: { podUid: string };
}
