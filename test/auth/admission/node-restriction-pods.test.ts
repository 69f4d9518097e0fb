import { describe, expect, it } from 'vitest';
import type { AdmissionAttributes } from '../../../src/registry/admission.js';
import type { KubeObject, OwnerReference, Pod } from '../../../src/registry/types.js';
import { attrs, bob, expectAdmit, FakeCluster, makeTestPod, PODS } from './node-restriction-fixtures.js';

// Ported from plugin/pkg/admission/noderestriction/admission_test.go (Test_nodePlugin_Admit,
// Test_nodePlugin_Admit_OwnerReference), Kubernetes 1.33; messages asserted whole.

const mymirrorpod = makeTestPod('ns', 'mymirrorpod', 'mynode', true);
const othermirrorpod = makeTestPod('ns', 'othermirrorpod', 'othernode', true);
const unboundmirrorpod = makeTestPod('ns', 'unboundmirrorpod', '', true);
const mypod = makeTestPod('ns', 'mypod', 'mynode', false);
const otherpod = makeTestPod('ns', 'otherpod', 'othernode', false);
const unboundpod = makeTestPod('ns', 'unboundpod', '', false);
const eviction = (name: string): KubeObject => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'ns' } });
const withLabels = (pod: Pod, labels?: Record<string, string>): Pod => ({ ...pod, metadata: { ...pod.metadata, ...(labels ? { labels } : {}) } });
const withClaims = (pod: Pod, resourceClaimStatuses: unknown[]): Pod => ({ ...pod, status: { resourceClaimStatuses } });
const CLAIMS = '403 pods "mypod" is forbidden: node "mynode" cannot update resource claim statues';

const existing = () => new FakeCluster([mymirrorpod, othermirrorpod, unboundmirrorpod, mypod, otherpod, unboundpod]);
const none = () => new FakeCluster([]);

const create = (pod: Pod, more: Partial<Parameters<typeof attrs>[2]> = {}) => attrs('CREATE', PODS, { object: pod, namespace: 'ns', name: pod.metadata.name!, ...more });
const update = (pod: Pod, more: Partial<Parameters<typeof attrs>[2]> = {}) => attrs('UPDATE', PODS, { object: pod, oldObject: pod, namespace: 'ns', name: pod.metadata.name!, ...more });
const del = (name: string, more: Partial<Parameters<typeof attrs>[2]> = {}) => attrs('DELETE', PODS, { namespace: 'ns', name, ...more });
const evict = (op: 'CREATE' | 'UPDATE' | 'DELETE', body: string, name: string) => attrs(op, PODS, { object: eviction(body), namespace: 'ns', name, subresource: 'eviction' });

const F = (name: string, why: string) => `403 pods "${name}" is forbidden: ${why}`;
const unexpected = (name: string, op: string) => F(name, `unexpected operation "${op}", node "mynode" can only create and delete mirror pods`);
const unexpectedStatus = (name: string, op: string) => F(name, `unexpected operation "${op}"`);
const unexpectedEviction = (name: string, op: string) => F(name, `unexpected operation ${op}`);
const notMirror = (name: string) => F(name, 'pod does not have "kubernetes.io/config.mirror" annotation, node "mynode" can only create mirror pods');
const bindSelf = (name: string) => F(name, 'node "mynode" can only create pods with spec.nodeName set to itself');
const deleteSelf = (name: string) => F(name, 'node "mynode" can only delete pods with spec.nodeName set to itself');
const statusSelf = (name: string) => F(name, 'node "mynode" can only update pod status for pods with spec.nodeName set to itself');
const evictSelf = (name: string) => F(name, 'node mynode can only evict pods with spec.nodeName set to itself');

type Case = [string, () => FakeCluster, AdmissionAttributes, string];

