/**
 * NodeRestriction's `admitPVCStatus` (plugin/pkg/admission/noderestriction/admission.go, 1.33):
 * a node writes only a claim's status, and of it only `capacity` and `conditions` (with
 * RecoverVolumeExpansionFailure also `allocatedResources` and `allocatedResourceStatuses`);
 * metadata (labels, finalizers, owners) and spec stay as they are.
 */
import type { KubeObject } from '../../registry/types.js';
import { forbidden, q, requireObject, type NodeRequest } from './node-restriction-request.js';
import { semanticDiff } from './semantic-equal.js';

/** A copy without what a node may change (and without resourceVersion and managedFields). */
function comparable(pvc: KubeObject, recovery: boolean): KubeObject {
  const copy = structuredClone(pvc);
  if (copy.metadata && typeof copy.metadata === 'object') {
    delete copy.metadata.resourceVersion;
    delete copy.metadata.managedFields;
  }
  const status = copy.status;
  if (status && typeof status === 'object') {
    const s = status as Record<string, unknown>;
    delete s.capacity;
    delete s.conditions;
    if (recovery) {
      delete s.allocatedResources;
      delete s.allocatedResourceStatuses;
    }
  }
  return copy;
}

export function admitPersistentVolumeClaim(r: NodeRequest): void {
  if (r.a.subresource !== 'status') throw forbidden(r.a, 'may only update PVC status');
  if (r.a.operation !== 'UPDATE') throw forbidden(r.a, `unexpected operation ${q(r.a.operation)}`);
  const old = comparable(requireObject(r, r.a.oldObject), r.gates.recoverVolumeExpansionFailure);
  const updated = comparable(requireObject(r, r.a.object), r.gates.recoverVolumeExpansionFailure);
  const diff = semanticDiff(old, updated);
  // Kubernetes appends a cmp.Diff of the two claims; the changed paths stand in for it here
  if (diff.length) throw forbidden(r.a, `node ${q(r.node)} is not allowed to update fields other than status.quantity and status.conditions: ${diff.join(', ')}`);
}
