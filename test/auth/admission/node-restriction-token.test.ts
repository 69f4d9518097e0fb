import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../../src/emulator.js';
import type { KubeObject, Pod } from '../../../src/registry/types.js';
import { admit, attrs, expectAdmit, FakeAuthorizer, FakeCluster, makeTestPod, mynode, SERVICE_ACCOUNTS } from './node-restriction-fixtures.js';

// Ported from plugin/pkg/admission/noderestriction/admission_test.go ("Service accounts", "with
// token audience restrictions") and test/integration/auth/node_test.go
// (TestNodeRestrictionServiceAccountAudience), Kubernetes 1.33.

const tokenRequest = (pod: string | undefined, uid: string, audiences: string[] | null = ['foo'], kind = 'Pod', apiVersion = 'v1'): KubeObject => ({
  apiVersion: 'authentication.k8s.io/v1',
  kind: 'TokenRequest',
  metadata: {},
  spec: { audiences, ...(pod !== undefined ? { boundObjectRef: { kind, apiVersion, name: pod, uid } } : {}) },
});
const token = (tr: KubeObject, ns = 'ns', sa = 'mysa') => attrs('CREATE', SERVICE_ACCOUNTS, { object: tr, namespace: ns, name: sa, subresource: 'token' });
const F = (why: string, sa = 'mysa') => `403 serviceaccounts "${sa}" is forbidden: ${why}`;
const NOT_IN_POD = (aud: string) => F(`audience "${aud}" not found in pod spec volume, system:node:mynode is not authorized to request tokens for this audience`);

const withVolumes = (name: string, volumes: Pod['spec']['volumes']) => makeTestPod('ns', name, 'mynode', false, { volumes });
const mypod = makeTestPod('ns', 'mypod', 'mynode', false);
const otherpod = makeTestPod('ns', 'otherpod', 'othernode', false);
const projectedEmpty = withVolumes('emptyaudpod', [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]);
const projected = withVolumes('mysapod', [{ name: 'v', projected: { sources: [{ serviceAccountToken: { audience: 'foo', path: 'token' } }] } }]);
const csi = withVolumes('mycsipod', [{ name: 'v', csi: { driver: 'com.example.csi.mydriver' } }]);
const pvcRef = withVolumes('mypvcpod', [{ name: 'v', persistentVolumeClaim: { claimName: 'pvclaim' } }]);
const ephemeral = withVolumes('myephemeralpod', [{ name: 'myvol', ephemeral: { volumeClaimTemplate: {} } }]);
const pvcAndCsi = withVolumes('mypvcandcsipod', [{ name: 'a', persistentVolumeClaim: { claimName: 'pvclaim' } }, { name: 'b', csi: { driver: 'com.example.csi.mydriver' } }]);
const inlineAzure = withVolumes('myintreeinlinevoltocsipod', [{ name: 'v', azureFile: { shareName: 'default', secretName: 'secret' } }]);
const pvAzure = withVolumes('myintreepvtocsipod', [{ name: 'v', persistentVolumeClaim: { claimName: 'pvclaim-azurefile' } }]);
const twoMissingClaims = withVolumes('twoclaims', [{ name: 'a', persistentVolumeClaim: { claimName: 'gone-a' } }, { name: 'b', persistentVolumeClaim: { claimName: 'gone-b' } }, { name: 'c', persistentVolumeClaim: { claimName: 'gone-a' } }]);

const driver = (name: string, audience: string): KubeObject => ({ metadata: { name }, spec: { tokenRequests: [{ audience }] } });
const claim = (name: string, volumeName: string): KubeObject => ({ metadata: { name, namespace: 'ns' }, spec: { volumeName } });
const pv = (name: string, spec: Record<string, unknown>): KubeObject => ({ metadata: { name }, spec });

