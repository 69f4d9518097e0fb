import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import pino from 'pino';
import type { Clock } from '../clock/index.js';
import { errors, isStatusError } from '../errors/index.js';
import type { ConfigMap, KubeObject, Pod, Secret, TokenRequest, Volume, VolumeProjection } from '../registry/types.js';
import { AtomicWriter, type FileProjection, type WriteResult } from './atomic-writer.js';
import { downwardApiPayload } from './downward-api.js';
import { configMapPayload, secretPayload } from './key-to-path-payload.js';
import { KubeletError, aggregateErrors, errorMessage } from './kubelet-errors.js';
import { fsGroupFrom, fsUserFrom } from './pod-file-owner.js';
import type { TokenGetter } from './token-manager.js';
import { setVolumeOwnership } from './volume-ownership.js';

/**
 * The projected volume's `defaultMode` when the pod does not set one (pod defaulting: 0644 = 420).
 * @example
 * const mode = volume.projected?.defaultMode ?? DEFAULT_PROJECTED_MODE;
 */
export const DEFAULT_PROJECTED_MODE = 0o644;
/**
 * A token projection's `expirationSeconds` when omitted (pod defaulting).
 * @example
 * const seconds = source.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS; // 3600
 */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;
/** Mode of token files when the pod has an fsUser or fsGroup. */
const PRIVATE_TOKEN_MODE = 0o600;

/**
 * Where a projected volume's content comes from. Getters resolve `undefined` (or throw NotFound) for a
 * missing object.
 * @example
 * const getters: ProjectedVolumeGetters = {
 *   getToken: (ns, sa, tr) => tokenManager.getServiceAccountToken(ns, sa, tr),
 *   getConfigMap: async (ns, name) => registry.get('configmaps', ns, name),
 *   getSecret: async (ns, name) => registry.get('secrets', ns, name),
 * };
 */
export interface ProjectedVolumeGetters {
  /** usually `tokenManager.getServiceAccountToken.bind(tokenManager)` */
  getToken: TokenGetter;
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
}

/**
 * A token written by the volume: its file path and the TokenRequest it came from.
 * @example
 * for (const { path, tokenRequest } of data.tokens) console.log(path, tokenRequest.status.expirationTimestamp);
 */
export interface ProjectedToken {
  path: string;
  tokenRequest: TokenRequest;
}

/**
 * The files of one projected volume, the tokens among them, and the owners the pod asks for.
 * @example
 * const { payload, tokens, fsUser, fsGroup }: ProjectedVolumeData = await collectProjectedVolume(pod, volume, getters);
 */
export interface ProjectedVolumeData {
  payload: Map<string, FileProjection>;
  tokens: ProjectedToken[];
  fsUser: number | undefined;
  fsGroup: number | undefined;
}

/**
 * The TokenRequest the kubelet sends for a `serviceAccountToken` source (projected.go): audience →
 * `[audience]` or `null` when empty, `expirationSeconds` (default 3600), bound to the pod.
 * @example
 * projectedTokenRequest(pod, { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' });
 */
export function projectedTokenRequest(pod: Pod, source: NonNullable<VolumeProjection['serviceAccountToken']>): TokenRequest {
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {},
    spec: {
      audiences: source.audience ? [source.audience] : null,
      expirationSeconds: source.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
    },
    status: { token: '', expirationTimestamp: null },
  };
}

/**
 * `collectData` of pkg/volume/projected/projected.go: every source in order, later paths win.
 * - `serviceAccountToken`: a token for `spec.serviceAccountName`; mode `defaultMode`, or 0600 when the
 *   pod has an fsUser or fsGroup (fsGroup ownership later adds group read: 0640); owned by fsUser;
 * - `configMap`, `secret`: their items (or all keys); NotFound is tolerated when `optional`;
 * - `downwardAPI`: `fieldRef` items.
 * A failing source does not stop the others; any failure fails the whole volume
 * (`ERR_VOLUME_SETUP`, messages aggregated), so a half-collected volume is never written.
 * @example
 * const { payload, tokens } = await collectProjectedVolume(pod, pod.spec.volumes![0]!, getters);
 */
