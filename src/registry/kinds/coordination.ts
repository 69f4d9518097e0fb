import { kind, type ResourceInfo } from './resource-info.js';

/** coordination.k8s.io/v1: Lease (node heartbeats, leader election); no status, no generation. */
export const COORDINATION: readonly ResourceInfo[] = [kind('coordination.k8s.io', 'v1', 'leases', 'Lease', true)];
