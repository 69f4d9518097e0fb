/**
 * What a pod bound to a node lets that node reach: the edges the Node authorizer's graph gets
 * from a pod (plugin/pkg/auth/authorizer/node/graph.go `AddPod`, with pkg/api/v1/pod/util.go
 * `VisitPodSecretNames` / `VisitPodConfigmapNames` and component-helpers' `resourceclaim.Name`),
 * and the sources of the other vertices (persistent volumes, volume attachments, resource slices).
 */
import type { Container, KubeObject, Pod } from '../../registry/types.js';

/**
 * The objects the Node authorizer's graph is built from. The registry implements it over its
 * store; a kind the server does not serve is simply left out (no vertices of that type).
 * @example
 * const graph: NodeGraph = { podsOnNode: async (node) => pods.filter((p) => p.spec.nodeName === node) };
 */
export interface NodeGraph {
  /** pods whose `spec.nodeName` is the node */
  podsOnNode(nodeName: string): Promise<Pod[]>;
  /** every PersistentVolume (`pv -> pvc` edges come from `spec.claimRef`) */
  persistentVolumes?(): Promise<KubeObject[]>;
  /** every storage.k8s.io VolumeAttachment (`va -> node` from `spec.nodeName`) */
  volumeAttachments?(): Promise<KubeObject[]>;
  /** every resource.k8s.io ResourceSlice (`slice -> node` from `spec.nodeName`) */
  resourceSlices?(): Promise<KubeObject[]>;
}

/**
 * The objects a pod references, by name, in the pod's namespace.
 * @example
 * const refs: PodReferences = { serviceAccount: 'default', secrets: ['regcred'], configMaps: ['kube-root-ca.crt'], persistentVolumeClaims: [], resourceClaims: [] };
 */
export interface PodReferences {
  serviceAccount?: string;
  secrets: string[];
  configMaps: string[];
  persistentVolumeClaims: string[];
  resourceClaims: string[];
}

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The value at `path` below `o`, or undefined wherever the path leaves objects. */
export function field(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = (cur as Record<string, unknown> | null | undefined)?.[p];
  return cur;
}

/** `o` when it is a list, else an empty one (what a Go nil slice ranges over). */
export function list(o: unknown): unknown[] {
  return Array.isArray(o) ? o : [];
}

/** Whether the pod carries the `kubernetes.io/config.mirror` annotation (any value). */
export function isMirrorPod(pod: KubeObject): boolean {
  const annotations = field(pod, 'metadata', 'annotations');
  return typeof annotations === 'object' && annotations !== null && Object.hasOwn(annotations, MIRROR_POD_ANNOTATION);
}

const secretRef = (source: unknown): unknown[] => [field(source, 'secretRef', 'name')];

/**
 * The in-volume secret references `VisitPodSecretNames` visits, by volume source; the first
 * source a volume has decides (Go's `switch`).
 */
const SECRET_VOLUME_SOURCES: ReadonlyArray<readonly [string, (source: unknown) => unknown[]]> = [
  ['azureFile', (s) => [field(s, 'secretName')]],
  ['cephfs', secretRef],
  ['cinder', secretRef],
  ['flexVolume', secretRef],
  ['projected', (s) => list(field(s, 'sources')).map((src) => field(src, 'secret', 'name'))],
  ['rbd', secretRef],
  ['secret', (s) => [field(s, 'secretName')]],
  ['scaleIO', secretRef],
  ['iscsi', secretRef],
  ['storageos', secretRef],
  ['csi', (s) => [field(s, 'nodePublishSecretRef', 'name')]],
];

function allContainers(pod: Pod): Container[] {
  const spec = pod.spec as Record<string, unknown> | undefined;
  return [...list(spec?.initContainers), ...list(spec?.containers), ...list(spec?.ephemeralContainers)] as Container[];
}

function volumeSecrets(v: unknown): unknown[] {
  const found = SECRET_VOLUME_SOURCES.find(([source]) => field(v, source) != null);
  return found ? found[1](field(v, found[0])) : [];
}

