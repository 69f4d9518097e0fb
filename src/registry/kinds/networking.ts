import { kind, type ResourceInfo } from './resource-info.js';

/**
 * networking.k8s.io/v1 (pkg/registry/networking/*): all three carry a generation; only Ingress
 * has status (NetworkPolicy's was removed in 1.28).
 */
export const NETWORKING: readonly ResourceInfo[] = [
  kind('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false, { generation: 'spec' }),
  kind('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, { shortNames: ['ing'], status: { initial: { loadBalancer: {} } }, generation: 'spec' }),
  kind('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'], generation: 'spec' }),
];
