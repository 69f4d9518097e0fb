/**
 * `NodeAuthorizer.hasPathFrom` (plugin/pkg/auth/authorizer/node/node_authorizer.go) over the
 * objects of a {@link NodeGraph}, computed on demand instead of from a maintained graph:
 *   node <- pod
 *   node <- pod <- secret | configmap | serviceaccount | resourceclaim | pvc
 *   node <- pod <- pvc <- pv <- secret   (the kubelet-visible secrets of the PV)
 *   node <- volumeattachment, node <- resourceslice
 * Mirror pods lead to the node but reference nothing.
 */
import type { KubeObject } from '../../registry/types.js';
import { field, podReferences, type NodeGraph } from './node-graph.js';

/** The graph's vertex types a request can start from. */
export type VertexType = 'pod' | 'secret' | 'configmap' | 'pvc' | 'pv' | 'serviceaccount' | 'resourceclaim' | 'volumeattachment' | 'resourceslice';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Volume sources whose secret reference falls back to the claim's namespace. */
const CLAIM_NAMESPACED_SOURCES = ['cephfs', 'flexVolume', 'rbd', 'scaleIO', 'iscsi'];

/**
 * Whether a PersistentVolume names the secret `namespace/name` for the kubelet to read
 * (`pvutil.VisitPVSecretNames` with `kubeletVisible`); where a reference has no namespace of its
 * own, the claim's stands in (azureFile, cephfs, flexVolume, rbd, scaleIO, iscsi).
 */
function pvHasSecret(pv: KubeObject, namespace: string, name: string): boolean {
  const spec = field(pv, 'spec');
  const claimNs = str(field(spec, 'claimRef', 'namespace'));
  const is = (ns: string, ref: unknown) => ns === namespace && ref === name;
  const ref = (source: string, key = 'secretRef') => field(spec, source, key);
  if (field(spec, 'azureFile') != null) return is(str(field(spec, 'azureFile', 'secretNamespace')) || claimNs, field(spec, 'azureFile', 'secretName'));
  if (field(spec, 'cinder') != null) return is(str(field(ref('cinder'), 'namespace')), field(ref('cinder'), 'name'));
  if (field(spec, 'storageos') != null) return is(str(field(ref('storageos'), 'namespace')), field(ref('storageos'), 'name'));
  if (field(spec, 'csi') != null) {
    return ['nodePublishSecretRef', 'nodeStageSecretRef'].some((key) => is(str(field(ref('csi', key), 'namespace')), field(ref('csi', key), 'name')));
  }
  const source = CLAIM_NAMESPACED_SOURCES.find((k) => field(spec, k) != null);
  return source !== undefined && is(str(field(ref(source), 'namespace')) || claimNs, field(ref(source), 'name'));
}

/** Objects of a cluster-scoped kind whose `spec.nodeName` is the node, by name. */
async function onNode(objects: (() => Promise<KubeObject[]>) | undefined, node: string, name: string): Promise<boolean> {
  if (!objects) return false;
  return (await objects()).some((o) => o.metadata.name === name && field(o, 'spec', 'nodeName') === node);
}

/**
 * Whether the named object is related to the node, as the Node authorizer's graph would say.
 * @example
 * await hasPathFrom(graph, 'node-1', 'secret', 'default', 'web-tls'); // true if a pod on node-1 mounts it
 */
export async function hasPathFrom(graph: NodeGraph, node: string, type: VertexType, namespace: string, name: string): Promise<boolean> {
  if (type === 'volumeattachment') return onNode(graph.volumeAttachments?.bind(graph), node, name);
  if (type === 'resourceslice') return onNode(graph.resourceSlices?.bind(graph), node, name);
  const claims = new Set<string>();
  for (const pod of await graph.podsOnNode(node)) {
    if (pod.spec?.nodeName !== node) continue;
    const ns = pod.metadata.namespace ?? '';
    const refs = podReferences(pod);
    for (const c of refs.persistentVolumeClaims) claims.add(`${ns}/${c}`);
    if (ns !== namespace) continue;
    if (type === 'pod' && pod.metadata.name === name) return true;
    if (type === 'serviceaccount' && refs.serviceAccount === name) return true;
    if (type === 'secret' && refs.secrets.includes(name)) return true;
    if (type === 'configmap' && refs.configMaps.includes(name)) return true;
    if (type === 'pvc' && refs.persistentVolumeClaims.includes(name)) return true;
    if (type === 'resourceclaim' && refs.resourceClaims.includes(name)) return true;
  }
  if ((type !== 'pv' && type !== 'secret') || !graph.persistentVolumes) return false;
  for (const pv of await graph.persistentVolumes()) {
    const claim = field(pv, 'spec', 'claimRef');
    if (!claims.has(`${str(field(claim, 'namespace'))}/${str(field(claim, 'name'))}`)) continue;
    if (type === 'pv' && pv.metadata.name === name) return true;
    if (type === 'secret' && pvHasSecret(pv, namespace, name)) return true;
  }
  return false;
}
