import { describe, expect, it } from 'vitest';
import { forbiddenLabels, isKubeletLabel, KUBELET_LABEL_NAMESPACES, KUBELET_LABELS, modifiedLabels } from '../../../src/auth/admission/node-restriction-labels.js';
import type { Node } from '../../../src/registry/types.js';
import { attrs, bob, expectAdmit, FakeCluster, NODES } from './node-restriction-fixtures.js';

// Ported from plugin/pkg/admission/noderestriction/admission_test.go ("My node object", "Other
// node object", Test_getModifiedLabels), Kubernetes 1.33 with CVE-2025-5187's ownerReferences check.

const meta = { name: 'mynode', uid: 'mynode-uid' };
const mynode: Node = { metadata: meta };
const configA: Node = { metadata: meta, spec: { configSource: { configMap: { name: 'foo', namespace: 'bar', uid: 'fooUID', kubeletConfigKey: 'kubelet' } } } };
const configB: Node = { metadata: meta, spec: { configSource: { configMap: { name: 'qux', namespace: 'bar', uid: 'quxUID', kubeletConfigKey: 'kubelet' } } } };
const taintA: Node = { metadata: meta, spec: { taints: [{ key: 'mykey', value: 'A' }] } };
const taintB: Node = { metadata: meta, spec: { taints: [{ key: 'mykey', value: 'B' }] } };
const othernode: Node = { metadata: { name: 'othernode' } };

function withLabels(node: Node, labels: Record<string, string>): Node {
  return { ...node, metadata: { ...node.metadata, labels: { ...(node.metadata.labels ?? {}), ...labels } } };
}
/** `setAllowedUpdateLabels`: plain labels, the kubelet's labels and label namespaces. */
function allowedLabels(node: Node, value = 'value'): Node {
  const l: Record<string, string> = { foo: value, 'example.com/foo': value };
  for (const k of KUBELET_LABELS) l[k] = value;
  for (const ns of KUBELET_LABEL_NAMESPACES) {
    l[`${ns}/foo`] = value;
    l[`foo.${ns}/foo`] = value;
  }
  return withLabels(node, l);
}
/** `setForbiddenUpdateLabels` (the create set is the same). */
function forbiddenLabelsOn(node: Node, value = 'value'): Node {
  return withLabels(node, { 'node-restriction.kubernetes.io/foo': value, 'foo.node-restriction.kubernetes.io/foo': value, 'other.kubernetes.io/foo': value, 'other.k8s.io/foo': value });
}
const allLabels = (node: Node, value = 'value') => forbiddenLabelsOn(allowedLabels(node, value), value);
const FORBIDDEN = 'foo.node-restriction.kubernetes.io/foo, node-restriction.kubernetes.io/foo, other.k8s.io/foo, other.kubernetes.io/foo';

const create = (node: Node, name = node.metadata.name!) => attrs('CREATE', NODES, { object: node, name });
const update = (node: Node, old: Node, subresource?: string) => attrs('UPDATE', NODES, { object: node, oldObject: old, name: node.metadata.name!, ...(subresource ? { subresource } : {}) });
const F = (name: string, why: string) => `403 nodes "${name}" is forbidden: ${why}`;

