import { rfc3339 } from '../../clock/index.js';
import type { KubeObject, RoleBinding } from '../../registry/types.js';
import { ageSince } from './human-duration.js';
import { podCells } from './pod-cells.js';
import { APPS_PRINTERS } from './printers/apps.js';
import { BATCH_PRINTERS } from './printers/batch.js';
import { CORE_PRINTERS } from './printers/core.js';
import { NETWORKING_PRINTERS } from './printers/networking.js';
import { POLICY_PRINTERS } from './printers/policy.js';
import { TESTING_PRINTERS } from './printers/testing.js';

/**
 * The cells of one Table row per kind, in the order of table-columns.ts: printers.go
 * (`printNamespace`, `printServiceAccount`, `printSecret`, `printNode`, `printConfigMap`,
 * `printEvent`, `printRoleBinding`, `printClusterRoleBinding`, and `printPod` in pod-cells.ts; the
 * other groups' kinds in printers/), run with Wide on as the server does; apiserver's default
 * convertor for any other kind.
 */

type Printer = (obj: KubeObject, now: number) => unknown[];

const len = (m: unknown): number => (m && typeof m === 'object' ? Object.keys(m).length : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const PRINTERS: Record<string, Printer> = {
  ...CORE_PRINTERS,
  ...APPS_PRINTERS,
  ...BATCH_PRINTERS,
  ...NETWORKING_PRINTERS,
  ...POLICY_PRINTERS,
  ...TESTING_PRINTERS,
  Namespace: (o, now) => [name(o), str((o.status as { phase?: string } | undefined)?.phase), ageSince(o.metadata.creationTimestamp, now)],
  ServiceAccount: (o, now) => [name(o), Array.isArray(o.secrets) ? o.secrets.length : 0, ageSince(o.metadata.creationTimestamp, now)],
  Secret: (o, now) => [name(o), str(o.type), len(o.data), ageSince(o.metadata.creationTimestamp, now)],
  ConfigMap: (o, now) => [name(o), len(o.data) + len(o.binaryData), ageSince(o.metadata.creationTimestamp, now)],
  Pod: podCells,
  Node: nodeCells,
  Event: eventCells,
  RoleBinding: bindingCells,
  ClusterRoleBinding: bindingCells,
};

/**
 * The cells for an object of `kind`.
 * @example
 * tableCells('ServiceAccount', { metadata: { name: 'default', creationTimestamp: '2024-06-06T10:00:00Z' }, secrets: [] }, Date.parse('2024-06-06T10:05:00Z'));
 * // ['default', 0, '5m']
 */
export function tableCells(kind: string, obj: KubeObject, now: number): unknown[] {
  const printer = PRINTERS[kind];
  if (printer) return printer(obj, now);
  const created = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  return [name(obj), Number.isNaN(created) ? '0001-01-01T00:00:00Z' : rfc3339(created)];
}

function name(o: KubeObject): string {
  return o.metadata.name ?? '';
}

interface NodeView {
  spec?: { unschedulable?: boolean };
  status?: { conditions?: Array<{ type: string; status: string }>; addresses?: Array<{ type: string; address: string }>; nodeInfo?: Record<string, string> };
}

function nodeCells(obj: KubeObject, now: number): unknown[] {
  const node = obj as KubeObject & NodeView;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  const info = node.status?.nodeInfo ?? {};
  const address = (type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
  return [
    name(node),
    status.join(','),
    [...roles].sort().join(',') || '<none>',
    ageSince(node.metadata.creationTimestamp, now),
    str(info.kubeletVersion),
    address('InternalIP'),
    address('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

interface EventView {
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  count?: number;
  type?: string;
  reason?: string;
  message?: string;
}

function eventCells(obj: KubeObject, now: number): unknown[] {
  const e = obj as KubeObject & EventView;
  const firstSeen = e.firstTimestamp ? ageSince(e.firstTimestamp, now) : ageSince(e.eventTime, now);
  let lastSeen = e.lastTimestamp ? ageSince(e.lastTimestamp, now) : firstSeen;
  let count = e.count ?? 0;
  if (e.series) {
    lastSeen = ageSince(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const involved = e.involvedObject ?? {};
  const kind = str(involved.kind).toLowerCase();
  const target = involved.name ? `${kind}/${involved.name}` : kind;
  const component = e.source?.component || str(e.reportingComponent);
  const instance = e.source?.host || str(e.reportingInstance);
  const source = instance ? `${component}, ${instance}` : component;
  return [lastSeen, str(e.type), str(e.reason), target, str(involved.fieldPath), source, str(e.message).trim(), firstSeen, count, name(e)];
}

function bindingCells(obj: KubeObject, now: number): unknown[] {
  const b = obj as RoleBinding;
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of b.subjects ?? []) {
    if (s.kind === 'ServiceAccount') serviceAccounts.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  const roleRef = `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`;
  return [name(b), roleRef, ageSince(b.metadata.creationTimestamp, now), users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
}