/** The Go test's listers; `drop` leaves a kind's objects out. */
function cluster(drop: { drivers?: boolean; claims?: boolean; volumes?: boolean } = {}, authorizer?: FakeAuthorizer): FakeCluster {
  return new FakeCluster(
    [mypod, otherpod, projectedEmpty, projected, csi, pvcRef, ephemeral, pvcAndCsi, inlineAzure, pvAzure, twoMissingClaims],
    undefined,
    drop.claims ? [] : [claim('pvclaim', 'pvname'), claim('pvclaim-azurefile', 'pvname-azurefile'), claim('myephemeralpod-myvol', 'pvname')],
    drop.volumes ? [] : [pv('pvname', { csi: { driver: 'com.example.csi.mydriver' } }), pv('pvname-azurefile', { claimRef: { namespace: 'ns' }, azureFile: { shareName: 'default', secretName: 'secret' } })],
    drop.drivers ? [] : [driver('com.example.csi.mydriver', 'foo'), driver('file.csi.azure.com', 'foo')],
    authorizer,
  );
}

describe('NodeRestriction for serviceaccounts/token', () => {
  it.each<[string, KubeObject, string]>([
    ['a token not bound to anything is refused', tokenRequest(undefined, ''), F('node requested token not bound to a pod')],
    ['a token bound to a Secret is refused', tokenRequest('mypod', 'pod-uid', ['foo'], 'Secret'), F('node requested token not bound to a pod')],
    ['a token bound to a pod of another API version is refused', tokenRequest('mypod', 'pod-uid', ['foo'], 'Pod', 'v2'), F('node requested token not bound to a pod')],
    ['a token bound to a pod without a name is refused', tokenRequest('', 'pod-uid'), F('node requested token not bound to a pod')],
    ['a token bound to a pod named by a number is not bound to a pod', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 5, uid: 'pod-uid' } } } as never, F('node requested token not bound to a pod')],
    ['a pod binding with a numeric uid has no uid', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'mypod', uid: 5 } } } as never, F('node requested token with a pod binding without a uid')],
    ['a token bound to a pod that does not exist is the pod lister\'s 404', tokenRequest('nopod', 'someuid'), '404 pod "nopod" not found'],
    ['a token bound to a pod without its uid is refused', tokenRequest('mypod', ''), F('node requested token with a pod binding without a uid')],
    ['a token bound to a pod by a stale uid is refused', tokenRequest('mypod', 'old-uid'), F('the UID in the bound object reference (old-uid) does not match the UID in record. The object might have been deleted and then recreated')],
    ['a token bound to a pod on another node is refused', tokenRequest('otherpod', 'pod-uid'), F('node requested token bound to a pod scheduled on a different node')],
    ['a token for an audience its projected volume asks for is admitted', tokenRequest('mysapod', 'pod-uid', ['foo']), ''],
    ['no audience is audience "", which a default projection asks for', tokenRequest('emptyaudpod', 'pod-uid', null), ''],
    ['an empty audience list is audience "" too', tokenRequest('emptyaudpod', 'pod-uid', []), ''],
    ['audience "" itself matches a default projection', tokenRequest('emptyaudpod', 'pod-uid', ['']), ''],
    ['two audiences are refused', tokenRequest('mysapod', 'pod-uid', ['foo', 'bar']), F('node may only request 0 or 1 audiences')],
    ['an audience the pod does not use is refused', tokenRequest('mypod', 'pod-uid', ['foo']), NOT_IN_POD('foo')],
    ['audience "" is refused for a pod without a default projection', tokenRequest('mypod', 'pod-uid', null), NOT_IN_POD('')],
    ['pod -> csi -> CSIDriver with the audience is admitted', tokenRequest('mycsipod', 'pod-uid', ['foo']), ''],
    ['pod -> csi -> CSIDriver without the audience is refused', tokenRequest('mycsipod', 'pod-uid', ['bar']), NOT_IN_POD('bar')],
    ['pod -> pvc -> pv -> csi -> CSIDriver with the audience is admitted', tokenRequest('mypvcpod', 'pod-uid', ['foo']), ''],
    ['pod -> pvc -> pv -> csi -> CSIDriver without the audience is refused', tokenRequest('mypvcpod', 'pod-uid', ['bar']), NOT_IN_POD('bar')],
    ['pod -> ephemeral -> pvc -> pv -> csi -> CSIDriver with the audience is admitted', tokenRequest('myephemeralpod', 'pod-uid', ['foo']), ''],
    ['pod -> ephemeral -> pvc -> pv -> csi -> CSIDriver without the audience is refused', tokenRequest('myephemeralpod', 'pod-uid', ['bar']), NOT_IN_POD('bar')],
    ['an in-tree azureFile PV migrates to file.csi.azure.com, whose audience counts', tokenRequest('myintreepvtocsipod', 'pod-uid', ['foo']), ''],
    ['an in-tree azureFile volume migrates to file.csi.azure.com, whose audience counts', tokenRequest('myintreeinlinevoltocsipod', 'pod-uid', ['foo']), ''],
    ['a missing claim is forgiven when another volume has the audience', tokenRequest('mypvcandcsipod', 'pod-uid', ['foo']), ''],
  ])('%s', async (_name, tr, expected) => {
    await expectAdmit(cluster(), token(tr), expected);
  });

  it.each<[string, { drivers?: boolean; claims?: boolean; volumes?: boolean }, Pod, string]>([
    ['a missing CSIDriver is reported', { drivers: true }, csi, F('error validating audience "foo": csidriver.storage.k8s.io "com.example.csi.mydriver" not found')],
    ['a missing claim is reported', { claims: true }, pvcRef, F('error validating audience "foo": persistentvolumeclaim "pvclaim" not found')],
    ['a missing volume is reported', { volumes: true }, pvcRef, F('error validating audience "foo": persistentvolume "pvname" not found')],
    ['a missing volume is forgiven when an inline CSI driver has the audience', { volumes: true }, pvcAndCsi, ''],
    ['distinct lookup errors are aggregated once each', {}, twoMissingClaims, F('error validating audience "foo": [persistentvolumeclaim "gone-a" not found, persistentvolumeclaim "gone-b" not found]')],
  ])('%s', async (_name, drop, pod, expected) => {
    await expectAdmit(cluster(drop), token(tokenRequest(pod.metadata.name, 'pod-uid', ['foo'])), expected);
  });

  it.each<[string, string]>([
    ['awsElasticBlockStore', 'ebs.csi.aws.com'],
    ['gcePersistentDisk', 'pd.csi.storage.gke.io'],
    ['azureDisk', 'disk.csi.azure.com'],
    ['azureFile', 'file.csi.azure.com'],
    ['cinder', 'cinder.csi.openstack.org'],
    ['vsphereVolume', 'csi.vsphere.vmware.com'],
    ['portworxVolume', 'pxd.portworx.com'],
  ])('an in-tree %s volume, inline or behind a claim, counts as CSI driver %s', async (source, driverName) => {
    const inline = withVolumes('inline', [{ name: 'v', [source]: {} }]);
    const claimed = withVolumes('claimed', [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }]);
    const c = new FakeCluster([inline, claimed], undefined, [claim('c', 'intree')], [pv('intree', { [source]: {} })], [driver(driverName, 'foo')]);
    await expectAdmit(c, token(tokenRequest('inline', 'pod-uid', ['foo'])), '');
    await expectAdmit(c, token(tokenRequest('claimed', 'pod-uid', ['foo'])), '');
    c.drivers = [];
    await expectAdmit(c, token(tokenRequest('inline', 'pod-uid', ['foo'])), F(`error validating audience "foo": csidriver.storage.k8s.io "${driverName}" not found`));
  });

  it.each<[string, Pod['spec']['volumes'], KubeObject[], string[] | null, string]>([
    ['a CSIDriver asking for several audiences grants each', [{ name: 'v', csi: { driver: 'd' } }], [{ metadata: { name: 'd' }, spec: { tokenRequests: [{ audience: 'bar' }, { audience: 'foo' }] } }], ['foo'], ''],
    ['a CSIDriver token request without an audience is audience ""', [{ name: 'v', csi: { driver: 'd' } }], [{ metadata: { name: 'd' }, spec: { tokenRequests: [{ expirationSeconds: 600 }] } }], null, ''],
    ['a CSI volume without a driver names none', [{ name: 'v', csi: {} }], [], ['foo'], NOT_IN_POD('foo')],
    ['a projection of config maps only asks for no audience, not even ""', [{ name: 'v', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }] } }], [], null, NOT_IN_POD('')],
    ['a claim without a volume name leads to volume ""', [{ name: 'v', persistentVolumeClaim: { claimName: 'unbound' } }], [], ['foo'], F('error validating audience "foo": persistentvolume "" not found')],
    ['a claim volume without a claim name leads to claim ""', [{ name: 'v', persistentVolumeClaim: {} } as never], [], ['foo'], F('error validating audience "foo": persistentvolumeclaim "" not found')],
    ['an ephemeral volume without a name leads to claim "<pod>-"', [{ ephemeral: { volumeClaimTemplate: {} } } as never], [], ['foo'], F('error validating audience "foo": persistentvolumeclaim "edge-" not found')],
  ])('%s', async (_name, volumes, drivers, audiences, expected) => {
    const c = new FakeCluster([withVolumes('edge', volumes)], undefined, [{ metadata: { name: 'unbound', namespace: 'ns' }, spec: {} }], [], drivers);
    await expectAdmit(c, token(tokenRequest('edge', 'pod-uid', audiences)), expected);
  });

  it('finds no claim, volume or driver where the cluster serves none', async () => {
    const served = { getPod: (_ns: string, name: string) => [pvcRef, csi].find((p) => p.metadata.name === name), getNode: () => undefined };
    await expectAdmit(served, token(tokenRequest('mypvcpod', 'pod-uid', ['foo'])), F('error validating audience "foo": persistentvolumeclaim "pvclaim" not found'));
    await expectAdmit(served, token(tokenRequest('mycsipod', 'pod-uid', ['foo'])), F('error validating audience "foo": csidriver.storage.k8s.io "com.example.csi.mydriver" not found'));
    const claimsOnly = { ...served, getPersistentVolumeClaim: () => claim('pvclaim', 'pvname') };
    await expectAdmit(claimsOnly, token(tokenRequest('mypvcpod', 'pod-uid', ['foo'])), F('error validating audience "foo": persistentvolume "pvname" not found'));
  });

  it('skips every audience check with ServiceAccountNodeAudienceRestriction off', async () => {
    const c = cluster({ drivers: true, claims: true, volumes: true });
    await expectAdmit(c, token(tokenRequest('mypod', 'pod-uid', ['foo', 'bar'])), '', { serviceAccountNodeAudienceRestriction: false });
    await expectAdmit(c, token(tokenRequest('mycsipod', 'pod-uid', ['foo'])), '', { serviceAccountNodeAudienceRestriction: false });
    expect(c.calls).toEqual(['pod ns/mypod', 'pod ns/mycsipod']);
  });

  it('asks the authorizer for request-serviceaccounts-token-audience on the audience, named after the service account', async () => {
    const authz = new FakeAuthorizer(['request-serviceaccounts-token-audience audience1 mysa']);
    await expectAdmit(cluster({}, authz), token(tokenRequest('mypod', 'pod-uid', ['audience1'])), '');
    await expectAdmit(cluster({}, authz), token(tokenRequest('mypod', 'pod-uid', ['audience2'])), NOT_IN_POD('audience2'));
    await expectAdmit(cluster({}, authz), token(tokenRequest('mypod', 'pod-uid', ['audience1']), 'ns', 'other'), F('audience "audience1" not found in pod spec volume, system:node:mynode is not authorized to request tokens for this audience', 'other'));
    expect(authz.asked[0]).toEqual({ user: mynode, verb: 'request-serviceaccounts-token-audience', namespace: 'ns', apiGroup: '', apiVersion: '', resource: 'audience1', subresource: '', name: 'mysa', resourceRequest: true, path: '' });
  });

  it('never asks the authorizer about an audience the pod uses, or after a lookup error', async () => {
    const authz = new FakeAuthorizer([]);
    await expectAdmit(cluster({}, authz), token(tokenRequest('mysapod', 'pod-uid', ['foo'])), '');
    await expectAdmit(cluster({ drivers: true }, authz), token(tokenRequest('mycsipod', 'pod-uid', ['foo'])), F('error validating audience "foo": csidriver.storage.k8s.io "com.example.csi.mydriver" not found'));
    expect(authz.asked).toEqual([]);
  });

  it('passes other service account requests', async () => {
    const c = cluster();
    await expectAdmit(c, attrs('UPDATE', SERVICE_ACCOUNTS, { object: { metadata: { name: 'mysa' } }, oldObject: { metadata: { name: 'mysa' } }, namespace: 'ns', name: 'mysa', subresource: 'token' }), '');
    await expectAdmit(c, attrs('CREATE', SERVICE_ACCOUNTS, { object: { metadata: { name: 'mysa' } }, namespace: 'ns', name: 'mysa' }), '');
    expect(c.calls).toEqual([]);
    expect(await admit(c, token(undefined as never))).toBe(F('unexpected type <nil>'));
  });
});

