import { kind, type ResourceInfo } from './resource-info.js';

/**
 * The core group (`/api/v1`) as kube-apiserver 1.33 serves the resources satoken stores: names,
 * short names and categories from each kind's REST storage (pkg/registry/core/<kind>/storage),
 * status subresources as their status strategies define them.
 */
const core = (resource: string, kindName: string, namespaced: boolean, o: Parameters<typeof kind>[5] = {}) => kind('', 'v1', resource, kindName, namespaced, o);

export const CORE: readonly ResourceInfo[] = [
  core('namespaces', 'Namespace', false, { shortNames: ['ns'], status: { initial: { phase: 'Active' } } }),
  core('serviceaccounts', 'ServiceAccount', true, {
    shortNames: ['sa'],
    extraSubresources: [{ name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] }],
  }),
  // the pod strategy sets the status of a new pod (phase Pending, QoS class); /status keeps the owner references
  core('pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ['all'],
    status: { keepMetadata: ['ownerReferences'] },
    // how the scheduler assigns a node (registry/pod-binding.ts)
    extraSubresources: [{ name: 'binding', group: '', version: 'v1', kind: 'Binding', verbs: ['create'] }],
  }),
  core('secrets', 'Secret', true),
  // a node is registered with its status (the kubelet sends capacity, addresses, conditions)
  core('nodes', 'Node', false, { shortNames: ['no'], status: {} }),
  core('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  core('events', 'Event', true, { shortNames: ['ev'] }),
  core('services', 'Service', true, { shortNames: ['svc'], categories: ['all'], status: { initial: { loadBalancer: {} } } }),
  core('endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  core('limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  core('resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'], status: { initial: {} } }),
  core('persistentvolumeclaims', 'PersistentVolumeClaim', true, { shortNames: ['pvc'], status: { initial: { phase: 'Pending' } } }),
];
