/**
 * The kubelet side of service-account tokens: the token manager (cache and refresh rules), the
 * atomic writer, projected volumes, and a volume manager that keeps a node's pods' tokens fresh.
 * @example
 * import { TokenManager, PodVolumeManager } from './kubelet/index.js';
 * const tokenManager = new TokenManager({ getToken, clock });
 * const volumes = new PodVolumeManager({ rootDir, clock, tokenManager, getConfigMap, getSecret });
 * await volumes.addPod(pod);
 */
export { TokenManager, type TokenGetter, type TokenManagerOptions } from './token-manager.js';
export { tokenCacheKey } from './token-cache-key.js';
export {
  GC_PERIOD_MS,
  MAX_JITTER_SECONDS,
  MAX_TTL_MS,
  type RefreshWindow,
  refreshWindow,
  requiresRefreshAt,
} from './refresh-policy.js';
export { AtomicWriter, type AtomicWriterOptions, type FileProjection, type Payload, type WriteResult } from './atomic-writer.js';
export { validatePath } from './payload-paths.js';
export {
  DEFAULT_PROJECTED_MODE,
  DEFAULT_TOKEN_EXPIRATION_SECONDS,
  type ProjectedToken,
  type ProjectedVolumeData,
  type ProjectedVolumeGetters,
  type SetUpOptions,
  type SetUpResult,
  collectProjectedVolume,
  projectedTokenRequest,
  setUpProjectedVolume,
} from './projected-volume.js';
export { fsGroupFrom, fsUserFrom } from './pod-file-owner.js';
export { extractPodField, formatMap } from './downward-api.js';
export { setVolumeOwnership, type VolumeOwnershipOptions } from './volume-ownership.js';
export { PodVolumeManager } from './volume-manager.js';
export type { PodTokenSource, PodVolumeEvents, PodVolumeManagerOptions } from './volume-manager-options.js';
export { DEFAULT_RESYNC_POLICY, type ResyncPolicy } from './resync-plan.js';
export { PROJECTED_PLUGIN_DIR, projectedVolumeDir } from './pod-paths.js';
export { KubeletError, type KubeletErrorCode } from './kubelet-errors.js';
