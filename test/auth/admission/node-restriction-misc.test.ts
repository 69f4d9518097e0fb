import { webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeRestriction } from '../../../src/auth/admission/node-restriction.js';
import { x509 } from '../../../src/keys/x509-module.js';
import type { AdmissionAttributes } from '../../../src/registry/admission.js';
import type { KubeObject } from '../../../src/registry/types.js';
import { admit, attrs, bob, expectAdmit, FakeCluster, gr, mynode } from './node-restriction-fixtures.js';

// Ported from plugin/pkg/admission/noderestriction/admission_test.go ("Node leases", "CSINode",
// "Unrelated objects", "Unrelated user", CSR, TestAdmitPVCStatus, TestAdmitResourceSlice),
// Kubernetes 1.33.

const LEASES = gr('coordination.k8s.io', 'leases');
const CSINODES = gr('storage.k8s.io', 'csinodes');
const SLICES = gr('resource.k8s.io', 'resourceslices');
const PVCS = gr('', 'persistentvolumeclaims');
const CSRS = gr('certificates.k8s.io', 'certificatesigningrequests');
const CONFIGMAPS = gr('', 'configmaps');
const EVENTS = gr('', 'events');

const lease = (name: string, namespace: string): KubeObject => ({ metadata: { name, namespace }, spec: { holderIdentity: 'mynode', leaseDurationSeconds: 40 } });
const csiNode = (name: string): KubeObject => ({ metadata: { name }, spec: { drivers: [{ name: 'com.example.csi/mydriver', nodeID: `com.example.csi/${name}`, topologyKeys: ['com.example.csi/zone'] }] } });
const slice = (nodeName: string): KubeObject => ({ metadata: { name: 'something' }, spec: { nodeName } });