export async function collectProjectedVolume(pod: Pod, volume: Volume, getters: ProjectedVolumeGetters): Promise<ProjectedVolumeData> {
  const projected = volume.projected ?? {};
  const defaultMode = projected.defaultMode ?? DEFAULT_PROJECTED_MODE;
  const namespace = pod.metadata.namespace ?? 'default';
  const fsUser = fsUserFrom(pod);
  const fsGroup = fsGroupFrom(pod);
  const payload = new Map<string, FileProjection>();
  const tokens: ProjectedToken[] = [];
  const errs: unknown[] = [];
  const merge = (files: Map<string, FileProjection>) => files.forEach((f, p) => payload.set(p, f));

  for (const source of projected.sources ?? []) {
    try {
      if (source.secret) {
        const optional = source.secret.optional === true;
        const secret = await fetchObject<Secret>(getters.getSecret, namespace, source.secret.name ?? '', 'secrets', optional);
        merge(secretPayload(source.secret.items, secret, defaultMode, optional));
      } else if (source.configMap) {
        const optional = source.configMap.optional === true;
        const cm = await fetchObject<ConfigMap>(getters.getConfigMap, namespace, source.configMap.name ?? '', 'configmaps', optional);
        merge(configMapPayload(source.configMap.items, cm, defaultMode, optional));
      } else if (source.downwardAPI) {
        merge(downwardApiPayload(source.downwardAPI.items ?? [], pod, defaultMode));
      } else if (source.serviceAccountToken) {
        const tp = source.serviceAccountToken;
        const serviceAccount = pod.spec.serviceAccountName || pod.spec.serviceAccount || 'default';
        const tr = await getters.getToken(namespace, serviceAccount, projectedTokenRequest(pod, tp));
        const mode = fsUser !== undefined || fsGroup !== undefined ? PRIVATE_TOKEN_MODE : defaultMode;
        payload.set(tp.path, { data: Buffer.from(tr.status.token, 'utf8'), mode, ...(fsUser !== undefined ? { fsUser } : {}) });
        tokens.push({ path: tp.path, tokenRequest: tr });
      }
    } catch (err) {
      errs.push(err);
    }
  }
  if (errs.length) throw new KubeletError('ERR_VOLUME_SETUP', aggregateErrors(errs), { cause: errs.length === 1 ? errs[0] : errs });
  return { payload, tokens, fsUser, fsGroup };
}

/**
 * Dependencies of {@link setUpProjectedVolume}.
 * @example
 * const opts: SetUpOptions = { clock, signal: abortController.signal };
 */
export interface SetUpOptions {
  clock: Clock;
  /** uniform in [0, 1) for the timestamped directory's suffix */
  random?: () => number;
  logger?: pino.Logger;
  /** aborted (the pod was removed while its data was being fetched): nothing is written */
  signal?: AbortSignal;
}

/**
 * What {@link setUpProjectedVolume} did.
 * @example
 * const { created, written, dataDir, tokens } = await setUpProjectedVolume(pod, volume, dir, getters, { clock });
 */
export interface SetUpResult extends ProjectedVolumeData, WriteResult {
  /** the volume directory did not exist before */
  created: boolean;
}

/**
 * `SetUpAt` of a projected volume: collect the data (nothing is created if that fails or `signal`
 * was aborted meanwhile), create the directory on first use (mode 0777, as emptyDir's `setupDir`),
 * and write it atomically with the fsGroup ownership hook.
 * @example
 * await setUpProjectedVolume(pod, volume, `${root}/pods/${uid}/volumes/kubernetes.io~projected/${volume.name}`, getters, { clock });
 */
export async function setUpProjectedVolume(
  pod: Pod,
  volume: Volume,
  dir: string,
  getters: ProjectedVolumeGetters,
  opts: SetUpOptions,
): Promise<SetUpResult> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const podName = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  let data: ProjectedVolumeData;
  try {
    data = await collectProjectedVolume(pod, volume, getters);
  } catch (err) {
    logger.error({ volume: volume.name, pod: podName, err: errorMessage(err) }, 'Error preparing data for projected volume');
    throw err;
  }
  opts.signal?.throwIfAborted();
  const created = !existsSync(dir);
  if (created) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
  }
  const writer = new AtomicWriter(dir, `pod ${podName} volume ${volume.name}`, opts);
  const fsGroup = data.fsGroup;
  const setPerms = fsGroup === undefined ? undefined : () => setVolumeOwnership(dir, fsGroup, { logger });
  return { ...data, ...writer.write(data.payload, setPerms), created };
}

/** Gets a ConfigMap or Secret; a missing one is an empty object when optional, else NotFound. */
async function fetchObject<T extends KubeObject>(
  get: (namespace: string, name: string) => Promise<T | undefined>,
  namespace: string,
  name: string,
  resource: string,
  optional: boolean,
): Promise<T> {
  let obj: T | undefined;
  try {
    obj = await get(namespace, name);
  } catch (err) {
    if (!(optional && isStatusError(err) && err.reason === 'NotFound')) throw err;
  }
  if (obj) return obj;
  if (!optional) throw errors.notFound(resource, name);
  return { metadata: { namespace, name } } as T;
}
