import { describe, expect, it } from 'vitest';
import { NodeAuthorizer, nodeIdentity, type NodeGraph } from '../../../src/auth/authorizer/index.js';
import type { Attributes, FieldRequirement } from '../../../src/auth/authorizer/index.js';
import type { KubeObject, Pod, UserInfo } from '../../../src/registry/types.js';
import { nonRes, res } from './fakes.js';

// Ported from plugin/pkg/auth/authorizer/node/node_authorizer_test.go (TestNodeAuthorizer,
// TestNodeAuthorizerSharedResources), Kubernetes 1.33, with every reason asserted.

const node0: UserInfo = { username: 'system:node:node0', groups: ['system:nodes', 'system:authenticated'] };
const nodeunregistered: UserInfo = { username: 'system:node:nodeunregistered', groups: ['system:nodes'] };

/**
 * `generate` with 2 nodes, 2 namespaces and 2 pods per node: pod<p>-<node> in ns<p>, each with a
 * unique config map, secret, claim (bound to a PV with an azureFile secret), resource claim and
 * templated claim, a shared secret, and service account svcacct<p>-<node>; one attachment and
 * one slice per node.
 */
function generate(): { pods: Pod[]; pvs: KubeObject[]; attachments: KubeObject[]; slices: KubeObject[] } {
  const pods: Pod[] = [];
  const pvs: KubeObject[] = [];
  const attachments: KubeObject[] = [];
  const slices: KubeObject[] = [];
  for (const node of ['node0', 'node1']) {
    attachments.push({ metadata: { name: `attachment0-${node}` }, spec: { nodeName: node, attacher: 'foo' } });
    slices.push({ metadata: { name: `slice0-${node}` }, spec: { nodeName: node } });
    for (const p of [0, 1]) {
      const name = `pod${p}-${node}`;
      const ns = `ns${p}`;
      pods.push({
        metadata: { name, namespace: ns },
        spec: {
          nodeName: node,
          serviceAccountName: `svcacct${p}-${node}`,
          containers: [{ name: 'c' }],
          volumes: [
            { name: 'cm', configMap: { name: `configmap0-${name}` } },
            { name: 's', secret: { secretName: `secret0-${name}` } },
            { name: 'shared', secret: { secretName: 'secret0-shared' } },
            { name: 'pvc', persistentVolumeClaim: { claimName: `pvc0-${name}` } },
          ],
          resourceClaims: [
            { name: 'claim', resourceClaimName: `claim0-${name}-${ns}` },
            { name: 'template', resourceClaimTemplateName: `claimtemplate0-${name}-${ns}` },
            { name: 'template-pending', resourceClaimTemplateName: `${name}-claimtemplate0` },
          ],
        },
        status: { resourceClaimStatuses: [{ name: 'template', resourceClaimName: `generated-claim-${name}-${ns}-0` }] },
      });
      const pv = `pv0-${name}-${ns}`;
      pvs.push({ metadata: { name: pv }, spec: { claimRef: { name: `pvc0-${name}`, namespace: ns }, azureFile: { shareName: 'share', secretName: `secret-${pv}` } } });
    }
  }
  return { pods, pvs, attachments, slices };
}

/** A graph over the generated objects that records what it was asked. */
class FakeGraph implements NodeGraph {
  calls: string[] = [];
  constructor(private readonly data = generate()) {}
  async podsOnNode(node: string): Promise<Pod[]> {
    this.calls.push(`pods ${node}`);
    return this.data.pods.filter((p) => p.spec.nodeName === node);
  }
  async persistentVolumes(): Promise<KubeObject[]> {
    this.calls.push('pvs');
    return this.data.pvs;
  }
  async volumeAttachments(): Promise<KubeObject[]> {
    this.calls.push('attachments');
    return this.data.attachments;
  }
  async resourceSlices(): Promise<KubeObject[]> {
    this.calls.push('slices');
    return this.data.slices;
  }
}