describe('NodeRestriction for leases, CSINodes and resource slices', () => {
  const L = (name: string, _ns: string, why: string) => `403 leases.coordination.k8s.io "${name}" is forbidden: ${why}`;
  const C = (name: string, why: string) => `403 csinodes.storage.k8s.io "${name}" is forbidden: ${why}`;
  const NS = 'can only access leases in the "kube-node-lease" system namespace';
  const LEASE_NAME = 'can only access node lease with the same name as the requesting node';
  const CSI_NAME = 'can only access CSINode with the same name as the requesting node';
  it.each<[string, AdmissionAttributes, string]>([
    ['a lease may not be created outside kube-node-lease', attrs('CREATE', LEASES, { object: lease('mynode', 'foo'), namespace: 'foo', name: 'mynode' }), L('mynode', 'foo', NS)],
    ['a lease may not be updated outside kube-node-lease', attrs('UPDATE', LEASES, { object: lease('mynode', 'foo'), oldObject: lease('mynode', 'foo'), namespace: 'foo', name: 'mynode' }), L('mynode', 'foo', NS)],
    ['a lease may not be deleted outside kube-node-lease', attrs('DELETE', LEASES, { namespace: 'foo', name: 'mynode' }), L('mynode', 'foo', NS)],
    ['another node\'s lease may not be created (the name is in the body)', attrs('CREATE', LEASES, { object: lease('foo', 'kube-node-lease'), namespace: 'kube-node-lease', name: 'mynode' }), L('mynode', 'kube-node-lease', LEASE_NAME)],
    ['another node\'s lease may not be updated', attrs('UPDATE', LEASES, { object: lease('foo', 'kube-node-lease'), oldObject: lease('foo', 'kube-node-lease'), namespace: 'kube-node-lease', name: 'foo' }), L('foo', 'kube-node-lease', LEASE_NAME)],
    ['another node\'s lease may not be deleted', attrs('DELETE', LEASES, { namespace: 'kube-node-lease', name: 'foo' }), L('foo', 'kube-node-lease', LEASE_NAME)],
    ['its own lease may be created', attrs('CREATE', LEASES, { object: lease('mynode', 'kube-node-lease'), namespace: 'kube-node-lease', name: '' }), ''],
    ['its own lease may be updated', attrs('UPDATE', LEASES, { object: lease('mynode', 'kube-node-lease'), oldObject: lease('mynode', 'kube-node-lease'), namespace: 'kube-node-lease', name: 'mynode' }), ''],
    ['its own lease may be deleted', attrs('DELETE', LEASES, { namespace: 'kube-node-lease', name: 'mynode' }), ''],
    ['a lease create without a body is refused', attrs('CREATE', LEASES, { namespace: 'kube-node-lease', name: 'mynode' }), L('mynode', 'kube-node-lease', 'unexpected type <nil>')],
    ['another node\'s CSINode may not be created', attrs('CREATE', CSINODES, { object: csiNode('foo'), name: 'foo' }), C('foo', CSI_NAME)],
    ['another node\'s CSINode may not be updated', attrs('UPDATE', CSINODES, { object: csiNode('foo'), oldObject: csiNode('foo'), name: 'foo' }), C('foo', CSI_NAME)],
    ['another node\'s CSINode may not be deleted', attrs('DELETE', CSINODES, { name: 'foo' }), C('foo', CSI_NAME)],
    ['its own CSINode may be created', attrs('CREATE', CSINODES, { object: csiNode('mynode'), name: 'mynode' }), ''],
    ['its own CSINode may be updated', attrs('UPDATE', CSINODES, { object: csiNode('mynode'), oldObject: csiNode('mynode'), name: 'mynode' }), ''],
    ['its own CSINode may be deleted', attrs('DELETE', CSINODES, { name: 'mynode' }), ''],
    ['a CSINode body without metadata names no node', attrs('CREATE', CSINODES, { object: {} as KubeObject, name: 'mynode' }), C('mynode', CSI_NAME)],
    ['a lease body without metadata names no node', attrs('CREATE', LEASES, { object: {} as KubeObject, namespace: 'kube-node-lease', name: 'mynode' }), L('mynode', 'kube-node-lease', LEASE_NAME)],
    ['a CSINode create without a body has no name to check', attrs('CREATE', CSINODES, { name: 'mynode' }), C('mynode', 'unable to access the object name')],
    ['a slice for its node may be created', attrs('CREATE', SLICES, { object: slice('mynode'), name: 'foo' }), ''],
    ['a slice for another node may not be created', attrs('CREATE', SLICES, { object: slice('mynode-other'), name: 'foo' }), '403 resourceslices.resource.k8s.io "foo" is forbidden: can only create ResourceSlice with the same NodeName as the requesting node'],
    ['a slice for no node may not be created', attrs('CREATE', SLICES, { object: slice(''), name: 'foo' }), '403 resourceslices.resource.k8s.io "foo" is forbidden: can only create ResourceSlice with the same NodeName as the requesting node'],
    ['any slice update passes admission (the Node authorizer checks the stored one)', attrs('UPDATE', SLICES, { object: slice('mynode-other'), oldObject: slice('mynode'), name: 'foo' }), ''],
    ['a slice of its node may be deleted', attrs('DELETE', SLICES, { oldObject: slice('mynode'), name: 'foo' }), ''],
    ['a slice of another node may not be deleted', attrs('DELETE', SLICES, { oldObject: slice('mynode-other'), name: 'foo' }), '403 resourceslices.resource.k8s.io "foo" is forbidden: can only delete ResourceSlice with the same NodeName as the requesting node'],
    ['a slice of no node may not be deleted', attrs('DELETE', SLICES, { oldObject: slice(''), name: 'foo' }), '403 resourceslices.resource.k8s.io "foo" is forbidden: can only delete ResourceSlice with the same NodeName as the requesting node'],
    ['a slice delete without the stored object is refused', attrs('DELETE', SLICES, { name: 'foo' }), '403 resourceslices.resource.k8s.io "foo" is forbidden: unexpected type <nil>'],
  ])('%s', async (_name, a, expected) => {
    await expectAdmit(new FakeCluster(), a, expected);
  });
});

