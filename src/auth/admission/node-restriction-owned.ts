/**
 * NodeRestriction for the objects a node owns by name (plugin/pkg/admission/noderestriction/
 * admission.go, 1.33): `admitLease` (its lease in kube-node-lease), `admitCSINode` (its CSINode)
 * and `admitResourceSlice` (slices of its node, on create and delete). The Node authorizer
 * checks the name on every other verb; on create only the object says it.
 */
import { field } from '../authorizer/node-graph.js';
import { forbidden, requireObject, type NodeRequest } from './node-restriction-request.js';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The name the request is about: the object's on create, the URL's otherwise. */
function requestedName(r: NodeRequest, onCreate: () => unknown): unknown {
  return r.a.operation === 'CREATE' ? onCreate() : r.a.name;
}

export function admitLease(r: NodeRequest): void {
  if (r.a.namespace !== NODE_LEASE_NAMESPACE) throw forbidden(r.a, `can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  const name = requestedName(r, () => field(requireObject(r, r.a.object), 'metadata', 'name'));
  if (name !== r.node) throw forbidden(r.a, 'can only access node lease with the same name as the requesting node');
}

export function admitCSINode(r: NodeRequest): void {
  const name = requestedName(r, () => {
    if (!r.a.object) throw forbidden(r.a, 'unable to access the object name');
    return field(r.a.object, 'metadata', 'name');
  });
  if (name !== r.node) throw forbidden(r.a, 'can only access CSINode with the same name as the requesting node');
}

export function admitResourceSlice(r: NodeRequest): void {
  if (r.a.operation === 'CREATE' && field(requireObject(r, r.a.object), 'spec', 'nodeName') !== r.node) {
    throw forbidden(r.a, 'can only create ResourceSlice with the same NodeName as the requesting node');
  }
  if (r.a.operation === 'DELETE' && field(requireObject(r, r.a.oldObject), 'spec', 'nodeName') !== r.node) {
    throw forbidden(r.a, 'can only delete ResourceSlice with the same NodeName as the requesting node');
  }
}