const fields = (s: string): FieldRequirement[] =>
  s.split(',').map((t) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(t)!;
    return { field: m[1]!, operator: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
const r = (verb: string, resource: string, more: Partial<Attributes> = {}, user = node0) => res(user, verb, resource, more);
const NO_REL = "no relationship found between node 'node0' and this object";
const RESOURCE = 'resource.k8s.io';
const STORAGE = 'storage.k8s.io';
const COORD = 'coordination.k8s.io';

type Case = [string, Attributes, 'Allow' | 'NoOpinion', string];
const allow = (name: string, a: Attributes): Case => [name, a, 'Allow', ''];
const deny = (name: string, a: Attributes, reason = ''): Case => [name, a, 'NoOpinion', reason];
const lease = (verb: string, name: string, namespace = 'kube-node-lease') => r(verb, 'leases', { apiGroup: COORD, name, namespace });
const csinode = (verb: string, name = '', subresource = '') => r(verb, 'csinodes', { apiGroup: STORAGE, name, subresource });
const slice = (verb: string, name = '', more: Partial<Attributes> = {}) => r(verb, 'resourceslices', { apiGroup: RESOURCE, name, ...more });

/** The Go table's cases with no feature set: the same answer with and without AuthorizeNodeWithSelectors. */
const EITHER: Case[] = [
  allow('a config map a pod on the node mounts may be read', r('get', 'configmaps', { name: 'configmap0-pod0-node0', namespace: 'ns0' })),
  allow('a secret a pod on the node mounts may be read', r('get', 'secrets', { name: 'secret0-pod0-node0', namespace: 'ns0' })),
  allow('that secret may be listed by name', r('list', 'secrets', { name: 'secret0-pod0-node0', namespace: 'ns0' })),
  allow('that secret may be watched by name', r('watch', 'secrets', { name: 'secret0-pod0-node0', namespace: 'ns0' })),
  deny('secrets may not be listed without a name', r('list', 'secrets', { namespace: 'ns0' }), 'No Object name found'),
  deny('secrets may not be watched without a name', r('watch', 'secrets', { namespace: 'ns0' }), 'No Object name found'),
  deny('secrets may not be listed across namespaces, even by name', r('list', 'secrets', { name: 'secret0-pod0-node0' }), 'can only read namespaced object of this type'),
  allow('a secret shared by pods of several nodes may be read', r('get', 'secrets', { name: 'secret0-shared', namespace: 'ns0' })),
  allow('the secret of a PV behind a claim of a pod on the node may be read', r('get', 'secrets', { name: 'secret-pv0-pod0-node0-ns0', namespace: 'ns0' })),
  allow('a claim a pod on the node uses may be read', r('get', 'persistentvolumeclaims', { name: 'pvc0-pod0-node0', namespace: 'ns0' })),
  allow('a resource claim a pod on the node names may be read', r('get', 'resourceclaims', { apiGroup: RESOURCE, name: 'claim0-pod0-node0-ns0', namespace: 'ns0' })),
  allow('a resource claim generated from a pod\'s template may be read', r('get', 'resourceclaims', { apiGroup: RESOURCE, name: 'generated-claim-pod0-node0-ns0-0', namespace: 'ns0' })),
  allow('a PV bound to a claim of a pod on the node may be read', r('get', 'persistentvolumes', { name: 'pv0-pod0-node0-ns0' })),
  deny('a config map of a pod on another node may not', r('get', 'configmaps', { name: 'configmap0-pod0-node1', namespace: 'ns0' }), NO_REL),
  deny('a secret of a pod on another node may not', r('get', 'secrets', { name: 'secret0-pod0-node1', namespace: 'ns0' }), NO_REL),
  deny('the PV secret of another node\'s claim may not', r('get', 'secrets', { name: 'secret-pv0-pod0-node1-ns0', namespace: 'ns0' }), NO_REL),
  deny('a claim of a pod on another node may not', r('get', 'persistentvolumeclaims', { name: 'pvc0-pod0-node1', namespace: 'ns0' }), NO_REL),
  deny('a resource claim of another node may not', r('get', 'resourceclaims', { apiGroup: RESOURCE, name: 'claim0-pod0-node1-ns0', namespace: 'ns0' }), NO_REL),
  deny('a template claim not yet generated may not', r('get', 'resourceclaims', { apiGroup: RESOURCE, name: 'pod0-node1-claimtemplate0', namespace: 'ns0' }), NO_REL),
  deny('a PV of another node\'s claim may not', r('get', 'persistentvolumes', { name: 'pv0-pod0-node1-ns0' }), NO_REL),
  allow('an attachment to the node may be read', r('get', 'volumeattachments', { apiGroup: STORAGE, name: 'attachment0-node0' })),
  deny('an attachment to another node may not', r('get', 'volumeattachments', { apiGroup: STORAGE, name: 'attachment0-node1' }), NO_REL),
  allow('a token for the service account of a pod on the node may be created', r('create', 'serviceaccounts', { subresource: 'token', name: 'svcacct0-node0', namespace: 'ns0' })),
  deny('a token for a service account no pod on the node uses may not', r('create', 'serviceaccounts', { subresource: 'token', name: 'svcacct0-node1', namespace: 'ns0' }), NO_REL),
  deny('a service account itself may not be created', r('create', 'serviceaccounts', { name: 'svcacct0-node0', namespace: 'ns0' }), 'can only create token subresource of serviceaccount'),
  deny('a token may not be updated', r('update', 'serviceaccounts', { subresource: 'token', name: 'svcacct0-node0', namespace: 'ns0' }), 'can only create tokens for individual service accounts'),
  ...(['get', 'create', 'update', 'patch', 'delete'] as const).map((v) => deny(`a lease outside kube-node-lease may not be ${v === 'get' ? 'read' : `${v}d`.replace('ed', 'ed')}`, lease(v, 'node0', 'foo'), 'can only access leases in the "kube-node-lease" system namespace')),
  ...(['get', 'update', 'patch', 'delete'] as const).map((v) => deny(`another node's lease may not be ${v === 'get' ? 'read' : v}`, lease(v, 'node1'), 'can only access node lease with the same name as the requesting node')),
  deny('node leases may not be listed', lease('list', ''), 'can only get, create, update, patch, or delete a node lease'),
  deny('node leases may not be watched', lease('watch', ''), 'can only get, create, update, patch, or delete a node lease'),
  ...(['get', 'create', 'update', 'patch', 'delete'] as const).map((v) => allow(`its own lease: ${v}`, lease(v, 'node0'))),
  allow('a lease of any name may be created (NodeRestriction checks the body)', lease('create', 'node1')),
  allow('a CSINode of any name may be created (NodeRestriction checks the body)', csinode('create', 'node1')),
  deny('a CSINode subresource is refused', csinode('get', 'node0', 'csiDrivers'), 'cannot authorize CSINode subresources'),
  ...(['get', 'update', 'patch', 'delete'] as const).map((v) => deny(`another node's CSINode: ${v}`, csinode(v, 'node1'), 'can only access CSINode with the same name as the requesting node')),
  deny('CSINodes may not be listed', csinode('list'), 'can only get, create, update, patch, or delete a CSINode'),
  deny('CSINodes may not be watched', csinode('watch'), 'can only get, create, update, patch, or delete a CSINode'),
  ...(['get', 'create', 'update', 'patch', 'delete'] as const).map((v) => allow(`its own CSINode: ${v}`, csinode(v, 'node0'))),
  deny('a ResourceSlice subresource is refused', slice('get', 'slice0-node0', { subresource: 'status' }), 'cannot authorize ResourceSlice subresources'),
  ...(['get', 'update', 'patch', 'delete'] as const).map((v) => deny(`another node's ResourceSlice: ${v}`, slice(v, 'slice0-node1'), NO_REL)),
  allow('ResourceSlices filtered to the node may be listed', slice('list', '', { fieldSelector: fields('nodeName==node0') })),
  allow('ResourceSlices filtered to the node may be watched', slice('watch', '', { fieldSelector: fields('nodeName=node0') })),
  allow('ResourceSlices filtered to the node may be deleted together', slice('deletecollection', '', { fieldSelector: fields('nodeName=node0') })),
  ...(['get', 'create', 'update', 'patch', 'delete'] as const).map((v) => allow(`its own ResourceSlice: ${v}`, slice(v, 'slice0-node0'))),
  allow('a ResourceSlice the node has no edge to yet may be created (NodeRestriction checks its nodeName)', slice('create', 'new-slice')),
  deny('ResourceSlices refuse other verbs', slice('escalate', 'slice0-node0'), 'only the following verbs are allowed for a ResourceSlice: get, watch, list, create, update, patch, delete, deletecollection'),
  allow('a pod on the node may be read', r('get', 'pods', { name: 'pod0-node0', namespace: 'ns0' })),
  allow('the node\'s pods may be listed with its field selector', r('list', 'pods', { fieldSelector: fields('spec.nodeName=node0') })),
  allow('the == form of the selector is the same', r('list', 'pods', { fieldSelector: fields('spec.nodeName==node0') })),
  allow('a selector with further terms is still scoped to the node', r('list', 'pods', { fieldSelector: fields('metadata.namespace=ns0,spec.nodeName=node0') })),
  allow('a related pod may be listed by name', r('list', 'pods', { name: 'pod0-node0', namespace: 'ns0' })),
  allow('the node\'s pods may be watched with its field selector', r('watch', 'pods', { fieldSelector: fields('spec.nodeName=node0') })),
  allow('a related pod may be watched by name', r('watch', 'pods', { name: 'pod0-node0', namespace: 'ns0' })),
  allow('a pod may be created (NodeRestriction allows mirror pods only)', r('create', 'pods', { namespace: 'ns0' })),
  deny('a pod proxy may not be created', r('create', 'pods', { subresource: 'proxy', namespace: 'ns0' })),
  allow('a related pod may be deleted', r('delete', 'pods', { name: 'pod0-node0', namespace: 'ns0' })),
  allow('an unrelated pod may be deleted, as far as authorization goes (NodeRestriction refuses)', r('delete', 'pods', { name: 'pod0-node1', namespace: 'ns0' })),
  deny('a pod proxy may not be deleted', r('delete', 'pods', { name: 'pod0-node0', subresource: 'proxy', namespace: 'ns0' })),
  allow('a related pod\'s status may be updated', r('update', 'pods', { subresource: 'status', name: 'pod0-node0', namespace: 'ns0' })),
  allow('an unrelated pod\'s status may be updated here (NodeRestriction refuses)', r('update', 'pods', { subresource: 'status', name: 'pod0-node1', namespace: 'ns0' })),
  allow('a related pod\'s status may be patched', r('patch', 'pods', { subresource: 'status', name: 'pod0-node0', namespace: 'ns0' })),
  allow('an unrelated pod\'s status may be patched here (NodeRestriction refuses)', r('patch', 'pods', { subresource: 'status', name: 'pod0-node1', namespace: 'ns0' })),
  deny('pod status may not be read', r('get', 'pods', { subresource: 'status', name: 'pod0-node0', namespace: 'ns0' })),
  allow('a related pod may be evicted', r('create', 'pods', { subresource: 'eviction', name: 'pod0-node0', namespace: 'ns0' })),
  allow('an unrelated pod may be evicted here (NodeRestriction refuses)', r('create', 'pods', { subresource: 'eviction', name: 'pod0-node1', namespace: 'ns0' })),
  allow('an unregistered node may read its own Node', r('get', 'nodes', { name: 'nodeunregistered' }, nodeunregistered)),
  allow('a node may read its own Node', r('get', 'nodes', { name: 'node0' })),
  allow('a node may list its own Node by name', r('list', 'nodes', { name: 'node0' })),
  allow('a node may watch its own Node by name', r('watch', 'nodes', { name: 'node0' })),
  allow('a Node may be created', r('create', 'nodes')),
  allow('its own Node may be updated', r('update', 'nodes', { name: 'node0' })),
  allow('another Node may be updated here (NodeRestriction refuses)', r('update', 'nodes', { name: 'node1' })),
  allow('its own Node may be patched', r('patch', 'nodes', { name: 'node0' })),
  allow('another Node may be patched here (NodeRestriction refuses)', r('patch', 'nodes', { name: 'node1' })),
  allow('its own Node status may be updated', r('update', 'nodes', { subresource: 'status', name: 'node0' })),
  allow('another Node\'s status may be updated here (NodeRestriction refuses)', r('update', 'nodes', { subresource: 'status', name: 'node1' })),
  allow('its own Node status may be patched', r('patch', 'nodes', { subresource: 'status', name: 'node0' })),
  allow('another Node\'s status may be patched here (NodeRestriction refuses)', r('patch', 'nodes', { subresource: 'status', name: 'node1' })),
];

/** With AuthorizeNodeWithSelectors (on by default since 1.32). */
const SELECTORS_ON: Case[] = [
  deny('an unfiltered ResourceSlice list is refused', slice('list'), 'can only list/watch/deletecollection resourceslices with nodeName field selector'),
  deny('an unfiltered ResourceSlice watch is refused', slice('watch'), 'can only list/watch/deletecollection resourceslices with nodeName field selector'),
  deny('a ResourceSlice list filtered to another node is refused', slice('list', '', { fieldSelector: fields('nodeName=node1') }), 'can only list/watch/deletecollection resourceslices with nodeName field selector'),
  deny('a ResourceSlice list excluding the node is refused', slice('list', '', { fieldSelector: fields('nodeName!=node0') }), 'can only list/watch/deletecollection resourceslices with nodeName field selector'),
  deny('a pod on another node may not be read', r('get', 'pods', { name: 'pod0-node1', namespace: 'ns0' }), NO_REL),
  deny('pods may not be listed without the node\'s field selector', r('list', 'pods'), 'can only list/watch pods with spec.nodeName field selector'),
  deny('pods may not be watched without it', r('watch', 'pods'), 'can only list/watch pods with spec.nodeName field selector'),
  deny('pods may not be listed for another node', r('list', 'pods', { fieldSelector: fields('spec.nodeName=node1') }), 'can only list/watch pods with spec.nodeName field selector'),
  deny('pods may not be listed with a selector that excludes the node', r('list', 'pods', { fieldSelector: fields('spec.nodeName!=node0') }), 'can only list/watch pods with spec.nodeName field selector'),
  deny('pods may not be listed by another field equal to the node name', r('list', 'pods', { fieldSelector: fields('metadata.name=node0') }), 'can only list/watch pods with spec.nodeName field selector'),
  deny('a pod on another node may not be listed by name', r('list', 'pods', { name: 'pod0-node1', namespace: 'ns0' }), NO_REL),
  deny('pods may not be updated', r('update', 'pods', { name: 'pod0-node0', namespace: 'ns0' })),
  deny('pods may not be patched', r('patch', 'pods', { name: 'pod0-node0', namespace: 'ns0' })),
  deny('pod evictions may not be read', r('get', 'pods', { subresource: 'eviction', name: 'pod0-node0', namespace: 'ns0' })),
  deny('pod status may not be deleted', r('delete', 'pods', { subresource: 'status', name: 'pod0-node0', namespace: 'ns0' })),
  deny('pod logs may not be read', r('get', 'pods', { subresource: 'log', name: 'pod0-node0', namespace: 'ns0' })),
  deny('another Node may not be read', r('get', 'nodes', { name: 'node1' }), "node 'node0' cannot read 'node1', only its own Node object"),
  deny('another Node may not be listed by name', r('list', 'nodes', { name: 'node1' }), "node 'node0' cannot read 'node1', only its own Node object"),
  deny('another Node may not be watched by name', r('watch', 'nodes', { name: 'node1' }), "node 'node0' cannot read 'node1', only its own Node object"),
  deny('all Nodes may not be listed', r('list', 'nodes'), "node 'node0' cannot read all nodes, only its own Node object"),
  deny('all Nodes may not be watched', r('watch', 'nodes'), "node 'node0' cannot read all nodes, only its own Node object"),
  deny('a Node may not be deleted', r('delete', 'nodes', { name: 'node0' })),
  deny('Node status may not be read', r('get', 'nodes', { subresource: 'status', name: 'node0' })),
  deny('a Node proxy may not be reached', r('get', 'nodes', { subresource: 'proxy', name: 'node0' })),
  deny('a Node proxy may not be updated', r('update', 'nodes', { subresource: 'proxy', name: 'node0' })),
];

/** Without AuthorizeNodeWithSelectors: the static system:node rules for pods and nodes. */
const SELECTORS_OFF: Case[] = [
  allow('an unfiltered ResourceSlice list is allowed (NodeRestriction checks deletions)', slice('list')),
  allow('an unfiltered ResourceSlice watch is allowed', slice('watch')),
  allow('a pod on another node may be read', r('get', 'pods', { name: 'pod0-node1', namespace: 'ns0' })),
  allow('all pods may be listed', r('list', 'pods')),
  allow('all pods may be watched', r('watch', 'pods')),
  deny('pods still may not be updated', r('update', 'pods', { name: 'pod0-node0', namespace: 'ns0' })),
  allow('another Node may be read', r('get', 'nodes', { name: 'node1' })),
  allow('another Node may be listed by name', r('list', 'nodes', { name: 'node1' })),
  allow('all Nodes may be listed', r('list', 'nodes')),
  allow('all Nodes may be watched', r('watch', 'nodes')),
  deny('a Node still may not be deleted', r('delete', 'nodes', { name: 'node0' })),
];

describe.each<[string, boolean, Case[]]>([
  ['with AuthorizeNodeWithSelectors', true, [...EITHER, ...SELECTORS_ON]],
  ['without AuthorizeNodeWithSelectors', false, [...EITHER, ...SELECTORS_OFF]],
])('NodeAuthorizer %s (node_authorizer_test.go TestNodeAuthorizer)', (_variant, selectors, cases) => {
  it.each(cases)('%s', async (_name, attrs, decision, reason) => {
    expect(await new NodeAuthorizer(new FakeGraph(), { authorizeNodeWithSelectors: selectors }).authorize(attrs)).toEqual({ decision, reason });
  });
});

describe('NodeAuthorizer refusals and edges', () => {
  it.each<Case>([
    deny('secrets may not be written', r('update', 'secrets', { name: 'secret0-pod0-node0', namespace: 'ns0' }), 'can only read resources of this type'),
    deny('secrets may not be created', r('create', 'secrets', { namespace: 'ns0' }), 'can only read resources of this type'),
    deny('a secret subresource may not be read', r('get', 'secrets', { name: 'secret0-pod0-node0', namespace: 'ns0', subresource: 'x' }), 'cannot read subresource'),
    deny('config maps may not be deleted', r('delete', 'configmaps', { name: 'configmap0-pod0-node0', namespace: 'ns0' }), 'can only read resources of this type'),
    deny('a config map its pods do not use may not be read', r('get', 'configmaps', { name: 'kube-root-ca.crt', namespace: 'ns0' }), NO_REL),
    deny('a config map in another namespace than its pod\'s may not', r('get', 'configmaps', { name: 'configmap0-pod0-node0', namespace: 'ns1' }), NO_REL),
    deny('claims may not be listed', r('list', 'persistentvolumeclaims', { namespace: 'ns0' }), 'can only get individual resources of this type'),
    deny('a claim subresource other than status may not be read', r('get', 'persistentvolumeclaims', { name: 'pvc0-pod0-node0', namespace: 'ns0', subresource: 'x' }), 'cannot get subresource'),
    allow('a related claim\'s status may be updated', r('update', 'persistentvolumeclaims', { name: 'pvc0-pod0-node0', namespace: 'ns0', subresource: 'status' })),
    allow('a related claim\'s status may be patched', r('patch', 'persistentvolumeclaims', { name: 'pvc0-pod0-node0', namespace: 'ns0', subresource: 'status' })),
    deny('an unrelated claim\'s status may not be patched', r('patch', 'persistentvolumeclaims', { name: 'pvc0-pod0-node1', namespace: 'ns0', subresource: 'status' }), NO_REL),
    deny('claim status may not be read', r('get', 'persistentvolumeclaims', { name: 'pvc0-pod0-node0', namespace: 'ns0', subresource: 'status' }), 'can only get/update/patch this type'),
    deny('claim status needs a name', r('update', 'persistentvolumeclaims', { namespace: 'ns0', subresource: 'status' }), 'No Object name found'),
    deny('PVs may not be listed', r('list', 'persistentvolumes'), 'can only get individual resources of this type'),
    deny('attachments may not be watched', r('watch', 'volumeattachments', { apiGroup: STORAGE }), 'can only get individual resources of this type'),
    deny('resource claims may not be updated', r('update', 'resourceclaims', { apiGroup: RESOURCE, name: 'claim0-pod0-node0-ns0', namespace: 'ns0' }), 'can only get individual resources of this type'),
    deny('service accounts may not be read without KubeletServiceAccountTokenForCredentialProviders', r('get', 'serviceaccounts', { name: 'svcacct0-node0', namespace: 'ns0' }), 'not allowed to get service accounts'),
    deny('service accounts may not be listed', r('list', 'serviceaccounts', { namespace: 'ns0' }), 'can only create tokens for individual service accounts'),
    deny('a token needs a service account name', r('create', 'serviceaccounts', { subresource: 'token', namespace: 'ns0' }), 'can only create tokens for individual service accounts'),
    deny('a token for the right name in another namespace may not', r('create', 'serviceaccounts', { subresource: 'token', name: 'svcacct0-node0', namespace: 'ns1' }), NO_REL),
    deny('a service account subresource other than token is refused', r('get', 'serviceaccounts', { subresource: 'x', name: 'svcacct0-node0', namespace: 'ns0' }), 'can only create tokens for individual service accounts'),
    deny('a CSINode may not be read by another verb', csinode('deletecollection'), 'can only get, create, update, patch, or delete a CSINode'),
    deny('a ResourceSlice needs a name', slice('get'), 'No Object name found'),
    allow('events fall to the static node rules', r('create', 'events', { namespace: 'ns0' })),
    allow('events.k8s.io events too', r('patch', 'events', { apiGroup: 'events.k8s.io', namespace: 'ns0', name: 'e' })),
    deny('events may not be deleted', r('delete', 'events', { namespace: 'ns0', name: 'e' })),
    allow('services may be listed by the static rules', r('list', 'services')),
    deny('deployments are not in the node rules', r('get', 'deployments', { apiGroup: 'apps', name: 'x', namespace: 'ns0' })),
    deny('secrets of another group are not secrets', r('get', 'secrets', { apiGroup: 'example.com', name: 'secret0-pod0-node0', namespace: 'ns0' })),
    deny('paths are not in the node rules', nonRes(node0, 'get', '/healthz')),
    deny('a non-resource request is never subdivided, whatever its attributes say', { ...nonRes(node0, 'get', '/x'), resource: 'secrets', namespace: 'ns0', name: 'secret0-pod0-node0' }),
    deny('AuthorizeNodeWithSelectors is on by default', r('list', 'pods'), 'can only list/watch pods with spec.nodeName field selector'),
    deny('other users get no opinion', r('get', 'secrets', { name: 'secret0-pod0-node0', namespace: 'ns0' }, { username: 'alice' })),
    deny('a node user outside system:nodes gets no opinion', r('get', 'nodes', { name: 'node0' }, { username: 'system:node:node0', groups: ['system:authenticated'] })),
    deny('an unnamed node is refused with a reason', r('get', 'pods', {}, { username: 'system:node:', groups: ['system:nodes'] }), 'unknown node for user "system:node:"'),
  ])('%s', async (_name, attrs, decision, reason) => {
    expect(await new NodeAuthorizer(new FakeGraph()).authorize(attrs)).toEqual({ decision, reason });
  });

  it.each<Case>([
    allow('a service account of a pod on the node may be read', r('get', 'serviceaccounts', { name: 'svcacct0-node0', namespace: 'ns0' })),
    deny('it still may not be watched (only get is read)', r('watch', 'serviceaccounts', { name: 'svcacct0-node0', namespace: 'ns0' }), 'can only create tokens for individual service accounts'),
    deny('another one may not', r('get', 'serviceaccounts', { name: 'svcacct0-node1', namespace: 'ns0' }), NO_REL),
    deny('service accounts may not be read across namespaces', r('get', 'serviceaccounts', { name: 'svcacct0-node0' }), 'can only read namespaced object of this type'),
    deny('a service account read needs a name', r('get', 'serviceaccounts', { namespace: 'ns0' }), 'No Object name found'),
  ])('with KubeletServiceAccountTokenForCredentialProviders: %s', async (_name, attrs, decision, reason) => {
    expect(await new NodeAuthorizer(new FakeGraph(), { serviceAccountGet: true }).authorize(attrs)).toEqual({ decision, reason });
  });

  it('consults the graph only for the objects it subdivides, and only the parts it needs', async () => {
    const graph = new FakeGraph();
    const node = new NodeAuthorizer(graph);
    await node.authorize(r('list', 'services'));
    await node.authorize(r('get', 'secrets', { name: 'secret0-pod0-node0', namespace: 'ns0' }));
    await node.authorize(r('get', 'configmaps', { name: 'nope', namespace: 'ns0' }));
    await node.authorize(r('get', 'secrets', { name: 'nope', namespace: 'ns0' }));
    await node.authorize(r('get', 'volumeattachments', { apiGroup: STORAGE, name: 'attachment0-node0' }));
    await node.authorize(r('get', 'resourceslices', { apiGroup: RESOURCE, name: 'slice0-node0' }));
    await node.authorize(r('get', 'nodes', { name: 'node0' }));
    expect(graph.calls).toEqual(['pods node0', 'pods node0', 'pods node0', 'pvs', 'attachments', 'slices']);
  });

  it('finds nothing the graph does not serve', async () => {
    const node = new NodeAuthorizer({ podsOnNode: async () => generate().pods.filter((p) => p.spec.nodeName === 'node0') });
    for (const a of [r('get', 'persistentvolumes', { name: 'pv0-pod0-node0-ns0' }), r('get', 'secrets', { name: 'secret-pv0-pod0-node0-ns0', namespace: 'ns0' }), r('get', 'volumeattachments', { apiGroup: STORAGE, name: 'attachment0-node0' }), slice('get', 'slice0-node0')]) {
      expect(await node.authorize(a)).toEqual({ decision: 'NoOpinion', reason: NO_REL });
    }
  });

  it('relates a mirror pod to its node, and nothing to the mirror pod', async () => {
    const mirror: Pod = { metadata: { name: 'static-web', namespace: 'ns0', annotations: { 'kubernetes.io/config.mirror': 'x' } }, spec: { nodeName: 'node0', serviceAccountName: 'admin', containers: [{ name: 'c' }], volumes: [{ name: 's', secret: { secretName: 'admin-token' } }] } };
    const node = new NodeAuthorizer({ podsOnNode: async () => [mirror] });
    expect((await node.authorize(r('get', 'pods', { name: 'static-web', namespace: 'ns0' }))).decision).toBe('Allow');
    expect(await node.authorize(r('get', 'secrets', { name: 'admin-token', namespace: 'ns0' }))).toEqual({ decision: 'NoOpinion', reason: NO_REL });
    expect(await node.authorize(r('create', 'serviceaccounts', { subresource: 'token', name: 'admin', namespace: 'ns0' }))).toEqual({ decision: 'NoOpinion', reason: NO_REL });
  });

  it('ignores a pod the graph returns for the node that is bound elsewhere', async () => {
    const stray: Pod = { metadata: { name: 'p', namespace: 'ns0' }, spec: { nodeName: 'node1', containers: [{ name: 'c' }], volumes: [{ name: 's', secret: { secretName: 'x' } }] } };
    const node = new NodeAuthorizer({ podsOnNode: async () => [stray] });
    expect(await node.authorize(r('get', 'secrets', { name: 'x', namespace: 'ns0' }))).toEqual({ decision: 'NoOpinion', reason: NO_REL });
  });

  it('uses the rules it is given for everything not subdivided', async () => {
    const node = new NodeAuthorizer(new FakeGraph(), { rules: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] }] });
    expect((await node.authorize(r('get', 'deployments', { apiGroup: 'apps', name: 'x', namespace: 'ns0' }))).decision).toBe('Allow');
    expect((await node.authorize(r('list', 'services'))).decision).toBe('NoOpinion');
  });

  it('says node rules cannot be enumerated', async () => {
    const node = new NodeAuthorizer(new FakeGraph());
    expect(await node.rulesFor(node0)).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' });
    expect(await node.rulesFor({ username: 'alice' })).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: false });
  });
});