describe('NodeRestriction for claim status (TestAdmitPVCStatus)', () => {
  /** `makeTestPVC`. */
  const pvc = (condition: string, allocated: string, resizeStatus?: string): KubeObject => ({
    metadata: { name: 'foo', namespace: 'default', resourceVersion: '7' },
    spec: { volumeName: 'volume1', resources: { requests: { storage: '10G' } } },
    status: {
      capacity: { storage: allocated },
      phase: 'Bound',
      allocatedResources: { storage: allocated },
      ...(resizeStatus ? { allocatedResourceStatuses: { storage: resizeStatus } } : {}),
      ...(condition ? { conditions: [{ type: condition, status: 'True' }] } : {}),
    },
  });
  const update = (object: KubeObject, oldObject: KubeObject, subresource = 'status') => attrs('UPDATE', PVCS, { object, oldObject, namespace: 'default', name: 'foo', subresource });
  const OTHER = '403 persistentvolumeclaims "foo" is forbidden: node "mynode" is not allowed to update fields other than status.quantity and status.conditions: ';
  it.each<[string, AdmissionAttributes, boolean, string]>([
    ['a node may not update a whole claim', update(pvc('', '10G'), pvc('Resizing', '10G'), ''), true, '403 persistentvolumeclaims "foo" is forbidden: may only update PVC status'],
    ['a node may update capacity and conditions', update(pvc('FileSystemResizePending', '10G'), pvc('Resizing', '10G')), true, ''],
    ['without RecoverVolumeExpansionFailure a node may not change allocated resources', update(pvc('FileSystemResizePending', '15G'), pvc('Resizing', '10G')), false, `${OTHER}status.allocatedResources.storage`],
    ['with RecoverVolumeExpansionFailure a node may change allocated resources', update(pvc('FileSystemResizePending', '15G'), pvc('Resizing', '10G')), true, ''],
    ['with RecoverVolumeExpansionFailure a node may change the resize status', update(pvc('Resizing', '10G', 'NodeResizeInfeasible'), pvc('Resizing', '10G')), true, ''],
    ['without it, not the resize status', update(pvc('Resizing', '10G', 'NodeResizeInfeasible'), pvc('Resizing', '10G')), false, `${OTHER}status.allocatedResourceStatuses.storage`],
    ['a node may not relabel a claim through its status', update({ ...pvc('', '10G'), metadata: { ...pvc('', '10G').metadata, labels: { a: 'b' } } }, pvc('', '10G')), true, `${OTHER}metadata.labels.a`],
    ['a node may not change the phase', update({ ...pvc('', '10G'), status: { ...(pvc('', '10G').status as object), phase: 'Lost' } }, pvc('', '10G')), true, `${OTHER}status.phase`],
    ['resourceVersion and managedFields are not compared', update({ ...pvc('', '10G'), metadata: { ...pvc('', '10G').metadata, resourceVersion: '', managedFields: [{ manager: 'kubelet' }] } }, pvc('', '10G')), true, ''],
    ['a node may add conditions to a claim without any', update(pvc('Resizing', '10G'), pvc('', '10G')), true, ''],
    ['a node may change one condition of several', update({ ...pvc('', '10G'), status: { ...(pvc('', '10G').status as object), conditions: [{ type: 'A', status: 'True' }, { type: 'B', status: 'True' }] } }, { ...pvc('', '10G'), status: { ...(pvc('', '10G').status as object), conditions: [{ type: 'A', status: 'True' }, { type: 'B', status: 'False' }] } }), true, ''],
    ['a node may not set the phase of a claim that had no status (its capacity and conditions it may)', update(pvc('Resizing', '10G'), { metadata: pvc('', '10G').metadata, spec: pvc('', '10G').spec }), true, `${OTHER}status.phase`],
    ['a field named like a writable one is not writable', update({ ...pvc('', '10G'), status: { ...(pvc('', '10G').status as object), capacityX: 'x' } }, pvc('', '10G')), true, `${OTHER}status.capacityX`],
    ['every refused path is listed', update({ ...pvc('', '10G'), metadata: { ...pvc('', '10G').metadata, finalizers: ['x'], labels: { a: 'b' } } }, pvc('', '10G')), true, `${OTHER}metadata.finalizers, metadata.labels.a`],
    ['a status create is not an update', attrs('CREATE', PVCS, { object: pvc('', '10G'), namespace: 'default', name: 'foo', subresource: 'status' }), true, '403 persistentvolumeclaims "foo" is forbidden: unexpected operation "CREATE"'],
  ])('%s', async (_name, a, recovery, expected) => {
    await expectAdmit(new FakeCluster(), a, expected, { recoverVolumeExpansionFailure: recovery });
  });

  it('defaults RecoverVolumeExpansionFailure on, as 1.33 does', async () => {
    await expectAdmit(new FakeCluster(), update(pvc('', '15G', 'NodeResizeFailed'), pvc('', '10G')), '');
  });
});