/** The same twelve requests for one pod, as the Go table repeats them per kind of pod. */
function lifecycle(what: string, pod: Pod, expect: { create: string; delete: string; updateStatus: string; evict: string; unnamedEvict: string }): Case[] {
  const n = pod.metadata.name!;
  return [
    [`${what}: create`, none, create(pod), expect.create],
    [`${what}: update is never a node's to make`, existing, update(pod), unexpected(n, 'UPDATE')],
    [`${what}: delete`, existing, del(n), expect.delete],
    [`${what}: create of its status is not an operation on status`, none, create(pod, { subresource: 'status' }), unexpectedStatus(n, 'CREATE')],
    [`${what}: update of its status`, existing, update(pod, { subresource: 'status' }), expect.updateStatus],
    [`${what}: delete of its status is not an operation on status`, existing, del(n, { subresource: 'status' }), unexpectedStatus(n, 'DELETE')],
    [`${what}: create of an eviction`, existing, evict('CREATE', n, n), expect.evict],
    [`${what}: update of an eviction`, existing, evict('UPDATE', n, n), unexpectedEviction(n, 'UPDATE')],
    [`${what}: delete of an eviction`, existing, evict('DELETE', n, n), unexpectedEviction(n, 'DELETE')],
    [`${what}: create of an eviction without a name in its body`, existing, evict('CREATE', '', n), expect.unnamedEvict],
  ];
}