describe('NodeRestriction for Node objects', () => {
  it.each<[string, ReturnType<typeof attrs>, string]>([
    ['a node may register itself', create(mynode), ''],
    ['a node may register itself with taints', create(taintA), ''],
    ['a node may register itself with the labels a kubelet sets', create(allowedLabels(mynode)), ''],
    ['a node may not register itself with restricted or unknown kubernetes.io labels', create(forbiddenLabelsOn(mynode)), F('mynode', `node "mynode" is not allowed to set the following labels: ${FORBIDDEN}`)],
    ['a node may not register itself with a config source', create(configA), F('mynode', 'node "mynode" is not allowed to create pods with a non-nil configSource')],
    ['a node may update itself', update(mynode, mynode), ''],
    ['a node may delete itself, as far as admission goes', attrs('DELETE', NODES, { name: 'mynode' }), ''],
    ['a node may update its status', update(mynode, mynode, 'status'), ''],
    ['a node may not set a config source', update(configA, mynode), F('mynode', 'node "mynode" is not allowed to update configSource to a new non-nil configSource')],
    ['a node may not change its config source', update(configB, configA), F('mynode', 'node "mynode" is not allowed to update configSource to a new non-nil configSource')],
    ['a node may keep its config source', update(configA, configA), ''],
    ['a node may drop its config source (old kubelets do)', update(mynode, configA), ''],
    ['a node may keep its taints', update(taintA, taintA), ''],
    ['a node may add the labels a kubelet sets', update(allowedLabels(mynode), mynode), ''],
    ['a node may remove the labels a kubelet sets', update(mynode, allowedLabels(mynode)), ''],
    ['a node may change the labels a kubelet sets', update(allowedLabels(mynode, 'b'), allowedLabels(mynode, 'a')), ''],
    ['a node may leave every label as it is', update(allLabels(mynode), allLabels(mynode)), ''],
    ['a node may add allowed labels next to unchanged forbidden ones', update(allLabels(mynode), forbiddenLabelsOn(mynode)), ''],
    ['a node may remove allowed labels next to unchanged forbidden ones', update(forbiddenLabelsOn(mynode), allLabels(mynode)), ''],
    ['a node may not add taints', update(taintA, mynode), F('mynode', 'node "mynode" is not allowed to modify taints')],
    ['a node may not remove its taints', update(mynode, taintA), F('mynode', 'node "mynode" is not allowed to modify taints')],
    ['a node may not change a taint', update(taintA, taintB), F('mynode', 'node "mynode" is not allowed to modify taints')],
    ['an empty taint list is no taint at all', update({ metadata: meta, spec: { taints: [] } }, mynode), ''],
    ['a taint status update is refused like any update', update(taintA, mynode, 'status'), F('mynode', 'node "mynode" is not allowed to modify taints')],
    ['a node may not add restricted labels', update(forbiddenLabelsOn(mynode), mynode), F('mynode', `is not allowed to modify labels: ${FORBIDDEN}`)],
    ['a node may not remove restricted labels', update(mynode, forbiddenLabelsOn(mynode)), F('mynode', `is not allowed to modify labels: ${FORBIDDEN}`)],
    ['a node may not change restricted labels', update(forbiddenLabelsOn(mynode, 'new'), forbiddenLabelsOn(mynode, 'old')), F('mynode', `is not allowed to modify labels: ${FORBIDDEN}`)],
    ['a node may not give itself an owner (CVE-2025-5187)', update({ metadata: { ...meta, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'x' }] } }, mynode), F('mynode', 'node "mynode" is not allowed to modify ownerReferences')],
    ['a node may not drop its owners', update(mynode, { metadata: { ...meta, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'x' }] } }), F('mynode', 'node "mynode" is not allowed to modify ownerReferences')],
    ['a node may not register another node', create(othernode), F('othernode', 'node "mynode" is not allowed to modify node "othernode"')],
    ['a node may not register another node named only in the body', create(othernode, ''), F('othernode', 'node "mynode" is not allowed to modify node ""')],
    ['a node may not update another node', update(othernode, othernode), F('othernode', 'node "mynode" is not allowed to modify node "othernode"')],
    ['a node may not delete another node', attrs('DELETE', NODES, { name: 'othernode' }), F('othernode', 'node "mynode" is not allowed to modify node "othernode"')],
    ['a node may not update another node\'s status', update(othernode, othernode, 'status'), F('othernode', 'node "mynode" is not allowed to modify node "othernode"')],
    ['a node create without a body is refused', attrs('CREATE', NODES, { name: 'mynode' }), F('mynode', 'unexpected type <nil>')],
    ['a node without metadata labels or owners is compared as empty', update({ metadata: meta } as Node, { metadata: undefined } as never), ''],
    ['a node with owners is compared to one without metadata', update({ metadata: { ...meta, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'x', uid: 'y' }] } }, { metadata: undefined } as never), F('mynode', 'node "mynode" is not allowed to modify ownerReferences')],
    ['a node with restricted labels is compared to one without metadata', update(forbiddenLabelsOn(mynode), { metadata: undefined } as never), F('mynode', `is not allowed to modify labels: ${FORBIDDEN}`)],
    ['a node update without the old object is refused', attrs('UPDATE', NODES, { name: 'mynode', object: mynode }), F('mynode', 'unexpected type <nil>')],
  ])('%s', async (_name, a, expected) => {
    await expectAdmit(new FakeCluster(), a, expected);
  });

  it('leaves other users alone', async () => {
    await expectAdmit(new FakeCluster(), { ...update(taintA, mynode), user: bob }, '');
    await expectAdmit(new FakeCluster(), { ...create(othernode), user: bob }, '');
  });
});