describe('NodeRestriction in the control plane, through TokenRequest', () => {
  it('admits with the audiences the node sent, before TokenRequest defaults them, and asks RBAC for the rest', async () => {
    const emu = await createEmulator({ clock: 'manual' });
    try {
      await emu.apply([
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'default' } },
        { apiVersion: 'v1', kind: 'Node', metadata: { name: 'mynode' } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { serviceAccountName: 'app', nodeName: 'mynode', containers: [{ name: 'c', image: 'busybox' }] } },
      ]);
      const boundObjectRef = { kind: 'Pod', name: 'web', uid: emu.get('Pod', 'default', 'web')!.metadata.uid! };
      const notFound = (aud: string) => `serviceaccounts "app" is forbidden: audience "${aud}" not found in pod spec volume, system:node:mynode is not authorized to request tokens for this audience`;
      // no audience: the kube-api-access projection's audience ""
      expect((await emu.requestToken('default', 'app', { boundObjectRef }, mynode)).status.token).toMatch(/^ey/);
      await expect(emu.tokenRequest('default', 'app', { spec: { audiences: [], boundObjectRef: { apiVersion: 'v1', ...boundObjectRef } } }, mynode)).resolves.toBeTruthy();
      await expect(emu.requestToken('default', 'app', { audiences: ['vault'], boundObjectRef }, mynode)).rejects.toThrow(notFound('vault'));
      // the API server's own audience, asked for by name, is not the projection's ""
      await expect(emu.requestToken('default', 'app', { audiences: ['https://kubernetes.default.svc.cluster.local'], boundObjectRef }, mynode)).rejects.toThrow(notFound('https://kubernetes.default.svc.cluster.local'));
      await emu.apply([
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'vault-audience' }, rules: [{ apiGroups: [''], resources: ['vault'], verbs: ['request-serviceaccounts-token-audience'], resourceNames: ['app'] }] },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'vault-audience' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'vault-audience' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:nodes' }] },
      ]);
      expect((await emu.requestToken('default', 'app', { audiences: ['vault'], boundObjectRef }, mynode)).status.token).toMatch(/^ey/);
      await expect(emu.requestToken('default', 'app', { audiences: ['other'], boundObjectRef }, mynode)).rejects.toThrow(notFound('other'));
    } finally {
      await emu.close();
    }
  });
});
