import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import { type Connection, loadKubeconfig } from '../../src/client/kubeconfig.js';
import { CLI, cleanup, run, startServer, type ServerProcess } from '../helpers/server-process.js';

// Issue 12's critical fault, end to end against `satoken serve` with a node's client certificate
// (CN=system:node:n1, O=system:nodes): a node must not reach a service account or secret through
// a pod it makes up, nor touch other nodes' pods or Nodes (NodeRestriction and the Node
// authorizer, Kubernetes 1.33). The kubelet's own flows stay open.

let server: ServerProcess;
let admin: Connection;
let node: Connection;
let n1Uid = '';

const api = (conn: Connection, method: string, path: string, body?: unknown) => apiRequest(conn, method, path, body);
const status = (message: string, reason: string, code: number, details: Record<string, string>) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });
const forbidden = (kind: string, name: string, why: string) => status(`${kind} "${name}" is forbidden: ${why}`, 'Forbidden', 403, { name, kind });
const unauthorized = (kind: string, name: string, verb: string, resource: string) =>
  forbidden(kind, name, `User "system:node:n1" cannot ${verb} resource "${resource}" in API group "" in the namespace "default": no relationship found between node 'n1' and this object`);

/** A pod as the kubelet mirrors a static pod: annotated, bound to the node, owned by its Node. */
const mirrorPod = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, annotations: { 'kubernetes.io/config.mirror': 'hash' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: n1Uid, controller: true }] },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

beforeAll(async () => {
  server = await startServer();
  admin = loadKubeconfig(server.kubeconfig);
  const nodeKubeconfig = join(server.dir, 'n1.kubeconfig');
  const made = run(process.execPath, [CLI, 'kubeconfig', '--user', 'system:node:n1', '--group', 'system:nodes', '--out', nodeKubeconfig, '--keys-dir', join(server.dir, 'keys')], { KUBECONFIG: server.kubeconfig, HOME: server.dir });
  expect(made.status, made.stderr).toBe(0);
  node = loadKubeconfig(nodeKubeconfig);
  const setup: Array<[string, string, unknown]> = [
    ['/api/v1/namespaces/default/serviceaccounts', 'admin-robot', { metadata: { name: 'admin-robot' } }],
    ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', 'admin-robot', { metadata: { name: 'admin-robot' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'admin-robot', namespace: 'default' }] }],
    ['/api/v1/namespaces/default/secrets', 'admin-robot-secret', { metadata: { name: 'admin-robot-secret' }, stringData: { password: 'hunter2' } }],
    ['/api/v1/nodes', 'n2', { metadata: { name: 'n2' } }],
    ['/api/v1/namespaces/default/pods', 'web-n2', { metadata: { name: 'web-n2' }, spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'busybox' }] } }],
    ['/api/v1/namespaces/default/pods', 'web-n1', { metadata: { name: 'web-n1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } }],
  ];
  for (const [path, name, body] of setup) expect((await api(admin, 'POST', path, body)).status, `${path} ${name}`).toBe(201);
  // the kubelet registers its own Node first
  const registered = await api(node, 'POST', '/api/v1/nodes', { metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } } });
  expect(registered.status).toBe(201);
  n1Uid = registered.json<{ metadata: { uid: string } }>().metadata.uid;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (server) cleanup(server.dir);
});

