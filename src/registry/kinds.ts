/**
 * The resources satoken serves: one row per kind, the single source for routing, discovery,
 * Tables, OpenAPI and storage keys.
 * IMPORTANT: a kind added here must also get a validator in registry/validation and, where kubectl
 * sends it as protobuf, a schema in api/codecs/protobuf.
 */
export interface ResourceInfo {
  /** plural, as in URLs: `serviceaccounts` */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  /** discovery categories (`all` makes `kubectl get all` include the kind) */
  categories?: string[];
  /** subresources served, with the kind they answer */
  subresources: Array<{ name: string; group: string; version: string; kind: string; verbs: string[] }>;
}

import { TRUST_RESOURCES } from '../identity/trust-kinds.js';

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function core(resource: string, singular: string, kind: string, namespaced: boolean, shortNames: string[] = [], subresources: ResourceInfo['subresources'] = []): ResourceInfo {
  return { resource, singular, kind, listKind: `${kind}List`, group: '', version: 'v1', namespaced, shortNames, verbs: CRUD, subresources };
}

function rbac(resource: string, singular: string, kind: string, namespaced: boolean): ResourceInfo {
  return { resource, singular, kind, listKind: `${kind}List`, group: 'rbac.authorization.k8s.io', version: 'v1', namespaced, shortNames: [], verbs: CRUD, subresources: [] };
}

export const RESOURCES: readonly ResourceInfo[] = [
  core('namespaces', 'namespace', 'Namespace', false, ['ns']),
  core('serviceaccounts', 'serviceaccount', 'ServiceAccount', true, ['sa'], [
    { name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] },
  ]),
  { ...core('pods', 'pod', 'Pod', true, ['po']), categories: ['all'] },
  core('secrets', 'secret', 'Secret', true),
  core('nodes', 'node', 'Node', false, ['no']),
  core('configmaps', 'configmap', 'ConfigMap', true, ['cm']),
  core('events', 'event', 'Event', true, ['ev']),
  rbac('roles', 'role', 'Role', true),
  rbac('rolebindings', 'rolebinding', 'RoleBinding', true),
  rbac('clusterroles', 'clusterrole', 'ClusterRole', false),
  rbac('clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', false),
  // testing.satoken.dev/v1alpha1, the cloud side of workload identity (identity/trust-kinds.ts)
  ...TRUST_RESOURCES,
];

function review(group: string, resource: string, kind: string, namespaced: boolean): ResourceInfo {
  return { resource, singular: resource.slice(0, -1), kind, listKind: '', group, version: 'v1', namespaced, shortNames: [], verbs: ['create'], subresources: [] };
}

/**
 * Create-only kinds answered in place and never stored (no list, so `listKind` is empty): listed in
 * discovery and OpenAPI, routed by api/app.ts. Kept out of RESOURCES, which drives storage.
 */
export const REVIEW_RESOURCES: readonly ResourceInfo[] = [
  review('authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview', false),
  review('authentication.k8s.io', 'tokenreviews', 'TokenReview', false),
  review('authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
  review('authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false),
  review('authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false),
  review('authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview', false),
];

const byResource = new Map(RESOURCES.map((r) => [`${r.group}/${r.resource}`, r]));
const byKind = new Map(RESOURCES.map((r) => [`${r.group}/${r.kind}`, r]));

export function apiVersionOf(r: ResourceInfo): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function resourceInfo(group: string, resource: string): ResourceInfo | undefined {
  return byResource.get(`${group}/${resource}`);
}

/** Looks a kind up by its name alone (kinds are unique across the groups satoken serves). */
export function kindInfo(kind: string, group?: string): ResourceInfo | undefined {
  if (group !== undefined) return byKind.get(`${group}/${kind}`);
  return RESOURCES.find((r) => r.kind === kind);
}

export function parseApiVersion(apiVersion: string | undefined): { group: string; version: string } {
  if (!apiVersion) return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  // schema.ParseGroupVersion fails; FromAPIVersionAndKind then yields an empty GroupVersion
  return { group: '', version: '' };
}
