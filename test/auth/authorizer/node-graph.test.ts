import { describe, expect, it } from 'vitest';
import { isMirrorPod, podApiReferences, podReferences } from '../../../src/auth/authorizer/node-graph.js';
import { hasPathFrom, type VertexType } from '../../../src/auth/authorizer/node-relations.js';
import type { KubeObject, Pod, Volume } from '../../../src/registry/types.js';

// The edges of plugin/pkg/auth/authorizer/node/graph.go AddPod / AddPV with pkg/api/v1/pod/util.go
// VisitPodSecretNames / VisitPodConfigmapNames and pkg/api/v1/persistentvolume/util.go
// VisitPVSecretNames (kubelet-visible references only).

const pod: Pod = {
  metadata: { name: 'web-0', namespace: 'a' },
  spec: {
    nodeName: 'n1',
    serviceAccountName: 'web',
    imagePullSecrets: [{ name: 'regcred' }, { name: '' }],
    initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'init-env' } }] }],
    containers: [
      {
        name: 'c',
        env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } }, { name: 'C', value: 'plain' }],
        envFrom: [{ secretRef: { name: 'envfrom-secret' } }],
      },
    ],
    ephemeralContainers: [{ name: 'debug', envFrom: [{ secretRef: { name: 'debug-secret' } }] }],
    volumes: [
      { name: 'sec', secret: { secretName: 'vol-secret' } },
      { name: 'cm', configMap: { name: 'vol-cm' } },
      { name: 'proj', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'kube-root-ca.crt' } }, { serviceAccountToken: { path: 'token' } }] } },
      { name: 'csi', csi: { driver: 'x', nodePublishSecretRef: { name: 'csi-secret' } } },
      { name: 'ceph', cephfs: { monitors: [], secretRef: { name: 'ceph-secret' } } },
      { name: 'az', azureFile: { secretName: 'az-secret', shareName: 's' } },
      { name: 'cinder', cinder: { volumeID: 'v', secretRef: { name: 'cinder-secret' } } },
      { name: 'flex', flexVolume: { driver: 'd', secretRef: { name: 'flex-secret' } } },
      { name: 'rbd', rbd: { monitors: [], image: 'i', secretRef: { name: 'rbd-secret' } } },
      { name: 'scaleio', scaleIO: { gateway: 'g', system: 's', secretRef: { name: 'scaleio-secret' } } },
      { name: 'iscsi', iscsi: { targetPortal: 't', iqn: 'q', lun: 0, secretRef: { name: 'iscsi-secret' } } },
      { name: 'sos', storageos: { volumeName: 'v', secretRef: { name: 'storageos-secret' } } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-claim' } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } },
      { name: 'tmp', emptyDir: {} },
    ],
    resourceClaims: [{ name: 'gpu', resourceClaimName: 'gpu-claim' }, { name: 'tpl', resourceClaimTemplateName: 't' }, { name: 'pending', resourceClaimTemplateName: 't2' }, { name: 'odd' }],
  },
  status: { resourceClaimStatuses: [{ name: 'tpl', resourceClaimName: 'web-0-tpl-x1' }, { name: 'pending' }] },
};

