/**
 * NodeRestriction's `admitServiceAccount` (plugin/pkg/admission/noderestriction/admission.go,
 * 1.33): a node creates tokens only bound to a pod, by uid, scheduled on that very node (the
 * token then carries the node too), and with ServiceAccountNodeAudienceRestriction only for an
 * audience that pod uses (node-restriction-audience.ts).
 */
import { field } from '../authorizer/node-graph.js';
import { admitTokenAudience } from './node-restriction-audience.js';
import { existingPod, forbidden, requireObject, type NodeRequest } from './node-restriction-request.js';

export async function admitServiceAccount(r: NodeRequest): Promise<void> {
  if (r.a.operation !== 'CREATE' || r.a.subresource !== 'token') return;
  const tr = requireObject(r, r.a.object);
  const ref = field(tr, 'spec', 'boundObjectRef');
  const refName = field(ref, 'name');
  if (field(ref, 'apiVersion') !== 'v1' || field(ref, 'kind') !== 'Pod' || typeof refName !== 'string' || !refName) {
    throw forbidden(r.a, 'node requested token not bound to a pod');
  }
  const uid = field(ref, 'uid');
  if (typeof uid !== 'string' || !uid) throw forbidden(r.a, 'node requested token with a pod binding without a uid');
  const pod = await existingPod(r, refName);
  if (uid !== pod.metadata.uid) {
    throw forbidden(r.a, `the UID in the bound object reference (${uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  if (field(pod, 'spec', 'nodeName') !== r.node) throw forbidden(r.a, 'node requested token bound to a pod scheduled on a different node');
  if (r.gates.serviceAccountNodeAudienceRestriction) await admitTokenAudience(r, tr, pod);
}
