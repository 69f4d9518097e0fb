import { kind, type ResourceInfo } from './resource-info.js';

/**
 * apps/v1 (pkg/registry/apps/*): the workloads are in category `all`, have status and a generation
 * (Deployment's also grows when its annotations change), and all but DaemonSet have `/scale`.
 * `initial` is the status a new object has: the Go zero value as encoding/json writes it (the
 * counters without `omitempty` appear as 0).
 */
const apps = (resource: string, kindName: string, o: Parameters<typeof kind>[5]) => kind('apps', 'v1', resource, kindName, true, o);

export const APPS: readonly ResourceInfo[] = [
  apps('controllerrevisions', 'ControllerRevision', {}),
  apps('daemonsets', 'DaemonSet', {
    shortNames: ['ds'],
    categories: ['all'],
    status: { initial: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 } },
    generation: 'spec',
  }),
  apps('deployments', 'Deployment', { shortNames: ['deploy'], categories: ['all'], status: { initial: {}, keepMetadata: ['labels'] }, generation: 'spec+annotations', scale: true }),
  apps('replicasets', 'ReplicaSet', { shortNames: ['rs'], categories: ['all'], status: { initial: { replicas: 0 } }, generation: 'spec', scale: true }),
  apps('statefulsets', 'StatefulSet', { shortNames: ['sts'], categories: ['all'], status: { initial: { replicas: 0, availableReplicas: 0 } }, generation: 'spec', scale: true }),
];
