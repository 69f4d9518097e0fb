import { describe, expect, it } from 'vitest';
import { NodeAuthorizer, nodeIdentity, type NodeGraph } from '../../../src/auth/authorizer/index.js';
import type { Attributes } from '../../../src/auth/authorizer/index.js';
import type { Pod, UserInfo } from '../../../src/registry/types.js';
import { nonRes, res } from './fakes.js';

const n1: UserInfo = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

const pods: Pod[] = [
  {
    metadata: { name: 'web-0', namespace: 'a' },
    spec: {
      nodeName: 'n1',
      serviceAccountName: 'web',
      containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'web-config' } }] }],
      volumes: [{ name: 's', secret: { secretName: 'web-tls' } }, { name: 'd', persistentVolumeClaim: { claimName: 'web-data' } }],
    },
  },
  { metadata: { name: 'db-0', namespace: 'a' }, spec: { nodeName: 'n2', serviceAccountName: 'db', containers: [{ name: 'c' }], volumes: [{ name: 's', secret: { secretName: 'db-pass' } }] } },
];

/** A graph over the pod list that counts its calls. */
class FakeGraph implements NodeGraph {
  calls: string[] = [];
  async podsOnNode(node: string): Promise<Pod[]> {
    this.calls.push(node);
    return pods.filter((p) => p.spec.nodeName === node);
  }
}

const ns = (more: Partial<Attributes>) => ({ namespace: 'a', ...more });
const NO_REL = "no relationship found between node 'n1' and this object";

describe('nodeIdentity', () => {
  it.each<[string, UserInfo, string | undefined]>([
    ['a node user in system:nodes is the node', n1, 'n1'],
    ['a node user outside system:nodes is not a node', { username: 'system:node:n1', groups: [] }, undefined],
    ['another user is not a node', { username: 'alice', groups: ['system:nodes'] }, undefined],
    ['a node user without a name is an unknown node', { username: 'system:node:', groups: ['system:nodes'] }, ''],
  ])('%s', (_name, user, node) => {
    expect(nodeIdentity(user)).toBe(node);
  });
});