describe('NodeRestriction for kubelet CertificateSigningRequests', () => {
  let pem: (cn: string) => Promise<string>;
  beforeAll(() => {
    const X = x509();
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    pem = async (cn) => {
      const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const csr = await X.Pkcs10CertificateRequestGenerator.create({ name: `O=system:nodes, CN=${cn}`, keys, signingAlgorithm: alg }, webcrypto as never);
      return csr.toString('pem');
    };
  });
  const request = (signerName: string, body: string): KubeObject => ({ metadata: { generateName: 'csr-' }, spec: { signerName, request: Buffer.from(body).toString('base64'), usages: ['client auth'] } });
  const create = (o: KubeObject) => attrs('CREATE', CSRS, { object: o, name: '' });
  const F = (why: string) => `403 certificatesigningrequests.certificates.k8s.io "Unknown" is forbidden: ${why}`;

  it.each<[string, string, string, string]>([
    ['a serving CSR for itself is admitted', 'kubernetes.io/kubelet-serving', 'system:node:mynode', ''],
    ['a client CSR for itself is admitted', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:node:mynode', ''],
    ['a CSR for another signer is not its business', 'kubernetes.io/kube-apiserver-client', 'some-other-identity', ''],
    ['a serving CSR for another node is refused', 'kubernetes.io/kubelet-serving', 'system:node:othernode', F('can only create a node CSR with CN=system:node:mynode')],
    ['a client CSR for another identity is refused', 'kubernetes.io/kube-apiserver-client-kubelet', 'admin', F('can only create a node CSR with CN=system:node:mynode')],
  ])('%s', async (_name, signer, cn, expected) => {
    await expectAdmit(new FakeCluster(), create(request(signer, await pem(cn))), expected);
  });

  it('lets AllowInsecureKubeletCertificateSigningRequests turn the check off', async () => {
    await expectAdmit(new FakeCluster(), create(request('kubernetes.io/kubelet-serving', await pem('system:node:othernode'))), '', { allowInsecureKubeletCertificateSigningRequests: true });
  });

  it.each<[string, string, string]>([
    ['an empty PEM block, as Go words it', '-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----', F('unable to parse csr: asn1: syntax error: sequence truncated')],
    ['no PEM block at all', 'not a csr', F('unable to parse csr: PEM block type must be CERTIFICATE REQUEST')],
    ['a PEM block of another type first', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', F('unable to parse csr: PEM block type must be CERTIFICATE REQUEST')],
  ])('refuses a CSR it cannot read: %s', async (_name, body, expected) => {
    await expectAdmit(new FakeCluster(), create(request('kubernetes.io/kubelet-serving', body)), expected);
  });

  it.each<[string, unknown]>([
    ['a request that is not a string', 5],
    ['no request at all', undefined],
  ])('refuses a CSR with %s as not PEM', async (_name, req) => {
    const o = { metadata: {}, spec: { signerName: 'kubernetes.io/kubelet-serving', ...(req === undefined ? {} : { request: req }) } } as KubeObject;
    await expectAdmit(new FakeCluster(), create(o), F('unable to parse csr: PEM block type must be CERTIFICATE REQUEST'));
  });

  it('passes a CSR without a signer, and refuses a kubelet CSR without a common name', async () => {
    await expectAdmit(new FakeCluster(), create({ metadata: {}, spec: { request: 'garbage' } }), '');
    const X = x509();
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const noCn = await X.Pkcs10CertificateRequestGenerator.create({ name: 'O=system:nodes', keys, signingAlgorithm: alg }, webcrypto as never);
    await expectAdmit(new FakeCluster(), create(request('kubernetes.io/kubelet-serving', noCn.toString('pem'))), F('can only create a node CSR with CN=system:node:mynode'));
  });

  it('refuses a CSR whose DER is not one, with the parser\'s words', async () => {
    const out = await admit(new FakeCluster(), create(request('kubernetes.io/kubelet-serving', '-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQE=\n-----END CERTIFICATE REQUEST-----\n')));
    expect(out).toMatch(/^403 certificatesigningrequests\.certificates\.k8s\.io "Unknown" is forbidden: unable to parse csr: ./);
  });

  it('checks only creation', async () => {
    const o = request('kubernetes.io/kubelet-serving', 'garbage');
    await expectAdmit(new FakeCluster(), attrs('UPDATE', CSRS, { object: o, oldObject: o, name: 'csr-1', subresource: 'approval' }), '');
    await expectAdmit(new FakeCluster(), attrs('CREATE', CSRS, { name: 'csr-1' }), '403 certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: unexpected type <nil>');
  });
});

describe('NodeRestriction for everything else', () => {
  it.each<[string, AdmissionAttributes]>([
    ['a config map may be created', attrs('CREATE', CONFIGMAPS, { object: { metadata: { name: 'mycm' } }, namespace: 'myns', name: 'mycm' })],
    ['a config map may be updated', attrs('UPDATE', CONFIGMAPS, { object: { metadata: { name: 'mycm' } }, oldObject: { metadata: { name: 'mycm' } }, namespace: 'myns', name: 'mycm' })],
    ['a config map may be deleted', attrs('DELETE', CONFIGMAPS, { namespace: 'myns', name: 'mycm' })],
    ['an event may be created in any namespace (events are left to the system:node rules)', attrs('CREATE', EVENTS, { object: { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'other' } }, namespace: 'kube-system', name: 'e' })],
    ['an events.k8s.io event may be created', attrs('CREATE', gr('events.k8s.io', 'events'), { object: { metadata: { name: 'e' } }, namespace: 'default', name: 'e' })],
  ])('%s', async (_name, a) => {
    const cluster = new FakeCluster();
    await expectAdmit(cluster, a, '');
    expect(cluster.calls).toEqual([]);
  });

  it('is the plugin named NodeRestriction, a mutating one as in kube-apiserver', () => {
    const plugin = nodeRestriction(new FakeCluster());
    expect(plugin.name).toBe('NodeRestriction');
    expect(plugin.admit).toBeTypeOf('function');
    expect(plugin.validate).toBeUndefined();
  });

  it('refuses a node user without a node name, whatever the resource', async () => {
    const anon = { username: 'system:node:', groups: ['system:nodes'] };
    await expectAdmit(new FakeCluster(), { ...attrs('CREATE', CONFIGMAPS, { object: { metadata: { name: 'mycm' } }, namespace: 'myns', name: 'mycm' }), user: anon }, '403 configmaps "mycm" is forbidden: could not determine node from user "system:node:"');
  });

  it('takes a name-less refusal\'s name from the object, else calls it Unknown', async () => {
    const anon = { username: 'system:node:', groups: ['system:nodes'] };
    await expectAdmit(new FakeCluster(), attrs('CREATE', CONFIGMAPS, { object: { metadata: { name: 'from-body' } }, namespace: 'myns', user: anon }), '403 configmaps "from-body" is forbidden: could not determine node from user "system:node:"');
    await expectAdmit(new FakeCluster(), attrs('CREATE', CONFIGMAPS, { object: { metadata: {} }, namespace: 'myns', user: anon }), '403 configmaps "Unknown" is forbidden: could not determine node from user "system:node:"');
    await expectAdmit(new FakeCluster(), attrs('CREATE', CONFIGMAPS, { object: { metadata: { name: 7 } } as never, namespace: 'myns', user: anon }), '403 configmaps "Unknown" is forbidden: could not determine node from user "system:node:"');
    await expectAdmit(new FakeCluster(), attrs('DELETE', CONFIGMAPS, { namespace: 'myns', user: anon }), '403 configmaps "Unknown" is forbidden: could not determine node from user "system:node:"');
  });

  it('is not a node for a node name outside system:nodes, nor for anyone else', async () => {
    const a = attrs('DELETE', gr('', 'nodes'), { name: 'othernode' });
    await expectAdmit(new FakeCluster(), { ...a, user: { username: 'system:node:mynode', groups: ['system:authenticated'] } }, '');
    await expectAdmit(new FakeCluster(), { ...a, user: bob }, '');
    await expectAdmit(new FakeCluster(), { ...a, user: undefined }, '');
    await expectAdmit(new FakeCluster(), { ...a, user: mynode }, '403 nodes "othernode" is forbidden: node "mynode" is not allowed to modify node "othernode"');
  });
});