describe('podReferences', () => {
  it('finds every secret, config map, claim, resource claim and the service account a pod uses', () => {
    const refs = podReferences(pod);
    expect(refs.serviceAccount).toBe('web');
    expect(refs.secrets).toEqual(['regcred', 'envfrom-secret', 'env-secret', 'debug-secret', 'vol-secret', 'proj-secret', 'csi-secret', 'ceph-secret', 'az-secret', 'cinder-secret', 'flex-secret', 'rbd-secret', 'scaleio-secret', 'iscsi-secret', 'storageos-secret']);
    expect(refs.configMaps).toEqual(['init-env', 'env-cm', 'vol-cm', 'kube-root-ca.crt']);
    expect(refs.persistentVolumeClaims).toEqual(['data-claim', 'web-0-scratch']);
    expect(refs.resourceClaims).toEqual(['gpu-claim', 'web-0-tpl-x1']);
  });

  it('gives a mirror pod no references, though podApiReferences still sees them', () => {
    const mirror: Pod = { ...pod, metadata: { ...pod.metadata, annotations: { 'kubernetes.io/config.mirror': '' } } };
    expect(isMirrorPod(mirror)).toBe(true);
    expect(podReferences(mirror)).toEqual({ secrets: [], configMaps: [], persistentVolumeClaims: [], resourceClaims: [] });
    expect(podApiReferences(mirror).secrets).toHaveLength(15);
  });

  it.each<[string, unknown, boolean]>([
    ['an annotation with any value makes a mirror pod', { 'kubernetes.io/config.mirror': 'hash' }, true],
    ['other annotations do not', { 'kubernetes.io/config.source': 'file' }, false],
    ['no annotations do not', undefined, false],
    ['null annotations do not', null, false],
    ['annotations that are not an object do not', 'kubernetes.io/config.mirror', false],
  ])('%s', (_name, annotations, mirror) => {
    expect(isMirrorPod({ metadata: { annotations } } as never)).toBe(mirror);
  });

  it('lets the first source of a volume decide, as Go\'s switch does', () => {
    const both = { name: 'v', azureFile: { secretName: 'first' }, secret: { secretName: 'second' }, configMap: { name: 'cm' } } as Volume;
    const refs = podReferences({ metadata: { name: 'p' }, spec: { containers: [], volumes: [both] } });
    expect(refs.secrets).toEqual(['first']);
    expect(refs.configMaps).toEqual(['cm']);
  });

  it('skips a volume source set to null, as a nil pointer', () => {
    const v = { name: 'v', azureFile: null, secret: { secretName: 'x' }, persistentVolumeClaim: null, ephemeral: {} } as unknown as Volume;
    const refs = podReferences({ metadata: { name: 'p' }, spec: { containers: [], volumes: [v, { name: 'w', ephemeral: null } as unknown as Volume] } });
    expect(refs.secrets).toEqual(['x']);
    expect(refs.persistentVolumeClaims).toEqual(['p-v']);
  });

  it('names an ephemeral claim after the pod, empty name or not', () => {
    expect(podReferences({ metadata: {}, spec: { containers: [], volumes: [{ name: 'v', ephemeral: {} }] } }).persistentVolumeClaims).toEqual(['-v']);
    expect(podReferences({ metadata: { name: 'p' }, spec: { containers: [], volumes: [{ ephemeral: {} } as never] } }).persistentVolumeClaims).toEqual(['p-']);
  });

  it.each<[string, unknown[], unknown[], string[]]>([
    ['a direct claim name wins', [{ name: 'a', resourceClaimName: 'direct', resourceClaimTemplateName: 't' }], [{ name: 'a', resourceClaimName: 'generated' }], ['direct']],
    ['a null claim name falls back to the template\'s status', [{ name: 'a', resourceClaimName: null, resourceClaimTemplateName: 't' }], [{ name: 'a', resourceClaimName: 'generated' }], ['generated']],
    ['the status entry of the same name, not the first one', [{ name: 'b', resourceClaimTemplateName: 't' }], [{ name: 'a', resourceClaimName: 'wrong' }, { name: 'b', resourceClaimName: 'right' }], ['right']],
    ['a claim with neither name nor template has no claim, whatever the status says', [{ name: 'a' }], [{ name: 'a', resourceClaimName: 'x' }], []],
    ['a null template is no template', [{ name: 'a', resourceClaimTemplateName: null }], [{ name: 'a', resourceClaimName: 'x' }], []],
    ['a template not yet generated has no claim', [{ name: 'a', resourceClaimTemplateName: 't' }], [], []],
  ])('resource claims: %s', (_name, claims, statuses, want) => {
    const p = { metadata: { name: 'p' }, spec: { containers: [], resourceClaims: claims }, status: { resourceClaimStatuses: statuses } } as never;
    expect(podReferences(p).resourceClaims).toEqual(want);
  });

  it('survives a pod of the wrong shapes', () => {
    const odd = { metadata: { name: 'p' }, spec: { serviceAccountName: 7, containers: 'x', volumes: [null, 3, { name: 'v', secret: null, projected: { sources: 'x' } }], imagePullSecrets: {}, resourceClaims: null } } as never;
    expect(podReferences(odd)).toEqual({ secrets: [], configMaps: [], persistentVolumeClaims: [], resourceClaims: [] });
    expect(podReferences({ metadata: {} } as never)).toEqual({ secrets: [], configMaps: [], persistentVolumeClaims: [], resourceClaims: [] });
  });
});

