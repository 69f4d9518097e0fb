/**
 * NodeRestriction's `admitPVCStatus` (plugin/pkg/admission/noderestriction/admission.go, 1.33):
 * a node writes only a claim's status, and of it only `capacity` and `conditions` (with
 * RecoverVolumeExpansionFailure also `allocatedResources` and `allocatedResourceStatuses`);
 * metadata (labels, finalizers, owners) and spec stay as they are. resourceVersion and
 * managedFields are not compared.
 */
import { forbidden, q, requireObject, type NodeRequest } from './node-restriction-request.js';
import { semanticDiff } from './semantic-diff.js';

const WRITABLE = ['metadata.resourceVersion', 'metadata.managedFields', 'status.capacity', 'status.conditions'];
const WRITABLE_WITH_RECOVERY = [...WRITABLE, 'status.allocatedResources', 'status.allocatedResourceStatuses'];

/** `path` is `field` or lies below it. */
const within = (path: string, field: string) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);

export function admitPersistentVolumeClaim(r: NodeRequest): void {
  if (r.a.subresource !== 'status') throw forbidden(r.a, 'may only update PVC status');
  if (r.a.operation !== 'UPDATE') throw forbidden(r.a, `unexpected operation ${q(r.a.operation)}`);
  const writable = r.gates.recoverVolumeExpansionFailure ? WRITABLE_WITH_RECOVERY : WRITABLE;
  const diff = semanticDiff(requireObject(r, r.a.oldObject), requireObject(r, r.a.object)).filter((p) => !writable.some((f) => within(p, f)));
  // Kubernetes appends a cmp.Diff of the two claims; the changed paths stand in for it here
  if (diff.length) throw forbidden(r.a, `node ${q(r.node)} is not allowed to update fields other than status.quantity and status.conditions: ${diff.join(', ')}`);
}
