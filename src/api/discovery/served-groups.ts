import { REVIEW_RESOURCES, RESOURCES, type ResourceInfo } from '../../registry/kinds.js';

/** One group-version and the resources under it, sorted by name as apiserver's installer sorts them. */
export interface ServedGroupVersion {
  /** `''` for the core group */
  group: string;
  version: string;
  /** `v1` or `rbac.authorization.k8s.io/v1` */
  groupVersion: string;
  resources: ResourceInfo[];
}

/**
 * kube-aggregator's group priorities (`cmd/kube-apiserver/app/aggregator.go`,
 * apiVersionPriorities): /apis lists groups by descending priority, and kubectl prefers a resource
 * name from the group listed first. Groups missing here sort after these, by name.
 */
const GROUP_PRIORITY: Record<string, number> = {
  apps: 17800,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  batch: 17400,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'coordination.k8s.io': 16500,
};

/**
 * Every group-version satoken serves, derived from registry/kinds.ts (stored kinds and the
 * create-only review kinds): core first, then the named groups in /apis order.
 * @example
 * servedGroupVersions().map((gv) => gv.groupVersion);
 * // ['v1', 'apps/v1', 'authentication.k8s.io/v1', 'authorization.k8s.io/v1', 'batch/v1', 'networking.k8s.io/v1', 'policy/v1', 'rbac.authorization.k8s.io/v1', 'coordination.k8s.io/v1']
 */
export function servedGroupVersions(): ServedGroupVersion[] {
  const byGv = new Map<string, ServedGroupVersion>();
  for (const r of [...RESOURCES, ...REVIEW_RESOURCES]) {
    const groupVersion = r.group ? `${r.group}/${r.version}` : r.version;
    let gv = byGv.get(groupVersion);
    if (!gv) byGv.set(groupVersion, (gv = { group: r.group, version: r.version, groupVersion, resources: [] }));
    gv.resources.push(r);
  }
  const all = [...byGv.values()];
  for (const gv of all) gv.resources.sort((a, b) => compare(a.resource, b.resource));
  return all.sort((a, b) => rank(a.group) - rank(b.group) || compare(a.group, b.group));
}

/**
 * The served versions of one named group, preferred (first) version first; empty when not served.
 * @example
 * servedGroup('rbac.authorization.k8s.io').map((gv) => gv.version); // ['v1']
 */
export function servedGroup(group: string): ServedGroupVersion[] {
  return servedGroupVersions().filter((gv) => gv.group === group);
}

function rank(group: string): number {
  if (group === '') return -1e9;
  return -(GROUP_PRIORITY[group] ?? 0);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
