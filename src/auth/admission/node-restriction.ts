/**
 * The NodeRestriction admission plugin (plugin/pkg/admission/noderestriction/admission.go,
 * Kubernetes 1.33 with its security fixes up to 1.33.4): what a kubelet (`system:node:<name>`
 * in `system:nodes`) may write once the Node authorizer let the request through.
 * - pods: create only its own mirror pods, delete only pods bound to it, update their status,
 *   evict them (node-restriction-pods.ts, node-restriction-mirror-pod.ts);
 * - nodes: only its own, without taints, owner references, config source or restricted labels
 *   (node-restriction-node.ts, node-restriction-labels.ts);
 * - persistentvolumeclaims: only the status fields a kubelet writes (node-restriction-pvc.ts);
 * - serviceaccounts/token: bound to a pod on the node, for an audience it uses
 *   (node-restriction-token.ts, node-restriction-audience.ts);
 * - its own lease in kube-node-lease, its own CSINode, its node's resource slices
 *   (node-restriction-owned.ts) and kubelet CSRs for itself (node-restriction-csr.ts).
 * Everything else (events included: Kubernetes leaves them to the static system:node rules)
 * passes. It runs in the mutating phase, after ServiceAccount, as in kube-apiserver's order; a
 * token request reaches it as CREATE of `serviceaccounts` subresource `token`, the TokenRequest
 * as sent (audiences not yet defaulted) as the object.
 */
import type { AdmissionAttributes, AdmissionPlugin } from '../../registry/admission.js';
import { nodeIdentity } from '../authorizer/node-identity.js';
import { admitCertificateSigningRequest } from './node-restriction-csr.js';
import { admitNode } from './node-restriction-node.js';
import { admitCSINode, admitLease, admitResourceSlice } from './node-restriction-owned.js';
import { admitPodRequest } from './node-restriction-pods.js';
import { admitPersistentVolumeClaim } from './node-restriction-pvc.js';
import { forbidden, q, type NodeRequest, type NodeRestrictionDeps, type NodeRestrictionGates } from './node-restriction-request.js';
import { admitServiceAccount } from './node-restriction-token.js';

export type { NodeRestrictionDeps, NodeRestrictionGates } from './node-restriction-request.js';

/** The checks by `group/resource`; resources not listed are not restricted. */
const CHECKS: Readonly<Record<string, (r: NodeRequest) => Promise<void> | void>> = {
  '/pods': admitPodRequest,
  '/nodes': admitNode,
  '/persistentvolumeclaims': admitPersistentVolumeClaim,
  '/serviceaccounts': admitServiceAccount,
  'coordination.k8s.io/leases': admitLease,
  'storage.k8s.io/csinodes': admitCSINode,
  'resource.k8s.io/resourceslices': admitResourceSlice,
  'certificates.k8s.io/certificatesigningrequests': admitCertificateSigningRequest,
};

/**
 * The plugin, named `NodeRestriction`, over read-only lookups.
 * @example
 * admission.install([serviceAccountAdmission(objects), nodeRestriction({ ...registryNodeRestrictionDeps(objects), authorizer })]);
 */
export function nodeRestriction(deps: NodeRestrictionDeps, gates: NodeRestrictionGates = {}): AdmissionPlugin {
  const resolved: Required<NodeRestrictionGates> = {
    serviceAccountNodeAudienceRestriction: gates.serviceAccountNodeAudienceRestriction ?? true,
    recoverVolumeExpansionFailure: gates.recoverVolumeExpansionFailure ?? true,
    allowInsecureKubeletCertificateSigningRequests: gates.allowInsecureKubeletCertificateSigningRequests ?? false,
  };
  return {
    name: 'NodeRestriction',
    async admit(a: AdmissionAttributes): Promise<void> {
      const node = nodeIdentity(a.user);
      if (node === undefined) return;
      // a node without a name is a user named exactly `system:node:`
      if (node === '') throw forbidden(a, `could not determine node from user ${q(a.user!.username!)}`);
      const check = CHECKS[`${a.resource.group}/${a.resource.resource}`];
      if (check) await check({ a, node, deps, gates: resolved });
    },
  };
}
