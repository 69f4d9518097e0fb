import { describe, expect, it } from 'vitest';
import { tableCells } from '../../../src/api/discovery/table-cells.js';
import { tableColumns } from '../../../src/api/discovery/table-columns.js';
import type { KubeObject } from '../../../src/registry/types.js';

/**
 * The rows pkg/printers/internalversion/printers.go (kube-apiserver 1.33) prints for the kinds
 * beside the identity ones, with Wide on as the server prints: column names, and cells for
 * representative objects.
 */
const NOW = Date.parse('2026-01-01T01:00:00Z');
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z', ...extra });
const template = (...images: string[]) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })), nodeSelector: { disk: 'ssd' } } });

describe('printers.go columns', () => {
  it.each([
    ['Deployment', 'Name Ready Up-to-date Available Age | Containers Images Selector'],
    ['ReplicaSet', 'Name Desired Current Ready Age | Containers Images Selector'],
    ['StatefulSet', 'Name Ready Age | Containers Images'],
    ['DaemonSet', 'Name Desired Current Ready Up-to-date Available Node Selector Age | Containers Images Selector'],
    ['ControllerRevision', 'Name Controller Revision Age'],
    ['Job', 'Name Status Completions Duration Age | Containers Images Selector'],
    ['CronJob', 'Name Schedule Timezone Suspend Active Last Schedule Age | Containers Images Selector'],
    ['Service', 'Name Type Cluster-IP External-IP Port(s) Age | Selector'],
    ['Endpoints', 'Name Endpoints Age'],
    ['PersistentVolumeClaim', 'Name Status Volume Capacity Access Modes StorageClass VolumeAttributesClass Age | VolumeMode'],
    ['ResourceQuota', 'Name Request Limit Age'],
    ['LimitRange', 'Name Created At'],
    ['Ingress', 'Name Class Hosts Address Ports Age'],
    ['IngressClass', 'Name Controller Parameters Age'],
    ['NetworkPolicy', 'Name Pod-Selector Age'],
    ['PodDisruptionBudget', 'Name Min Available Max Unavailable Allowed Disruptions Age'],
    ['Lease', 'Name Holder Age'],
    ['Scale', 'Name Desired Available Age'],
  ])('%s: %s (| before the -o wide ones)', (kind, expected) => {
    const cols = tableColumns(kind);
    const shown = cols.filter((c) => c.priority === 0).map((c) => c.name).join(' ');
    const wide = cols.filter((c) => c.priority === 1).map((c) => c.name).join(' ');
    expect(wide ? `${shown} | ${wide}` : shown).toBe(expected);
  });
});

describe('printers.go cells', () => {
  it.each<[string, KubeObject, unknown[]]>([
    ['Deployment', { metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('nginx', 'envoy') }, status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 } }, ['web', '1/3', 2, 1, '60m', 'c0,c1', 'nginx,envoy', 'app=web']],
    ['ReplicaSet', { metadata: meta('web-5d'), spec: { selector: { matchLabels: { app: 'web' } }, template: template('nginx') }, status: { replicas: 1 } }, ['web-5d', 1, 1, 0, '60m', 'c0', 'nginx', 'app=web']],
    ['DaemonSet', { metadata: meta('agent'), spec: { selector: {}, template: template('agent') }, status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1 } }, ['agent', 2, 2, 1, 0, 0, 'disk=ssd', '60m', 'c0', 'agent', '<none>']],
    ['ControllerRevision', { metadata: meta('web-7c', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }), revision: 2 }, ['web-7c', 'statefulset.apps/web', 2, '60m']],
    ['Job', { metadata: meta('once'), spec: { completions: 3, template: template('busybox') }, status: { succeeded: 3, startTime: '2026-01-01T00:00:00Z', completionTime: '2026-01-01T00:00:42Z', conditions: [{ type: 'Complete', status: 'True' }] } }, ['once', 'Complete', '3/3', '42s', '60m', 'c0', 'busybox', '<none>']],
    ['Job', { metadata: meta('wide'), spec: { parallelism: 4, template: template('busybox') }, status: { startTime: '2026-01-01T00:50:00Z' } }, ['wide', 'Running', '0/1 of 4', '10m', '60m', 'c0', 'busybox', '<none>']],
    ['Service', { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.9'], ports: [{ port: 443, nodePort: 30443, protocol: 'TCP' }], selector: { app: 'web' } }, status: { loadBalancer: {} } }, ['lb', 'LoadBalancer', '10.96.0.9', '<pending>', '443:30443/TCP', '60m', 'app=web']],
    ['Service', { metadata: meta('ext'), spec: { type: 'ExternalName', externalName: 'db.example.com' } }, ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '60m', '<none>']],
    ['Endpoints', { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 8080 }] }] }, ['web', '10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...', '60m']],
    ['PersistentVolumeClaim', { metadata: meta('data'), spec: { volumeName: 'pv-1', storageClassName: 'fast', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'] } }, ['data', 'Bound', 'pv-1', '1Gi', 'RWO,RWX', 'fast', '<unset>', '60m', 'Filesystem']],
    ['ResourceQuota', { metadata: meta('q'), status: { hard: { 'limits.cpu': '2', pods: '10', 'requests.cpu': '1' }, used: { pods: '3' } } }, ['q', 'pods: 3/10, requests.cpu: 0/1', 'limits.cpu: 0/2', '60m']],
    ['Ingress', { metadata: meta('web'), spec: { rules: [{ host: 'a.example.com' }, {}, { host: 'c.example.com' }, { host: 'd.example.com' }, { host: 'e.example.com' }], tls: [{ hosts: ['a.example.com'] }] }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } }, ['web', '<none>', 'a.example.com,c.example.com,d.example.com + 2 more...', '192.0.2.10', '80, 443', '60m']],
    ['IngressClass', { metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } }, ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p', '60m']],
    ['NetworkPolicy', { metadata: meta('deny'), spec: { podSelector: {} } }, ['deny', '<none>', '60m']],
    ['PodDisruptionBudget', { metadata: meta('pdb'), spec: { maxUnavailable: '25%' }, status: { disruptionsAllowed: 1 } }, ['pdb', 'N/A', '25%', 1, '60m']],
    ['Lease', { metadata: meta('node-1'), spec: { holderIdentity: 'node-1' } }, ['node-1', 'node-1', '60m']],
    ['LimitRange', { metadata: meta('limits'), spec: { limits: [] } }, ['limits', '2026-01-01T00:00:00Z']],
  ])('%s row', (kind, obj, cells) => {
    expect(tableCells(kind, obj, NOW)).toEqual(cells);
  });
});
