/**
 * NodeRestriction's `admitPodCreate` (plugin/pkg/admission/noderestriction/admission.go, 1.33):
 * a node creates only mirror pods of its static pods, and they may reach nothing.
 * - the `kubernetes.io/config.mirror` annotation, `spec.nodeName` set to the node;
 * - exactly one owner reference: `v1` `Node` named after the node, with its uid, as controller,
 *   without `blockOwnerDeletion`;
 * - no service account, secret, config map, cluster trust bundle, persistent volume claim or
 *   resource claim (CVE-2025-4563, fixed in 1.33.2).
 */
import { field, isMirrorPod, list, MIRROR_POD_ANNOTATION, podApiReferences } from '../authorizer/node-graph.js';
import type { Pod } from '../../registry/types.js';
import { forbidden, listerNotFound, q, requireObject, type NodeRequest } from './node-restriction-request.js';

/** Refuses what a mirror pod must not carry; resolves when the pod may be created. */
export async function admitMirrorPodCreate(r: NodeRequest): Promise<void> {
  const pod = requireObject(r, r.a.object) as Pod;
  const node = q(r.node);
  const deny = (why: string) => forbidden(r.a, why);
  if (!isMirrorPod(pod)) throw deny(`pod does not have ${q(MIRROR_POD_ANNOTATION)} annotation, node ${node} can only create mirror pods`);
  if (field(pod, 'spec', 'nodeName') !== r.node) throw deny(`node ${node} can only create pods with spec.nodeName set to itself`);
  await checkOwner(r, list(field(pod, 'metadata', 'ownerReferences')));
  const refs = podApiReferences(pod);
  if (refs.serviceAccount) throw deny(`node ${node} can not create pods that reference a service account`);
  if (refs.secrets.length) throw deny(`node ${node} can not create pods that reference secrets`);
  if (refs.configMaps.length) throw deny(`node ${node} can not create pods that reference configmaps`);
  const volumes = list(field(pod, 'spec', 'volumes'));
  if (volumes.some((v) => list(field(v, 'projected', 'sources')).some((s) => field(s, 'clusterTrustBundle') != null))) {
    throw deny(`node ${node} can not create pods that reference clustertrustbundles`);
  }
  if (volumes.some((v) => field(v, 'persistentVolumeClaim') != null)) throw deny(`node ${node} can not create pods that reference persistentvolumeclaims`);
  if (list(field(pod, 'spec', 'resourceClaims')).length) throw deny(`node ${node} can not create pods that reference resourceclaims`);
}

/** The single controller owner reference to the node itself, with the node's current uid. */
async function checkOwner(r: NodeRequest, owners: unknown[]): Promise<void> {
  const node = q(r.node);
  if (owners.length > 1) throw forbidden(r.a, `node ${node} can only create pods with a single owner reference set to itself`);
  // no owner at all fails here too, with the same words as Kubernetes' separate check
  const owner = owners[0];
  if (field(owner, 'apiVersion') !== 'v1' || field(owner, 'kind') !== 'Node' || field(owner, 'name') !== r.node) {
    throw forbidden(r.a, `node ${node} can only create pods with an owner reference set to itself`);
  }
  if (field(owner, 'controller') !== true) throw forbidden(r.a, `node ${node} can only create pods with a controller owner reference set to itself`);
  if (field(owner, 'blockOwnerDeletion') === true) throw forbidden(r.a, `node ${node} must not set blockOwnerDeletion on an owner reference`);
  const registered = await r.deps.getNode(r.node);
  if (!registered) throw listerNotFound('node', r.node);
  const uid = String(field(owner, 'uid') ?? '');
  const actual = registered.metadata.uid ?? '';
  if (uid !== actual) throw forbidden(r.a, `node ${r.node} UID mismatch: expected ${uid} got ${actual}`);
}