describe('hasPathFrom through persistent volumes', () => {
  const onNode: Pod = { metadata: { name: 'p', namespace: 'a' }, spec: { nodeName: 'n1', containers: [], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'c' } }] } };
  const pv = (name: string, source: Record<string, unknown>, claimRef: unknown = { namespace: 'a', name: 'c' }): KubeObject => ({ metadata: { name }, spec: { ...(claimRef ? { claimRef } : {}), ...source } });
  const graph = (pvs: KubeObject[]) => ({ podsOnNode: async () => [onNode], persistentVolumes: async () => pvs });
  const can = (pvs: KubeObject[], type: VertexType, ns: string, name: string) => hasPathFrom(graph(pvs), 'n1', type, ns, name);

  it.each<[string, Record<string, unknown>, string, string, boolean]>([
    ['azureFile: its secret namespace', { azureFile: { secretName: 's', secretNamespace: 'x' } }, 'x', 's', true],
    ['azureFile: else the claim\'s namespace', { azureFile: { secretName: 's' } }, 'a', 's', true],
    ['azureFile: an empty secret namespace is the claim\'s', { azureFile: { secretName: 's', secretNamespace: '' } }, 'a', 's', true],
    ['cephfs: the reference\'s namespace', { cephfs: { secretRef: { name: 's', namespace: 'x' } } }, 'x', 's', true],
    ['cephfs: else the claim\'s', { cephfs: { secretRef: { name: 's' } } }, 'a', 's', true],
    ['flexVolume: else the claim\'s', { flexVolume: { secretRef: { name: 's' } } }, 'a', 's', true],
    ['rbd: the reference\'s namespace', { rbd: { secretRef: { name: 's', namespace: 'x' } } }, 'x', 's', true],
    ['scaleIO: else the claim\'s', { scaleIO: { secretRef: { name: 's' } } }, 'a', 's', true],
    ['iscsi: else the claim\'s', { iscsi: { secretRef: { name: 's' } } }, 'a', 's', true],
    ['cinder: only the reference\'s namespace', { cinder: { secretRef: { name: 's' } } }, 'a', 's', false],
    ['cinder: with its namespace', { cinder: { secretRef: { name: 's', namespace: 'x' } } }, 'x', 's', true],
    ['storageos: with its namespace', { storageos: { secretRef: { name: 's', namespace: 'x' } } }, 'x', 's', true],
    ['csi: the node publish secret', { csi: { driver: 'd', nodePublishSecretRef: { name: 's', namespace: 'x' } } }, 'x', 's', true],
    ['csi: the node stage secret', { csi: { driver: 'd', nodeStageSecretRef: { name: 's', namespace: 'x' } } }, 'x', 's', true],
    ['csi: not the controller publish secret (kubelet cannot see it)', { csi: { driver: 'd', controllerPublishSecretRef: { name: 's', namespace: 'x' } } }, 'x', 's', false],
    ['csi: not the controller expand secret', { csi: { driver: 'd', controllerExpandSecretRef: { name: 's', namespace: 'x' } } }, 'x', 's', false],
    ['a reference without a name is nothing', { cephfs: { secretRef: { namespace: 'x' } } }, 'x', '', false],
    ['the secret in another namespace is not it', { cephfs: { secretRef: { name: 's', namespace: 'x' } } }, 'a', 's', false],
    ['no source, no secret', { hostPath: { path: '/' } }, 'a', 's', false],
  ])('%s', async (_name, source, ns, secret, want) => {
    expect(await can([pv('v', source)], 'secret', ns, secret)).toBe(want);
  });

  it('reaches a volume bound to a claim of a pod on the node, and only such a volume', async () => {
    expect(await can([pv('v', {})], 'pv', '', 'v')).toBe(true);
    expect(await can([pv('v', {}, { namespace: 'a', name: 'other' })], 'pv', '', 'v')).toBe(false);
    expect(await can([pv('v', {}, { namespace: 'b', name: 'c' })], 'pv', '', 'v')).toBe(false);
    expect(await can([pv('v', {}, null)], 'pv', '', 'v')).toBe(false);
    expect(await can([pv('w', {})], 'pv', '', 'v')).toBe(false);
    expect(await can([pv('v', { cephfs: { secretRef: { name: 's' } } }, { namespace: 'a', name: 'other' })], 'secret', 'a', 's')).toBe(false);
  });

  it('never reaches a volume without a claim reference, whatever the claims are called', async () => {
    const odd: Pod = { metadata: { name: 'p', namespace: 'undefined' }, spec: { nodeName: 'n1', containers: [], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'undefined' } }] } };
    const g = { podsOnNode: async () => [odd], persistentVolumes: async () => [pv('v', { cephfs: { secretRef: { name: 's', namespace: 'undefined' } } }, null)] };
    expect(await hasPathFrom(g, 'n1', 'pv', '', 'v')).toBe(false);
    expect(await hasPathFrom(g, 'n1', 'secret', 'undefined', 's')).toBe(false);
  });

  it('answers for the kind asked, not for another kind of the same name', async () => {
    const bound = [pv('v', { cinder: { secretRef: { name: 'v' } } }), pv('x', { cephfs: { secretRef: { name: 'other' } } })];
    expect(await can(bound, 'secret', '', 'v')).toBe(true);
    expect(await can(bound, 'secret', 'a', 'x')).toBe(false);
    expect(await can(bound, 'pv', '', 'other')).toBe(false);
    expect(await can([pv('v', { cinder: { secretRef: { name: 's' } } })], 'pv', '', 's')).toBe(false);
  });

  it('does not list volumes for other kinds of object', async () => {
    let listed = 0;
    const g = { podsOnNode: async () => [onNode], persistentVolumes: async () => (listed++, []) };
    expect(await hasPathFrom(g, 'n1', 'configmap', 'a', 'x')).toBe(false);
    expect(await hasPathFrom(g, 'n1', 'pvc', 'a', 'c')).toBe(true);
    expect(listed).toBe(0);
  });

  it('relates attachments and slices by spec.nodeName', async () => {
    const objs = [{ metadata: { name: 'x' }, spec: { nodeName: 'n1' } }, { metadata: { name: 'y' }, spec: { nodeName: 'n2' } }];
    const g = { podsOnNode: async () => [], volumeAttachments: async () => objs, resourceSlices: async () => objs };
    expect(await hasPathFrom(g, 'n1', 'volumeattachment', '', 'x')).toBe(true);
    expect(await hasPathFrom(g, 'n1', 'volumeattachment', '', 'y')).toBe(false);
    expect(await hasPathFrom(g, 'n1', 'resourceslice', '', 'x')).toBe(true);
    expect(await hasPathFrom(g, 'n1', 'resourceslice', '', 'y')).toBe(false);
    expect(await hasPathFrom(g, 'n1', 'resourceslice', '', 'z')).toBe(false);
  });
});