describe('NodeAuthorizer with shared secrets (TestNodeAuthorizerSharedResources)', () => {
  const pod = (name: string, node: string, secrets: string[]): Pod => ({ metadata: { name, namespace: 'ns1' }, spec: { nodeName: node, containers: [{ name: 'c' }], volumes: secrets.map((s) => ({ name: s, secret: { secretName: s } })) } });
  const pods = [pod('pod1-node1', 'node1', ['node1-only', 'node1-node2-only', 'shared-all']), pod('pod2-node2', 'node2', ['node1-node2-only', 'shared-all']), pod('pod3-node3', 'node3', ['shared-all'])];
  const graph: NodeGraph = { podsOnNode: async (n) => pods.filter((p) => p.spec.nodeName === n) };
  const user = (n: string): UserInfo => ({ username: `system:node:${n}`, groups: ['system:nodes'] });

  it.each<[string, string, 'Allow' | 'NoOpinion']>([
    ['node1', 'node1-only', 'Allow'],
    ['node1', 'node1-node2-only', 'Allow'],
    ['node1', 'shared-all', 'Allow'],
    ['node2', 'node1-only', 'NoOpinion'],
    ['node2', 'node1-node2-only', 'Allow'],
    ['node2', 'shared-all', 'Allow'],
    ['node3', 'node1-only', 'NoOpinion'],
    ['node3', 'node1-node2-only', 'NoOpinion'],
    ['node3', 'shared-all', 'Allow'],
  ])('%s reading secret %s: %s', async (n, secret, decision) => {
    expect((await new NodeAuthorizer(graph).authorize(res(user(n), 'get', 'secrets', { namespace: 'ns1', name: secret }))).decision).toBe(decision);
  });

  it('forgets a secret once the pod stops mounting it', async () => {
    const node = new NodeAuthorizer(graph);
    const get = res(user('node3'), 'get', 'secrets', { namespace: 'ns1', name: 'shared-all' });
    expect((await node.authorize(get)).decision).toBe('Allow');
    pods[2]!.spec.volumes = [];
    expect((await node.authorize(get)).decision).toBe('NoOpinion');
  });
});

describe('nodeIdentity', () => {
  it.each<[string, UserInfo | undefined, string | undefined]>([
    ['a node user in system:nodes is the node', node0, 'node0'],
    ['a node user outside system:nodes is not a node', { username: 'system:node:n1', groups: [] }, undefined],
    ['a node user without groups is not a node', { username: 'system:node:n1' }, undefined],
    ['another user in system:nodes is not a node', { username: 'alice', groups: ['system:nodes'] }, undefined],
    ['a user without a name is not a node', { groups: ['system:nodes'] }, undefined],
    ['no user is not a node', undefined, undefined],
    ['a node user without a name is an unknown node', { username: 'system:node:', groups: ['system:nodes'] }, ''],
    ['the prefix must open the name', { username: 'x-system:node:n1', groups: ['system:nodes'] }, undefined],
  ])('%s', (_name, user, node) => {
    expect(nodeIdentity(user)).toBe(node);
  });
});
