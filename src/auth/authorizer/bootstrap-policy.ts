/**
 * The default ClusterRoles and ClusterRoleBindings kube-apiserver reconciles at start-up
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), limited to the roles that matter
 * to satoken: cluster-admin, the aggregated admin/edit/view with their system:aggregate-to-*
 * parts, system:basic-user, system:discovery, system:public-info-viewer, system:monitoring,
 * system:service-account-issuer-discovery, system:auth-delegator, system:node,
 * system:node-proxier and system:kube-scheduler (the scheduler binds pods as
 * `system:kube-scheduler`). Every object carries `kubernetes.io/bootstrapping: rbac-defaults` and
 * `rbac.authorization.kubernetes.io/autoupdate: "true"`, as `addDefaultMetadata` sets them.
 */
import type { ClusterRole, ClusterRoleBinding, Subject } from '../../registry/types.js';
import { resolveAggregatedRules } from './aggregation.js';
import { bootstrapRoleRules } from './bootstrap-rules.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
const BOOTSTRAP_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' } as const;
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } as const;
const AGGREGATE_TO = (role: string) => `rbac.authorization.k8s.io/aggregate-to-${role}`;

/** The aggregated roles: name, the label it gathers, the label it carries itself. */
const AGGREGATED: ReadonlyArray<{ name: string; selects: string; carries?: string }> = [
  { name: 'admin', selects: AGGREGATE_TO('admin') },
  { name: 'edit', selects: AGGREGATE_TO('edit'), carries: AGGREGATE_TO('admin') },
  { name: 'view', selects: AGGREGATE_TO('view'), carries: AGGREGATE_TO('edit') },
];

function labels(extra?: string): Record<string, string> {
  return extra ? { [extra]: 'true', ...BOOTSTRAP_LABEL } : { ...BOOTSTRAP_LABEL };
}

function byName<T extends { metadata: { name?: string } }>(a: T, b: T): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The default ClusterRoles, sorted by name. With `aggregated` (default true) admin, edit and view
 * hold the rules the clusterrole-aggregation controller gives them; without, they have no rules
 * (as policy.go creates them) and only their aggregationRule.
 * @example
 * const view = bootstrapClusterRoles().find((r) => r.metadata.name === 'view');
 */
export function bootstrapClusterRoles(opts: { aggregated?: boolean } = {}): ClusterRole[] {
  const roles: ClusterRole[] = [];
  const carried: Record<string, string> = {
    'system:aggregate-to-admin': AGGREGATE_TO('admin'),
    'system:aggregate-to-edit': AGGREGATE_TO('edit'),
    'system:aggregate-to-view': AGGREGATE_TO('view'),
  };
  for (const [name, rules] of Object.entries(bootstrapRoleRules())) {
    roles.push({ apiVersion: RBAC_V1, kind: 'ClusterRole', metadata: { name, labels: sortKeys(labels(carried[name])), annotations: { ...AUTOUPDATE } }, rules });
  }
  for (const a of AGGREGATED) {
    roles.push({
      apiVersion: RBAC_V1,
      kind: 'ClusterRole',
      metadata: { name: a.name, labels: sortKeys(labels(a.carries)), annotations: { ...AUTOUPDATE } },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [a.selects]: 'true' } }] },
    });
  }
  roles.sort(byName);
  if (opts.aggregated === false) return roles;
  const base = roles.map((r) => ({ ...r }));
  for (const r of roles) if (r.aggregationRule) r.rules = structuredClone(resolveAggregatedRules(r, base));
  return roles;
}

function group(name: string): Subject {
  return { kind: 'Group', apiGroup: RBAC_GROUP, name };
}

function binding(name: string, subjects: Subject[]): ClusterRoleBinding {
  const b: ClusterRoleBinding = {
    apiVersion: RBAC_V1,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP_LABEL }, annotations: { ...AUTOUPDATE } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
  };
  if (subjects.length) b.subjects = subjects;
  return b;
}

/**
 * The default ClusterRoleBindings, sorted by name: cluster-admin → Group system:masters;
 * system:basic-user and system:discovery → system:authenticated; system:public-info-viewer →
 * system:authenticated and system:unauthenticated; system:monitoring → Group system:monitoring;
 * system:service-account-issuer-discovery → Group system:serviceaccounts; system:node-proxier →
 * User system:kube-proxy; system:kube-scheduler → User system:kube-scheduler; system:node with no
 * subjects (the Node authorizer serves nodes).
 * @example
 * const crbs = bootstrapClusterRoleBindings();
 */
export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    binding('cluster-admin', [group('system:masters')]),
    binding('system:monitoring', [group('system:monitoring')]),
    binding('system:discovery', [group('system:authenticated')]),
    binding('system:basic-user', [group('system:authenticated')]),
    binding('system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    binding('system:node-proxier', [{ kind: 'User', apiGroup: RBAC_GROUP, name: 'system:kube-proxy' }]),
    binding('system:node', []),
    binding('system:kube-scheduler', [{ kind: 'User', apiGroup: RBAC_GROUP, name: 'system:kube-scheduler' }]),
    binding('system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
  ].sort(byName);
}