describe('getModifiedLabels and the kubelet label rules', () => {
  it.each<[string, Record<string, string> | undefined, Record<string, string> | undefined, string[]]>([
    ['nothing is modified between two missing maps', undefined, undefined, []],
    ['nothing is modified between equal maps', { x: '1', y: '2', z: '3' }, { x: '1', y: '2', z: '3' }, []],
    ['an added key is modified', {}, { a: '0' }, ['a']],
    ['a removed key is modified', { z: '3' }, {}, ['z']],
    ['a changed value is modified', { z: '3' }, { z: '4' }, ['z']],
    ['an added empty value is modified', {}, { a: '' }, ['a']],
    ['a removed empty value is modified', { z: '' }, {}, ['z']],
    ['a value changed to empty is modified', { z: '3' }, { z: '' }, ['z']],
    ['a value changed from empty is modified', { z: '' }, { z: '3' }, ['z']],
    ['additions, removals and changes together, sorted', { b: '2', a: '1' }, { a: '2', c: '3' }, ['a', 'b', 'c']],
    ['keys named like Object.prototype members are labels like any other', { constructor: 'x' }, { toString: 'y' }, ['constructor', 'toString']],
    ['malformed label maps are empty', 'ab' as never, ['x'] as never, []],
    ['null labels are empty', null as never, { a: '1' }, ['a']],
  ])('%s', (_name, a, b, want) => {
    expect(modifiedLabels(a, b)).toEqual(want);
  });

  it.each([
    'kubernetes.io/hostname',
    'failure-domain.beta.kubernetes.io/zone',
    'failure-domain.beta.kubernetes.io/region',
    'topology.kubernetes.io/zone',
    'topology.kubernetes.io/region',
    'beta.kubernetes.io/instance-type',
    'node.kubernetes.io/instance-type',
    'beta.kubernetes.io/os',
    'beta.kubernetes.io/arch',
    'kubernetes.io/os',
    'kubernetes.io/arch',
  ])('%s is one of the kubelet\'s own labels', (key) => {
    expect(isKubeletLabel(key)).toBe(true);
    expect(KUBELET_LABELS).toContain(key);
    expect(forbiddenLabels([key])).toEqual([]);
  });

  it.each<[string, boolean]>([
    ['kubernetes.io/hostname', true],
    ['node.kubernetes.io/instance-type', true],
    ['kubelet.kubernetes.io/foo', true],
    ['foo.kubelet.kubernetes.io/foo', true],
    ['node.kubernetes.io/foo', true],
    ['foo.node.kubernetes.io/foo', true],
    ['kubernetes.io/foo', false],
    ['xnode.kubernetes.io/foo', false],
    ['node.kubernetes.io', false],
  ])('%s is a kubelet label: %s', (key, want) => {
    expect(isKubeletLabel(key)).toBe(want);
  });

  it.each<[string, string[], string[]]>([
    ['no keys, nothing forbidden', [], []],
    ['labels outside kubernetes.io and k8s.io are free', ['foo', 'example.com/foo', 'kubernetes.io.example.com/foo', 'k8s.io.example/foo'], []],
    ['node-restriction labels are forbidden, subdomains too', ['node-restriction.kubernetes.io/a', 'x.node-restriction.kubernetes.io/b'], ['node-restriction.kubernetes.io/a', 'x.node-restriction.kubernetes.io/b']],
    ['unknown kubernetes.io and k8s.io labels are forbidden, subdomains too', ['kubernetes.io/x', 'a.kubernetes.io/x', 'k8s.io/x', 'a.k8s.io/x'], ['a.k8s.io/x', 'a.kubernetes.io/x', 'k8s.io/x', 'kubernetes.io/x']],
    ['the kubelet\'s own labels pass', ['kubernetes.io/os', 'topology.kubernetes.io/zone'], []],
    ['a key whose only slash ends it has an empty name', ['kubernetes.io/'], ['kubernetes.io/']],
    ['a key without a slash has no namespace, however it reads', ['a.kubernetes.iox', 'kubernetes.io', 'node-restriction.kubernetes.io'], []],
    ['a key opening with a slash has an empty namespace', ['/kubernetes.io'], []],
  ])('%s', (_name, keys, want) => {
    expect(forbiddenLabels(keys)).toEqual(want);
  });
});