describe('NodeRestriction for pods (admission_test.go Test_nodePlugin_Admit)', () => {
  it.each<Case>([
    ...lifecycle('a mirror pod bound to the node', mymirrorpod, { create: '', delete: '', updateStatus: '', evict: '', unnamedEvict: '' }),
    ...lifecycle('a mirror pod bound to another node', othermirrorpod, {
      create: bindSelf('othermirrorpod'),
      delete: deleteSelf('othermirrorpod'),
      updateStatus: statusSelf('othermirrorpod'),
      evict: evictSelf('othermirrorpod'),
      unnamedEvict: evictSelf('othermirrorpod'),
    }),
    ...lifecycle('a mirror pod bound to no node', unboundmirrorpod, {
      create: bindSelf('unboundmirrorpod'),
      delete: deleteSelf('unboundmirrorpod'),
      updateStatus: statusSelf('unboundmirrorpod'),
      evict: evictSelf('unboundmirrorpod'),
      unnamedEvict: evictSelf('unboundmirrorpod'),
    }),
    ...lifecycle('an ordinary pod bound to the node', mypod, { create: notMirror('mypod'), delete: '', updateStatus: '', evict: '', unnamedEvict: '' }),
    ...lifecycle('an ordinary pod bound to another node', otherpod, {
      create: notMirror('otherpod'),
      delete: deleteSelf('otherpod'),
      updateStatus: statusSelf('otherpod'),
      evict: evictSelf('otherpod'),
      unnamedEvict: evictSelf('otherpod'),
    }),
    ...lifecycle('an ordinary pod bound to no node', unboundpod, {
      create: notMirror('unboundpod'),
      delete: deleteSelf('unboundpod'),
      updateStatus: statusSelf('unboundpod'),
      evict: evictSelf('unboundpod'),
      unnamedEvict: evictSelf('unboundpod'),
    }),
    ['a status update may not add labels to a pod that had some', none, update(withLabels(mypod, { a: 'a', b: 'b' }), { subresource: 'status', oldObject: withLabels(mypod, { a: 'a' }) }), F('mypod', 'node "mynode" cannot update labels through pod status')],
    ['a status update may not remove some of its labels', none, update(withLabels(mypod, { a: 'a' }), { subresource: 'status', oldObject: withLabels(mypod, { a: 'a', b: 'b' }) }), F('mypod', 'node "mynode" cannot update labels through pod status')],
    ['a status update may not remove all of its labels', none, update(withLabels(mypod), { subresource: 'status', oldObject: withLabels(mypod, { a: 'a' }) }), F('mypod', 'node "mynode" cannot update labels through pod status')],
    ['a status update may not label an unlabelled pod', none, update(withLabels(mypod, { a: 'a' }), { subresource: 'status', oldObject: withLabels(mypod) }), F('mypod', 'node "mynode" cannot update labels through pod status')],
    ['a status update may not change a label value', none, update(withLabels(mypod, { a: 'b' }), { subresource: 'status', oldObject: withLabels(mypod, { a: 'a' }) }), F('mypod', 'node "mynode" cannot update labels through pod status')],
    ['a status update may turn missing labels into empty ones', none, update(withLabels(mypod, {}), { subresource: 'status', oldObject: withLabels(mypod) }), ''],
    ['a status update may not add a resource claim status', none, update(withClaims(mypod, [{ name: 'a', resourceClaimName: 'x' }]), { subresource: 'status', oldObject: withClaims(mypod, []) }), CLAIMS],
    ['a status update may not rename a resource claim status', none, update(withClaims(mypod, [{ name: 'b', resourceClaimName: 'x' }]), { subresource: 'status', oldObject: withClaims(mypod, [{ name: 'a', resourceClaimName: 'x' }]) }), CLAIMS],
    ['a status update may not point a claim status at another claim', none, update(withClaims(mypod, [{ name: 'a', resourceClaimName: 'y' }]), { subresource: 'status', oldObject: withClaims(mypod, [{ name: 'a', resourceClaimName: 'x' }]) }), CLAIMS],
    ['a status update may not fill in a claim name', none, update(withClaims(mypod, [{ name: 'a', resourceClaimName: 'x' }]), { subresource: 'status', oldObject: withClaims(mypod, [{ name: 'a' }]) }), CLAIMS],
    ['a status update may not clear a claim name', none, update(withClaims(mypod, [{ name: 'a', resourceClaimName: null }]), { subresource: 'status', oldObject: withClaims(mypod, [{ name: 'a', resourceClaimName: 'x' }]) }), CLAIMS],
    ['a status update may not reorder claim statuses', none, update(withClaims(mypod, [{ name: 'b' }, { name: 'a' }]), { subresource: 'status', oldObject: withClaims(mypod, [{ name: 'a' }, { name: 'b' }]) }), CLAIMS],
    ['a status update keeping the claim statuses is admitted', none, update(withClaims(mypod, [{ name: 'a', resourceClaimName: 'x' }, { name: 'b', resourceClaimName: null }]), { subresource: 'status', oldObject: withClaims(mypod, [{ name: 'a', resourceClaimName: 'x' }, { name: 'b' }]) }), ''],
    ['a status update of a pod without metadata compares no labels', none, attrs('UPDATE', PODS, { object: { ...mypod, metadata: undefined } as never, oldObject: { ...mypod, metadata: undefined } as never, namespace: 'ns', name: 'mypod', subresource: 'status' }), ''],
    ['a status update may not label a pod that had no metadata', none, update(withLabels(mypod, { a: 'a' }), { subresource: 'status', oldObject: { ...mypod, metadata: undefined } as never }), F('mypod', 'node "mynode" cannot update labels through pod status')],
    ['deleting a pod that does not exist is the pod lister\'s 404', none, del('unboundpod'), '404 pod "unboundpod" not found'],
    ['evicting a pod that does not exist is the pod lister\'s 404', none, evict('CREATE', 'mypod', 'mypod'), '404 pod "mypod" not found'],
    ['an eviction update for a missing pod is still the wrong operation', none, evict('UPDATE', 'mypod', 'mypod'), unexpectedEviction('mypod', 'UPDATE')],
    ['an eviction delete for a missing pod is still the wrong operation', none, evict('DELETE', 'mypod', 'mypod'), unexpectedEviction('mypod', 'DELETE')],
    ['an unnamed eviction for a missing pod is a 404', none, evict('CREATE', '', 'mypod'), '404 pod "mypod" not found'],
    ['an eviction without a name in the URL names its pod in the body', existing, evict('CREATE', 'mypod', ''), ''],
    ['an eviction update without a name in the URL is the wrong operation', existing, evict('UPDATE', 'mypod', ''), '403 pods "mypod" is forbidden: unexpected operation UPDATE'],
    ['an eviction naming no pod anywhere is refused as "Unknown"', existing, evict('CREATE', '', ''), '403 pods "Unknown" is forbidden: could not determine pod from request data'],
    ['an eviction whose body names its pod with a number names none', existing, attrs('CREATE', PODS, { object: { metadata: { name: 5 } } as never, namespace: 'ns', subresource: 'eviction' }), '403 pods "Unknown" is forbidden: could not determine pod from request data'],
    ['an eviction body without metadata names no pod', existing, attrs('CREATE', PODS, { object: {} as KubeObject, namespace: 'ns', subresource: 'eviction' }), '403 pods "Unknown" is forbidden: could not determine pod from request data'],
    ['a pod without a spec is bound to no node', () => new FakeCluster([{ metadata: { name: 'bare', namespace: 'ns' } } as Pod]), del('bare'), deleteSelf('bare')],
    ['other pod subresources are refused', existing, attrs('CREATE', PODS, { namespace: 'ns', name: 'mypod', subresource: 'exec', object: {} as KubeObject }), F('mypod', 'unexpected pod subresource "exec", only \'status\' and \'eviction\' are allowed')],
    ['a create without a pod is refused', none, attrs('CREATE', PODS, { namespace: 'ns', name: 'x' }), F('x', 'unexpected type <nil>')],
    ['a status update without the old pod is refused', none, attrs('UPDATE', PODS, { namespace: 'ns', name: 'mypod', subresource: 'status', object: mypod }), F('mypod', 'unexpected type <nil>')],
    ['a status update without the new pod is refused', none, attrs('UPDATE', PODS, { namespace: 'ns', name: 'mypod', subresource: 'status', oldObject: mypod }), F('mypod', 'unexpected type <nil>')],
    ['an eviction without a body is refused', existing, attrs('CREATE', PODS, { namespace: 'ns', name: 'mypod', subresource: 'eviction' }), F('mypod', 'unexpected type <nil>')],
  ])('%s', async (_name, cluster, a, expected) => {
    await expectAdmit(cluster(), a, expected);
  });

  it.each<[string, Partial<Pod['spec']>, string]>([
    ['a mirror pod may not name a service account', { serviceAccountName: 'foo' }, 'node "mynode" can not create pods that reference a service account'],
    ['a mirror pod may not mount a secret', { volumes: [{ name: 'v', secret: { secretName: 'foo' } }] }, 'node "mynode" can not create pods that reference secrets'],
    ['a mirror pod may not pull with a secret', { imagePullSecrets: [{ name: 'regcred' }] }, 'node "mynode" can not create pods that reference secrets'],
    ['a mirror pod may not read a secret into its environment', { containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'foo', key: 'k' } } }] }] }, 'node "mynode" can not create pods that reference secrets'],
    ['a mirror pod may not mount a config map', { volumes: [{ name: 'v', configMap: { name: 'foo' } }] }, 'node "mynode" can not create pods that reference configmaps'],
    ['a mirror pod may not read a config map in an ephemeral container', { ephemeralContainers: [{ name: 'd', envFrom: [{ configMapRef: { name: 'foo' } }] }] }, 'node "mynode" can not create pods that reference configmaps'],
    ['a mirror pod may not project a cluster trust bundle', { volumes: [{ name: 'v', projected: { sources: [{ clusterTrustBundle: { name: 'foo', path: 'ca' } } as never] } }] }, 'node "mynode" can not create pods that reference clustertrustbundles'],
    ['a mirror pod may not mount a claim', { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'foo' } }] }, 'node "mynode" can not create pods that reference persistentvolumeclaims'],
    ['a mirror pod may not use a resource claim (CVE-2025-4563)', { resourceClaims: [{ name: 'gpu', resourceClaimName: 'foo' }] }, 'node "mynode" can not create pods that reference resourceclaims'],
    ['a mirror pod may use an emptyDir and a downward API projection', { volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'info', projected: { sources: [{ downwardAPI: { items: [] } }] } }] }, ''],
  ])('%s', async (_name, spec, why) => {
    const pod = makeTestPod('ns', 'mysapod', 'mynode', true, spec);
    await expectAdmit(none(), create(pod), why ? F('mysapod', why) : '');
  });

  it('lets any other user create, update and delete any pod', async () => {
    for (const a of [create(unboundpod), update(unboundpod), del('unboundpod'), create(unboundpod, { subresource: 'status' }), update(unboundpod, { subresource: 'status' }), del('unboundpod', { subresource: 'status' })]) {
      await expectAdmit(existing(), { ...a, user: bob }, '');
    }
  });

  it('looks the pod up only where the decision needs it', async () => {
    const cluster = existing();
    await expectAdmit(cluster, create(mymirrorpod), '');
    await expectAdmit(cluster, update(mypod, { subresource: 'status' }), '');
    await expectAdmit(cluster, del('mypod'), '');
    await expectAdmit(cluster, evict('CREATE', 'mypod', ''), '');
    expect(cluster.calls).toEqual(['node mynode', 'pod ns/mypod', 'pod ns/mypod']);
  });
});

