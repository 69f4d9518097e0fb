import { describe, expect, it } from 'vitest';
import { toTable, wantsTable, type IncludeObject } from '../../../src/api/discovery/index.js';
import { tableColumns } from '../../../src/api/discovery/table-columns.js';
import { kindInfo } from '../../../src/registry/kinds.js';
import type { KubeObject } from '../../../src/registry/types.js';

const CREATED = '2024-06-06T10:00:00Z';
const NOW = Date.parse('2024-06-06T10:05:12Z');
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: CREATED, ...extra });
const partial = (o: KubeObject) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });
const table = (kind: string, rows: unknown[], resourceVersion = '42') => ({
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: { resourceVersion },
  columnDefinitions: tableColumns(kind),
  rows,
});

const ns: KubeObject = { metadata: meta('team-a'), status: { phase: 'Active' } };
const sa: KubeObject = { metadata: meta('build-robot', { namespace: 'default' }), secrets: [{ name: 'build-robot-token' }] };
const secret: KubeObject = { metadata: meta('regcred', { namespace: 'default' }), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30=' } };
const cm: KubeObject = { metadata: meta('kube-root-ca.crt', { namespace: 'default' }), data: { 'ca.crt': 'x' }, binaryData: { 'ca.der': 'eA==' } };
const node: KubeObject = {
  metadata: meta('node-1', { labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge', 'node-role.kubernetes.io/': '' } }),
  spec: { unschedulable: true },
  status: {
    conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
    addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '10.0.0.11' }],
    nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: '' },
  },
};
const bareNode: KubeObject = { metadata: meta('node-2') };
const event: KubeObject = {
  metadata: meta('build-robot.17d', { namespace: 'default' }),
  involvedObject: { kind: 'ServiceAccount', name: 'build-robot', fieldPath: '' },
  reason: 'TokenIssued',
  message: '  issued a token \n',
  type: 'Normal',
  source: { component: '' },
  reportingComponent: 'satoken',
  reportingInstance: 'satoken-0',
  firstTimestamp: '2024-06-06T10:00:00Z',
  lastTimestamp: '2024-06-06T10:04:00Z',
  count: 3,
};
const seriesEvent: KubeObject = {
  metadata: meta('kubelet.18a', { namespace: 'default' }),
  involvedObject: { kind: 'Node' },
  reason: 'Starting',
  type: 'Warning',
  source: { component: 'kubelet', host: 'node-1' },
  eventTime: '2024-06-06T10:01:00.123456Z',
  series: { count: 9, lastObservedTime: '2024-06-06T10:05:00.000000Z' },
};
const role: KubeObject = { metadata: meta('pod-reader', { namespace: 'default' }), rules: [] };
const oldRole: KubeObject = { metadata: { name: 'no-timestamp' } };
const binding: KubeObject = {
  metadata: meta('read-pods', { namespace: 'default' }),
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
  subjects: [
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' },
    { kind: 'ServiceAccount', name: 'build-robot', namespace: 'default' },
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' },
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'joe' },
  ],
};
const clusterBinding: KubeObject = { metadata: meta('admins'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' } };
const pod: KubeObject = {
  metadata: meta('web', { namespace: 'default' }),
  spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
  status: { phase: 'Running', podIPs: [{ ip: '10.244.0.5' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
};
const donePod: KubeObject = { metadata: meta('job-x', { namespace: 'default' }), spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };

describe('Tables for kubectl get', () => {
  it.each([
    ['kubectl get', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', true],
    ['kubectl get -o yaml', 'application/json', false],
    ['a v1beta1-only client', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', false],
    ['a protobuf Table', 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io', false],
    ['a client without Accept', undefined, false],
  ])('are wanted by %s: %s', (_name, accept, expected) => {
    expect(wantsTable(accept)).toBe(expected);
  });

  it.each([
    ['Namespace', ns, ['team-a', 'Active', '5m12s']],
    ['ServiceAccount', sa, ['build-robot', 1, '5m12s']],
    ['Secret', secret, ['regcred', 'kubernetes.io/dockerconfigjson', 1, '5m12s']],
    ['ConfigMap', cm, ['kube-root-ca.crt', 2, '5m12s']],
    ['Node', node, ['node-1', 'Ready,SchedulingDisabled', 'control-plane,edge,worker', '5m12s', 'v1.33.1', '10.0.0.11', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', '<unknown>']],
    ['Node', bareNode, ['node-2', 'Unknown', '<none>', '5m12s', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']],
    ['Event', event, ['72s', 'Normal', 'TokenIssued', 'serviceaccount/build-robot', '', 'satoken, satoken-0', 'issued a token', '5m12s', 3, 'build-robot.17d']],
    ['Event', seriesEvent, ['12s', 'Warning', 'Starting', 'node', '', 'kubelet, node-1', '', '4m11s', 9, 'kubelet.18a']],
    ['Role', role, ['pod-reader', CREATED]],
    ['ClusterRole', oldRole, ['no-timestamp', '0001-01-01T00:00:00Z']],
    ['RoleBinding', binding, ['read-pods', 'Role/pod-reader', '5m12s', 'jane, joe', 'devs', 'default/build-robot']],
    ['ClusterRoleBinding', clusterBinding, ['admins', 'ClusterRole/cluster-admin', '5m12s', '', '', '']],
    ['Pod', pod, ['web', '1/1', 'Running', '0', '5m12s', '10.244.0.5', 'node-1', '<none>', '<none>']],
  ])('render a %s row as the upstream printer does', (kind, obj, cells) => {
    expect(toTable(kindInfo(kind)!, [obj], { now: NOW, includeObject: 'Metadata', resourceVersion: '42' })).toEqual(table(kind, [{ cells, object: partial(obj) }]));
  });

  it('marks a finished pod Completed, as printers.go does', () => {
    expect(toTable(kindInfo('Pod')!, [donePod], { now: NOW, includeObject: 'Metadata', resourceVersion: '42' })).toEqual(
      table('Pod', [
        {
          cells: ['job-x', '0/1', 'Succeeded', '0', '5m12s', '<none>', '<none>', '<none>', '<none>'],
          conditions: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
          object: partial(donePod),
        },
      ]),
    );
  });

  it.each<[string, IncludeObject, unknown]>([
    ['the metadata alone by default, as kubectl asks', 'Metadata', { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: sa.metadata }],
    ['the whole object with its kind and apiVersion', 'Object', { kind: 'ServiceAccount', apiVersion: 'v1', ...sa }],
    ['nothing', 'None', null],
  ])('include %s in each row', (_name, includeObject, object) => {
    expect(toTable(kindInfo('ServiceAccount')!, [sa], { now: NOW, includeObject, resourceVersion: '42' })).toEqual(table('ServiceAccount', [{ cells: ['build-robot', 1, '5m12s'], object }]));
  });

  it('renders an empty list with columns and no rows, and no resourceVersion when none is given', () => {
    expect(toTable(kindInfo('Secret')!, [], { now: NOW, includeObject: 'Metadata' })).toEqual({ ...table('Secret', []), metadata: {} });
  });

  it('keeps rows in the order of the objects given', () => {
    const other: KubeObject = { metadata: meta('a-first', { namespace: 'default' }) };
    expect(toTable(kindInfo('ServiceAccount')!, [sa, other], { now: NOW, includeObject: 'None', resourceVersion: '42' }).rows.map((r) => r.cells[0])).toEqual(['build-robot', 'a-first']);
  });
});