describe('NodeAuthorizer', () => {
  it.each<[string, Attributes, 'Allow' | 'NoOpinion', string]>([
    ['a secret a pod on the node mounts may be read', res(n1, 'get', 'secrets', ns({ name: 'web-tls' })), 'Allow', ''],
    ['a secret of a pod on another node may not', res(n1, 'get', 'secrets', ns({ name: 'db-pass' })), 'NoOpinion', NO_REL],
    ['a secret in another namespace may not', res(n1, 'get', 'secrets', { namespace: 'b', name: 'web-tls' }), 'NoOpinion', NO_REL],
    ['secrets may not be listed without a name', res(n1, 'list', 'secrets', ns({})), 'NoOpinion', 'No Object name found'],
    ['secrets may not be written', res(n1, 'update', 'secrets', ns({ name: 'web-tls' })), 'NoOpinion', 'can only read resources of this type'],
    ['secrets are only namespaced', res(n1, 'get', 'secrets', { name: 'web-tls' }), 'NoOpinion', 'can only read namespaced object of this type'],
    ['a config map from envFrom may be watched by name', res(n1, 'watch', 'configmaps', ns({ name: 'web-config' })), 'Allow', ''],
    ['a claim a pod uses may be read', res(n1, 'get', 'persistentvolumeclaims', ns({ name: 'web-data' })), 'Allow', ''],
    ['claims may not be listed', res(n1, 'list', 'persistentvolumeclaims', ns({})), 'NoOpinion', 'can only get individual resources of this type'],
    ['claim status may be patched', res(n1, 'patch', 'persistentvolumeclaims', ns({ name: 'web-data', subresource: 'status' })), 'Allow', ''],
    ['claim status may not be read', res(n1, 'get', 'persistentvolumeclaims', ns({ name: 'web-data', subresource: 'status' })), 'NoOpinion', 'can only get/update/patch this type'],
    ['a pod on the node may be read', res(n1, 'get', 'pods', ns({ name: 'web-0' })), 'Allow', ''],
    ['a pod on another node may not', res(n1, 'get', 'pods', ns({ name: 'db-0' })), 'NoOpinion', NO_REL],
    ['pods may be listed with the node\'s field selector', res(n1, 'list', 'pods', { fieldSelector: [{ field: 'spec.nodeName', operator: '=', value: 'n1' }] }), 'Allow', ''],
    ['pods may not be listed for another node', res(n1, 'list', 'pods', { fieldSelector: [{ field: 'spec.nodeName', operator: '=', value: 'n2' }] }), 'NoOpinion', 'can only list/watch pods with spec.nodeName field selector'],
    ['mirror pods may be created', res(n1, 'create', 'pods', ns({})), 'Allow', ''],
    ['pod status may be updated', res(n1, 'update', 'pods', ns({ name: 'web-0', subresource: 'status' })), 'Allow', ''],
    ['pods may not be exec\'d into', res(n1, 'create', 'pods', ns({ name: 'web-0', subresource: 'exec' })), 'NoOpinion', ''],
    ['a token for a service account of a pod on the node may be created', res(n1, 'create', 'serviceaccounts', ns({ name: 'web', subresource: 'token' })), 'Allow', ''],
    ['a token for another service account may not', res(n1, 'create', 'serviceaccounts', ns({ name: 'db', subresource: 'token' })), 'NoOpinion', NO_REL],
    ['service accounts may not be created', res(n1, 'create', 'serviceaccounts', ns({ name: 'web' })), 'NoOpinion', 'can only create token subresource of serviceaccount'],
    ['tokens need a service account name', res(n1, 'create', 'serviceaccounts', ns({ subresource: 'token' })), 'NoOpinion', 'can only create tokens for individual service accounts'],
    ['a service account of a pod on the node may be read', res(n1, 'get', 'serviceaccounts', ns({ name: 'web' })), 'Allow', ''],
    ['its own Node may be read', res(n1, 'get', 'nodes', { name: 'n1' }), 'Allow', ''],
    ['another Node may not', res(n1, 'get', 'nodes', { name: 'n2' }), 'NoOpinion', "node 'n1' cannot read 'n2', only its own Node object"],
    ['all nodes may not be listed', res(n1, 'list', 'nodes'), 'NoOpinion', "node 'n1' cannot read all nodes, only its own Node object"],
    ['a Node may be created', res(n1, 'create', 'nodes'), 'Allow', ''],
    ['node status may be patched', res(n1, 'patch', 'nodes', { name: 'n1', subresource: 'status' }), 'Allow', ''],
    ['its own lease may be updated', res(n1, 'update', 'leases', { namespace: 'kube-node-lease', apiGroup: 'coordination.k8s.io', name: 'n1' }), 'Allow', ''],
    ['another node\'s lease may not', res(n1, 'update', 'leases', { namespace: 'kube-node-lease', apiGroup: 'coordination.k8s.io', name: 'n2' }), 'NoOpinion', 'can only access node lease with the same name as the requesting node'],
    ['leases elsewhere may not', res(n1, 'get', 'leases', { namespace: 'default', apiGroup: 'coordination.k8s.io', name: 'n1' }), 'NoOpinion', 'can only access leases in the "kube-node-lease" system namespace'],
    ['persistent volumes are never related', res(n1, 'get', 'persistentvolumes', { name: 'pv1' }), 'NoOpinion', NO_REL],
    ['services fall to the static node rules', res(n1, 'list', 'services'), 'Allow', ''],
    ['events may be created by the static rules', res(n1, 'create', 'events', ns({})), 'Allow', ''],
    ['deployments are not in the node rules', res(n1, 'get', 'deployments', ns({ apiGroup: 'apps', name: 'x' })), 'NoOpinion', ''],
    ['paths are not in the node rules', nonRes(n1, 'get', '/healthz'), 'NoOpinion', ''],
    ['other users get no opinion', res({ username: 'alice' }, 'get', 'secrets', ns({ name: 'web-tls' })), 'NoOpinion', ''],
    ['an unnamed node is refused with a reason', res({ username: 'system:node:', groups: ['system:nodes'] }, 'get', 'pods'), 'NoOpinion', 'unknown node for user "system:node:"'],
  ])('%s', async (_name, attrs, decision, reason) => {
    expect(await new NodeAuthorizer(new FakeGraph()).authorize(attrs)).toEqual({ decision, reason });
  });

  it('consults the graph only for the objects it subdivides', async () => {
    const graph = new FakeGraph();
    const node = new NodeAuthorizer(graph);
    await node.authorize(res(n1, 'list', 'services'));
    await node.authorize(res(n1, 'get', 'secrets', ns({ name: 'web-tls' })));
    expect(graph.calls).toEqual(['n1']);
  });

  it('falls back to the static rules for nodes and pods without AuthorizeNodeWithSelectors', async () => {
    const node = new NodeAuthorizer(new FakeGraph(), { authorizeNodeWithSelectors: false });
    expect((await node.authorize(res(n1, 'list', 'nodes'))).decision).toBe('Allow');
    expect((await node.authorize(res(n1, 'get', 'pods', ns({ name: 'db-0' })))).decision).toBe('Allow');
  });

  it('refuses service account reads without the credential-provider gate', async () => {
    const node = new NodeAuthorizer(new FakeGraph(), { serviceAccountGet: false });
    expect(await node.authorize(res(n1, 'get', 'serviceaccounts', ns({ name: 'web' })))).toEqual({ decision: 'NoOpinion', reason: 'not allowed to get service accounts' });
  });

  it('says node rules cannot be enumerated', async () => {
    const node = new NodeAuthorizer(new FakeGraph());
    expect(await node.rulesFor(n1)).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' });
    expect(await node.rulesFor({ username: 'alice' })).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: false });
  });
});
