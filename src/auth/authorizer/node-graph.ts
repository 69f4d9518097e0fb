/**
 * What a pod bound to a node lets that node read: the edges the Node authorizer's graph gets
 * from a pod (plugin/pkg/auth/authorizer/node/graph.go `AddPod`, with pkg/api/v1/pod/util.go
 * `VisitPodSecretNames` and `VisitPodConfigmapNames`).
 */
import type { Container, Pod } from '../../registry/types.js';

/**
 * The source of pods per node; the registry implements it over its store (pods whose
 * `spec.nodeName` is the node).
 * @example
 * const graph: NodeGraph = { podsOnNode: async (node) => pods.filter((p) => p.spec.nodeName === node) };
 */
export interface NodeGraph {
  podsOnNode(nodeName: string): Promise<Pod[]>;
}

/**
 * The objects a pod references, by name, in the pod's namespace.
 * @example
 * const refs: PodReferences = { serviceAccount: 'default', secrets: ['regcred'], configMaps: ['kube-root-ca.crt'], persistentVolumeClaims: [] };
 */
export interface PodReferences {
  serviceAccount?: string;
  secrets: string[];
  configMaps: string[];
  persistentVolumeClaims: string[];
}

function field(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Volume sources that name a secret at `<source>.secretRef.name` (or another field). */
const SECRET_VOLUME_FIELDS: ReadonlyArray<readonly string[]> = [
  ['azureFile', 'secretName'], ['cephfs', 'secretRef', 'name'], ['cinder', 'secretRef', 'name'], ['flexVolume', 'secretRef', 'name'],
  ['rbd', 'secretRef', 'name'], ['scaleIO', 'secretRef', 'name'], ['iscsi', 'secretRef', 'name'], ['storageos', 'secretRef', 'name'],
  ['csi', 'nodePublishSecretRef', 'name'],
];

function allContainers(pod: Pod): Container[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])];
}

/**
 * The references `AddPod` turns into graph edges. A mirror pod (`kubernetes.io/config.mirror`
 * annotation) references nothing: a node must not gain access by creating one.
 * - service account: `spec.serviceAccountName`;
 * - secrets: imagePullSecrets, env `secretKeyRef`, envFrom `secretRef` (init, regular and
 *   ephemeral containers), secret and projected-secret volumes, and the secret refs of
 *   azureFile, cephfs, cinder, flexVolume, rbd, scaleIO, iscsi, storageos and csi volumes;
 * - config maps: env `configMapKeyRef`, envFrom `configMapRef`, configMap and projected volumes;
 * - claims: `persistentVolumeClaim.claimName`, and `<pod>-<volume>` for ephemeral volumes.
 * @example
 * podReferences(pod).secrets.includes('regcred');
 */
export function podReferences(pod: Pod): PodReferences {
  const refs: PodReferences = { secrets: [], configMaps: [], persistentVolumeClaims: [] };
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return refs;
  if (pod.spec.serviceAccountName) refs.serviceAccount = pod.spec.serviceAccountName;
  // Go visits empty names too; a request for an empty name is refused anyway, so they are left out.
  const add = (list: string[], name: unknown) => {
    if (typeof name === 'string' && name !== '') list.push(name);
  };
  for (const s of pod.spec.imagePullSecrets ?? []) add(refs.secrets, s.name);
  for (const c of allContainers(pod)) {
    for (const e of c.envFrom ?? []) {
      add(refs.secrets, e.secretRef?.name);
      add(refs.configMaps, e.configMapRef?.name);
    }
    for (const e of c.env ?? []) {
      add(refs.secrets, e.valueFrom?.secretKeyRef?.name);
      add(refs.configMaps, field(e.valueFrom, 'configMapKeyRef', 'name'));
    }
  }
  for (const v of pod.spec.volumes ?? []) {
    add(refs.secrets, v.secret?.secretName);
    add(refs.configMaps, v.configMap?.name);
    for (const src of v.projected?.sources ?? []) {
      add(refs.secrets, src.secret?.name);
      add(refs.configMaps, src.configMap?.name);
    }
    for (const path of SECRET_VOLUME_FIELDS) add(refs.secrets, field(v, ...path));
    const claim = str(field(v, 'persistentVolumeClaim', 'claimName'));
    if (claim) add(refs.persistentVolumeClaims, claim);
    else if (v.ephemeral !== undefined && v.ephemeral !== null) add(refs.persistentVolumeClaims, `${pod.metadata.name ?? ''}-${v.name}`);
  }
  return refs;
}
