import { describe, expect, it } from 'vitest';
import { podReferences } from '../../../src/auth/authorizer/index.js';
import type { Pod } from '../../../src/registry/types.js';

const pod: Pod = {
  metadata: { name: 'web-0', namespace: 'a' },
  spec: {
    nodeName: 'n1',
    serviceAccountName: 'web',
    imagePullSecrets: [{ name: 'regcred' }],
    initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'init-env' } }] }],
    containers: [
      {
        name: 'c',
        env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } }],
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
      { name: 'data', persistentVolumeClaim: { claimName: 'data-claim' } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } },
    ],
  },
};

describe('podReferences', () => {
  it('finds every secret, config map, claim and the service account a pod uses', () => {
    const refs = podReferences(pod);
    expect(refs.serviceAccount).toBe('web');
    expect(refs.secrets.sort()).toEqual(['az-secret', 'ceph-secret', 'csi-secret', 'debug-secret', 'env-secret', 'envfrom-secret', 'proj-secret', 'regcred', 'vol-secret']);
    expect(refs.configMaps.sort()).toEqual(['env-cm', 'init-env', 'kube-root-ca.crt', 'vol-cm']);
    expect(refs.persistentVolumeClaims).toEqual(['data-claim', 'web-0-scratch']);
  });

  it('gives a mirror pod no references', () => {
    const mirror: Pod = { ...pod, metadata: { ...pod.metadata, annotations: { 'kubernetes.io/config.mirror': 'abc' } } };
    expect(podReferences(mirror)).toEqual({ secrets: [], configMaps: [], persistentVolumeClaims: [] });
  });
});