function volumeConfigMaps(v: unknown): unknown[] {
  const projected = field(v, 'projected');
  if (projected != null) return list(field(projected, 'sources')).map((src) => field(src, 'configMap', 'name'));
  return [field(v, 'configMap', 'name')];
}

/**
 * The claim a pod's `spec.resourceClaims` entry stands for (`resourceclaim.Name`): its
 * `resourceClaimName`, or for a template the name recorded in `status.resourceClaimStatuses`.
 */
function resourceClaimName(pod: Pod, claim: unknown): unknown {
  const direct = field(claim, 'resourceClaimName');
  if (direct != null) return direct;
  if (field(claim, 'resourceClaimTemplateName') == null) return undefined;
  const status = list(field(pod, 'status', 'resourceClaimStatuses')).find((s) => field(s, 'name') === field(claim, 'name'));
  return field(status, 'resourceClaimName');
}

/**
 * Every API object a pod names, mirror pod or not (NodeRestriction refuses mirror pods that
 * name any):
 * - service account: `spec.serviceAccountName`;
 * - secrets: imagePullSecrets, env `secretKeyRef` and envFrom `secretRef` of init, regular and
 *   ephemeral containers, secret and projected-secret volumes, and the secret refs of azureFile,
 *   cephfs, cinder, flexVolume, rbd, scaleIO, iscsi, storageos and csi volumes;
 * - config maps: env `configMapKeyRef`, envFrom `configMapRef`, configMap and projected volumes;
 * - claims: `persistentVolumeClaim.claimName`, and `<pod>-<volume>` for ephemeral volumes;
 * - resource claims: `spec.resourceClaims` resolved as `resourceclaim.Name` does.
 * Empty names are left out (`skipEmptyNames`).
 * @example
 * podApiReferences(pod).secrets.includes('regcred');
 */
export function podApiReferences(pod: Pod): PodReferences {
  const refs: PodReferences = { secrets: [], configMaps: [], persistentVolumeClaims: [], resourceClaims: [] };
  const add = (to: string[], name: unknown) => {
    if (typeof name === 'string' && name !== '') to.push(name);
  };
  const spec = (pod.spec ?? {}) as Pod['spec'];
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) refs.serviceAccount = spec.serviceAccountName;
  for (const s of list(spec.imagePullSecrets)) add(refs.secrets, field(s, 'name'));
  for (const c of allContainers(pod)) {
    for (const e of list(c.envFrom)) {
      add(refs.secrets, field(e, 'secretRef', 'name'));
      add(refs.configMaps, field(e, 'configMapRef', 'name'));
    }
    for (const e of list(c.env)) {
      add(refs.secrets, field(e, 'valueFrom', 'secretKeyRef', 'name'));
      add(refs.configMaps, field(e, 'valueFrom', 'configMapKeyRef', 'name'));
    }
  }
  for (const v of list(spec.volumes)) {
    for (const name of volumeSecrets(v)) add(refs.secrets, name);
    for (const name of volumeConfigMaps(v)) add(refs.configMaps, name);
    const claim = field(v, 'persistentVolumeClaim');
    // ephemeral.VolumeClaimName: `<pod>-<volume>`
    if (claim != null) add(refs.persistentVolumeClaims, field(claim, 'claimName'));
    else if (field(v, 'ephemeral') != null) add(refs.persistentVolumeClaims, `${String(field(pod, 'metadata', 'name') ?? '')}-${String(field(v, 'name') ?? '')}`);
  }
  for (const c of list(spec.resourceClaims)) add(refs.resourceClaims, resourceClaimName(pod, c));
  return refs;
}

/**
 * The references `AddPod` turns into graph edges: {@link podApiReferences}, except that a
 * mirror pod references nothing (a node must never gain access by creating one).
 * @example
 * podReferences(pod).secrets.includes('regcred');
 */
export function podReferences(pod: Pod): PodReferences {
  if (isMirrorPod(pod)) return { secrets: [], configMaps: [], persistentVolumeClaims: [], resourceClaims: [] };
  return podApiReferences(pod);
}
