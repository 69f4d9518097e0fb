/**
 * NodeRestriction for pods (plugin/pkg/admission/noderestriction/admission.go, 1.33):
 * `admitPod` (create mirror pods, delete its own pods, nothing else), `admitPodStatus` (its own
 * pods, without changing their labels or resource claim statuses) and `admitPodEviction` (its
 * own pods).
 */
import { field, list } from '../authorizer/node-graph.js';
import { admitMirrorPodCreate } from './node-restriction-mirror-pod.js';
import { existingPod, forbidden, q, requireObject, type NodeRequest } from './node-restriction-request.js';
import { semanticEqual } from '../../registry/semantic-equal.js';

/** The subresource decides: the pod itself, `status`, `eviction`; any other is refused. */
export async function admitPodRequest(r: NodeRequest): Promise<void> {
  switch (r.a.subresource ?? '') {
    case '':
      return admitPod(r);
    case 'status':
      return admitPodStatus(r);
    case 'eviction':
      return admitPodEviction(r);
    default:
      throw forbidden(r.a, `unexpected pod subresource ${q(r.a.subresource!)}, only 'status' and 'eviction' are allowed`);
  }
}

async function admitPod(r: NodeRequest): Promise<void> {
  if (r.a.operation === 'CREATE') return admitMirrorPodCreate(r);
  if (r.a.operation === 'DELETE') {
    const pod = await existingPod(r, r.a.name);
    if (field(pod, 'spec', 'nodeName') !== r.node) throw forbidden(r.a, `node ${q(r.node)} can only delete pods with spec.nodeName set to itself`);
    return;
  }
  throw forbidden(r.a, `unexpected operation ${q(r.a.operation)}, node ${q(r.node)} can only create and delete mirror pods`);
}

/** `resourceClaimStatusesEqual`: same entries, in order, by name and claim name. */
function claimStatusesEqual(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((s, i) => field(s, 'name') === field(b[i], 'name') && (field(s, 'resourceClaimName') ?? null) === (field(b[i], 'resourceClaimName') ?? null));
}

async function admitPodStatus(r: NodeRequest): Promise<void> {
  if (r.a.operation !== 'UPDATE') throw forbidden(r.a, `unexpected operation ${q(r.a.operation)}`);
  const old = requireObject(r, r.a.oldObject);
  if (field(old, 'spec', 'nodeName') !== r.node) throw forbidden(r.a, `node ${q(r.node)} can only update pod status for pods with spec.nodeName set to itself`);
  const pod = requireObject(r, r.a.object);
  if (!semanticEqual(field(old, 'metadata', 'labels'), field(pod, 'metadata', 'labels'))) throw forbidden(r.a, `node ${q(r.node)} cannot update labels through pod status`);
  if (!claimStatusesEqual(list(field(old, 'status', 'resourceClaimStatuses')), list(field(pod, 'status', 'resourceClaimStatuses')))) {
    throw forbidden(r.a, `node ${q(r.node)} cannot update resource claim statues`);
  }
}

async function admitPodEviction(r: NodeRequest): Promise<void> {
  if (r.a.operation !== 'CREATE') throw forbidden(r.a, `unexpected operation ${r.a.operation}`);
  const fromBody = field(requireObject(r, r.a.object), 'metadata', 'name');
  const name = r.a.name || (typeof fromBody === 'string' ? fromBody : '');
  if (!name) throw forbidden(r.a, 'could not determine pod from request data');
  const pod = await existingPod(r, name);
  if (field(pod, 'spec', 'nodeName') !== r.node) throw forbidden(r.a, `node ${r.node} can only evict pods with spec.nodeName set to itself`);
}