describe('NodeRestriction for mirror pod owner references (Test_nodePlugin_Admit_OwnerReference)', () => {
  const valid: OwnerReference = { apiVersion: 'v1', kind: 'Node', name: 'mynode', uid: 'mynode-uid', controller: true };
  it.each<[string, OwnerReference[] | undefined, { uid?: string; missing?: boolean }, string]>([
    ['a mirror pod without an owner is refused', undefined, {}, '403 pods "test" is forbidden: node "mynode" can only create pods with an owner reference set to itself'],
    ['a mirror pod owned by its node as controller is admitted', [valid], {}, ''],
    ['a mirror pod with two owners is refused', [valid, valid], {}, '403 pods "test" is forbidden: node "mynode" can only create pods with a single owner reference set to itself'],
    ['an owner named after another node is refused', [{ ...valid, name: 'other' }], {}, '403 pods "test" is forbidden: node "mynode" can only create pods with an owner reference set to itself'],
    ['an owner with the node\'s old uid is refused', [valid], { uid: 'mynode-unexpected-uid' }, '403 pods "test" is forbidden: node mynode UID mismatch: expected mynode-uid got mynode-unexpected-uid'],
    ['an owner naming a node that is not registered is the node lister\'s 404', [valid], { missing: true }, '404 node "mynode" not found'],
    ['an owner of another API version is refused', [{ ...valid, apiVersion: 'v2' }], {}, '403 pods "test" is forbidden: node "mynode" can only create pods with an owner reference set to itself'],
    ['an owner of another kind is refused', [{ ...valid, kind: 'Pod' }], {}, '403 pods "test" is forbidden: node "mynode" can only create pods with an owner reference set to itself'],
    ['an owner that is not marked controller is refused', [{ apiVersion: 'v1', kind: 'Node', name: 'mynode', uid: 'mynode-uid' }], {}, '403 pods "test" is forbidden: node "mynode" can only create pods with a controller owner reference set to itself'],
    ['an owner marked controller: false is refused', [{ ...valid, controller: false }], {}, '403 pods "test" is forbidden: node "mynode" can only create pods with a controller owner reference set to itself'],
    ['an owner that blocks deletion is refused', [{ ...valid, blockOwnerDeletion: true }], {}, '403 pods "test" is forbidden: node "mynode" must not set blockOwnerDeletion on an owner reference'],
    ['an owner with blockOwnerDeletion: false is admitted', [{ ...valid, blockOwnerDeletion: false }], {}, ''],
    ['an owner without a uid does not match the node\'s', [{ apiVersion: 'v1', kind: 'Node', name: 'mynode', controller: true } as OwnerReference], {}, '403 pods "test" is forbidden: node mynode UID mismatch: expected  got mynode-uid'],
    ['a registered node without a uid matches no owner uid', [valid], { uid: '' }, '403 pods "test" is forbidden: node mynode UID mismatch: expected mynode-uid got '],
  ])('%s', async (_name, owners, node, expected) => {
    const pod = makeTestPod('ns', 'test', 'mynode', true);
    if (owners) pod.metadata.ownerReferences = owners;
    else delete pod.metadata.ownerReferences;
    const cluster = new FakeCluster([], node.missing ? [] : [{ metadata: node.uid === '' ? { name: 'mynode' } : { name: 'mynode', uid: node.uid ?? 'mynode-uid' } }]);
    await expectAdmit(cluster, create(pod), expected);
  });
});