describe('hasPathFrom through pods', () => {
  const p: Pod = {
    metadata: { name: 'p', namespace: 'a' },
    spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [], volumes: [{ name: 's', secret: { secretName: 's' } }, { name: 'cm', configMap: { name: 'cm' } }, { name: 'c', persistentVolumeClaim: { claimName: 'claim' } }], resourceClaims: [{ name: 'r', resourceClaimName: 'rc' }] },
  };
  const g = { podsOnNode: async () => [p] };
  it.each<[VertexType, string, boolean]>([
    ['pod', 'p', true],
    ['serviceaccount', 'sa', true],
    ['secret', 's', true],
    ['configmap', 'cm', true],
    ['pvc', 'claim', true],
    ['resourceclaim', 'rc', true],
    ['secret', 'p', false],
    ['configmap', 'sa', false],
    ['configmap', 's', false],
    ['pvc', 'cm', false],
    ['configmap', 'claim', false],
    ['secret', 'rc', false],
    ['serviceaccount', 'p', false],
    ['pod', 'sa', false],
    ['pv', 'claim', false],
  ])('%s %s: %s', async (type, name, want) => {
    expect(await hasPathFrom(g, 'n1', type, 'a', name)).toBe(want);
  });

  it('takes a pod without a namespace as in namespace "", and one without a spec as bound nowhere', async () => {
    const bare = { metadata: { name: 'b' }, spec: { nodeName: 'n1', containers: [] } } as Pod;
    expect(await hasPathFrom({ podsOnNode: async () => [bare] }, 'n1', 'pod', '', 'b')).toBe(true);
    expect(await hasPathFrom({ podsOnNode: async () => [{ metadata: { name: 'b', namespace: 'a' } } as Pod] }, 'n1', 'pod', 'a', 'b')).toBe(false);
  });
});
