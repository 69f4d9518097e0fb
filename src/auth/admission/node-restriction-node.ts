/**
 * NodeRestriction's `admitNode` (plugin/pkg/admission/noderestriction/admission.go, 1.33.4):
 * a node writes only its own Node object, and
 * - creates it without `spec.configSource` and without forbidden labels;
 * - updates it (and its status) without a new non-nil `spec.configSource`, without touching
 *   its taints or owner references (CVE-2025-5187) or forbidden labels.
 */
import { field } from '../authorizer/node-graph.js';
import type { KubeObject } from '../../registry/types.js';
import { forbiddenLabels, modifiedLabels } from './node-restriction-labels.js';
import { forbidden, q, requireObject, type NodeRequest } from './node-restriction-request.js';
import { semanticEqual } from '../../registry/semantic-equal.js';

const spec = (o: KubeObject, key: string): unknown => field(o, 'spec', key);
const labels = (o: KubeObject): unknown => field(o, 'metadata', 'labels');

export function admitNode(r: NodeRequest): void {
  const node = q(r.node);
  if (r.a.name !== r.node) throw forbidden(r.a, `node ${node} is not allowed to modify node ${q(r.a.name)}`);
  if (r.a.operation === 'CREATE') {
    const created = requireObject(r, r.a.object);
    if (spec(created, 'configSource') != null) throw forbidden(r.a, `node ${node} is not allowed to create pods with a non-nil configSource`);
    const bad = forbiddenLabels(modifiedLabels(labels(created), undefined));
    if (bad.length) throw forbidden(r.a, `node ${node} is not allowed to set the following labels: ${bad.join(', ')}`);
  }
  if (r.a.operation === 'UPDATE') {
    const updated = requireObject(r, r.a.object);
    const old = requireObject(r, r.a.oldObject);
    const source = spec(updated, 'configSource');
    if (source != null && !semanticEqual(source, spec(old, 'configSource'))) {
      throw forbidden(r.a, `node ${node} is not allowed to update configSource to a new non-nil configSource`);
    }
    if (!semanticEqual(spec(updated, 'taints'), spec(old, 'taints'))) throw forbidden(r.a, `node ${node} is not allowed to modify taints`);
    if (!semanticEqual(field(updated, 'metadata', 'ownerReferences'), field(old, 'metadata', 'ownerReferences'))) throw forbidden(r.a, `node ${node} is not allowed to modify ownerReferences`);
    const bad = forbiddenLabels(modifiedLabels(labels(updated), labels(old)));
    if (bad.length) throw forbidden(r.a, `is not allowed to modify labels: ${bad.join(', ')}`);
  }
}
