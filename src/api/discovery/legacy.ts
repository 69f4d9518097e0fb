import type { ResourceInfo } from '../../registry/kinds.js';
import { servedGroup, servedGroupVersions, type ServedGroupVersion } from './served-groups.js';

/**
 * Legacy (unaggregated) discovery: `/api`, `/apis`, `/apis/<g>`, `/api/v1` and `/apis/<g>/<v>`,
 * the shapes of apimachinery `meta/v1` APIVersions, APIGroupList, APIGroup and APIResourceList
 * (apiserver `pkg/endpoints/discovery`). kubectl falls back to these when /api and /apis do not
 * answer in the aggregated form, then fetches every group-version listed in /apis.
 * Rules kept (../shared/reference/real-clients.md §2.3):
 * - `shortNames` are always given where the kind has them (`kubectl get sa` needs them).
 * - every group-version in /apis answers at /apis/<g>/<v>.
 * - subresources are entries `<resource>/<sub>` with an empty singularName, and group/version
 *   when they answer another group's kind (`serviceaccounts/token` → TokenRequest).
 */

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion?: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

/**
 * `/api`: the core versions and the address clients use (`0.0.0.0/0` → `serverAddress`).
 * @example
 * apiVersions('127.0.0.1:6443');
 * // { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] }
 */
export function apiVersions(serverAddress: string) {
  const versions = servedGroupVersions().filter((gv) => gv.group === '').map((gv) => gv.version);
  return { kind: 'APIVersions' as const, versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/**
 * `/apis`: every named group with its versions and preferred version, in priority order.
 * @example
 * apiGroupList().groups.map((g) => g.name);
 * // ['authentication.k8s.io', 'authorization.k8s.io', 'rbac.authorization.k8s.io']
 */
export function apiGroupList() {
  const names = [...new Set(servedGroupVersions().filter((gv) => gv.group !== '').map((gv) => gv.group))];
  return { kind: 'APIGroupList' as const, apiVersion: 'v1' as const, groups: names.map(groupOf) };
}

/**
 * `/apis/<group>`: one group, or undefined when satoken does not serve it (answer 404).
 * @example
 * apiGroup('rbac.authorization.k8s.io')?.preferredVersion; // { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' }
 */
export function apiGroup(group: string) {
  if (!group || servedGroup(group).length === 0) return undefined;
  return { kind: 'APIGroup' as const, apiVersion: 'v1' as const, ...groupOf(group) };
}

/**
 * `/api/v1` (group `''`) or `/apis/<group>/<version>`; undefined for a group-version not served.
 * The core list carries no apiVersion, as kube-apiserver's does not.
 * @example
 * apiResourceList('', 'v1')?.resources.find((r) => r.name === 'serviceaccounts/token');
 * // { name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] }
 */
export function apiResourceList(group: string, version: string): APIResourceList | undefined {
  const gv = servedGroupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const resources = gv.resources.flatMap((r) => [resourceEntry(r), ...subresourceEntries(r, gv)]);
  return group === ''
    ? { kind: 'APIResourceList', groupVersion: gv.groupVersion, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv.groupVersion, resources };
}

function groupOf(name: string): APIGroup {
  const versions = servedGroup(name).map((gv) => ({ groupVersion: gv.groupVersion, version: gv.version }));
  return { name, versions, preferredVersion: versions[0]! };
}

function resourceEntry(r: ResourceInfo): APIResource {
  const entry: APIResource = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] };
  if (r.shortNames.length) entry.shortNames = [...r.shortNames];
  if (r.categories?.length) entry.categories = [...r.categories];
  return entry;
}

function subresourceEntries(r: ResourceInfo, gv: ServedGroupVersion): APIResource[] {
  return r.subresources.map((s) => {
    const otherGroup = s.group !== gv.group || s.version !== gv.version;
    const groupVersion = otherGroup ? { group: s.group, version: s.version } : {};
    return { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, ...groupVersion, kind: s.kind, verbs: [...s.verbs] };
  });
}