describe('a node cannot make itself cluster-admin (issue 12)', () => {
  it('cannot create an ordinary pod on itself naming a privileged service account and a secret', async () => {
    const res = await api(node, 'POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'evil' },
      spec: { nodeName: 'n1', serviceAccountName: 'admin-robot', containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 's', secret: { secretName: 'admin-robot-secret' } }] },
    });
    expect(res.status).toBe(403);
    expect(res.json()).toEqual(forbidden('pods', 'evil', 'pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods'));
    expect((await api(admin, 'GET', '/api/v1/namespaces/default/pods/evil')).status).toBe(404);
  });

  it('cannot read that secret', async () => {
    const res = await api(node, 'GET', '/api/v1/namespaces/default/secrets/admin-robot-secret');
    expect(res.status).toBe(403);
    expect(res.json()).toEqual(unauthorized('secrets', 'admin-robot-secret', 'get', 'secrets'));
  });

  it('cannot mint a token for that service account', async () => {
    const res = await api(node, 'POST', '/api/v1/namespaces/default/serviceaccounts/admin-robot/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web-n1', uid: 'x' } },
    });
    expect(res.status).toBe(403);
    expect(res.json()).toEqual(unauthorized('serviceaccounts', 'admin-robot', 'create', 'serviceaccounts/token'));
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a service account', { serviceAccountName: 'admin-robot' }, 'node "n1" can not create pods that reference a service account'],
    ['a secret', { volumes: [{ name: 's', secret: { secretName: 'admin-robot-secret' } }] }, 'node "n1" can not create pods that reference secrets'],
    ['a config map', { containers: [{ name: 'c', image: 'busybox', envFrom: [{ configMapRef: { name: 'kube-root-ca.crt' } }] }] }, 'node "n1" can not create pods that reference configmaps'],
  ])('cannot smuggle %s in through a mirror pod', async (_what, spec, why) => {
    const res = await api(node, 'POST', '/api/v1/namespaces/default/pods', mirrorPod('evil-mirror', spec));
    expect(res.status).toBe(403);
    expect(res.json()).toEqual(forbidden('pods', 'evil-mirror', why));
  });

  it('cannot delete a pod of another node', async () => {
    const res = await api(node, 'DELETE', '/api/v1/namespaces/default/pods/web-n2');
    expect(res.status).toBe(403);
    expect(res.json()).toEqual(forbidden('pods', 'web-n2', 'node "n1" can only delete pods with spec.nodeName set to itself'));
    expect((await api(admin, 'GET', '/api/v1/namespaces/default/pods/web-n2')).status).toBe(200);
  });

  it('cannot create another Node, nor change one', async () => {
    const created = await api(node, 'POST', '/api/v1/nodes', { metadata: { name: 'n3' } });
    expect(created.status).toBe(403);
    expect(created.json()).toEqual(forbidden('nodes', 'n3', 'node "n1" is not allowed to modify node "n3"'));
    const updated = await api(node, 'PUT', '/api/v1/nodes/n2', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', labels: { team: 'x' } } });
    expect(updated.status).toBe(403);
    expect(updated.json()).toEqual(forbidden('nodes', 'n2', 'node "n1" is not allowed to modify node "n2"'));
  });

  it('cannot write the status of another node\'s pod', async () => {
    const pod = (await api(admin, 'GET', '/api/v1/namespaces/default/pods/web-n2')).json<{ status?: Record<string, unknown> }>();
    const res = await api(node, 'PUT', '/api/v1/namespaces/default/pods/web-n2/status', { ...pod, status: { ...pod.status, phase: 'Failed' } });
    expect(res.status).toBe(403);
    expect(res.json()).toEqual(forbidden('pods', 'web-n2', 'node "n1" can only update pod status for pods with spec.nodeName set to itself'));
  });

  it('cannot take another node\'s lease, nor keep one outside kube-node-lease', async () => {
    const lease = (name: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40 } });
    const other = await api(node, 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease('n2'));
    expect(other.status).toBe(403);
    expect(other.json()).toEqual({ ...status('leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node', 'Forbidden', 403, { name: 'n2', group: 'coordination.k8s.io', kind: 'leases' }) });
    const elsewhere = await api(node, 'POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', lease('n1'));
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json<{ message: string }>().message).toBe('leases.coordination.k8s.io is forbidden: User "system:node:n1" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "default": can only access leases in the "kube-node-lease" system namespace');
    expect((await api(node, 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease('n1'))).status).toBe(201);
  });

  it('cannot steer workloads to itself through restricted labels or taints on its own Node', async () => {
    type NodeObject = { metadata: { labels?: Record<string, string> }; spec?: Record<string, unknown> };
    const own = (await api(node, 'GET', '/api/v1/nodes/n1')).json<NodeObject>();
    const put = (o: NodeObject) => api(node, 'PUT', '/api/v1/nodes/n1', o);
    const labelled = await put({ ...own, metadata: { ...own.metadata, labels: { ...own.metadata.labels, 'node-restriction.kubernetes.io/pci': 'true' } } });
    expect(labelled.json()).toEqual(forbidden('nodes', 'n1', 'is not allowed to modify labels: node-restriction.kubernetes.io/pci'));
    const tainted = await put({ ...own, spec: { ...own.spec, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] } });
    expect(tainted.json()).toEqual(forbidden('nodes', 'n1', 'node "n1" is not allowed to modify taints'));
    const zoned = await put({ ...own, metadata: { ...own.metadata, labels: { ...own.metadata.labels, 'topology.kubernetes.io/zone': 'z1' } } });
    expect(zoned.status, zoned.body).toBe(200);
  });
});

describe('a node keeps what a kubelet needs', () => {
  it('creates and deletes the mirror pod of a static pod', async () => {
    const created = await api(node, 'POST', '/api/v1/namespaces/default/pods', mirrorPod('static-web'));
    expect(created.status, created.body).toBe(201);
    expect((await api(node, 'DELETE', '/api/v1/namespaces/default/pods/static-web')).status).toBe(200);
  });

  it('deletes a pod bound to it, and reads only its own pods', async () => {
    expect((await api(node, 'GET', '/api/v1/namespaces/default/pods/web-n1')).status).toBe(200);
    expect((await api(node, 'GET', '/api/v1/namespaces/default/pods/web-n2')).status).toBe(403);
    expect((await api(node, 'DELETE', '/api/v1/namespaces/default/pods/web-n1')).status).toBe(200);
  });

  it('gets a token for a pod bound to it, with no audience (its kube-api-access volume), but not for one the pod does not use', async () => {
    const pod = await api(admin, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'app' }, spec: { nodeName: 'n1', serviceAccountName: 'default', containers: [{ name: 'c', image: 'busybox' }] } });
    expect(pod.status).toBe(201);
    const boundObjectRef = { apiVersion: 'v1', kind: 'Pod', name: 'app', uid: pod.json<{ metadata: { uid: string } }>().metadata.uid };
    const ok = await api(node, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: { boundObjectRef } });
    expect(ok.status).toBe(201);
    const vault = await api(node, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: { audiences: ['vault'], boundObjectRef } });
    expect(vault.json()).toEqual(forbidden('serviceaccounts', 'default', 'audience "vault" not found in pod spec volume, system:node:n1 is not authorized to request tokens for this audience'));
  });
});
