import { LABEL_SELECTOR, OBJECT_META } from './k8s-meta-schema.js';
import { f, message } from './proto-schema.js';

/*
 * rbac.authorization.k8s.io/v1 messages (k8s.io/api rbac/v1/generated.proto, Go types in types.go).
 * `rules` and `verbs` carry no `omitempty` in Go, but kubectl's JSON meaning leaves empty lists
 * out (see the ClusterRole aggregation vector), as every list here does.
 */

const POLICY_RULE = message('PolicyRule', [
  f.list('verbs', 1),
  f.list('apiGroups', 2),
  f.list('resources', 3),
  f.list('resourceNames', 4),
  f.list('nonResourceURLs', 5),
]);

/** Subject: kind and name carry no `omitempty`; apiGroup is `""` for ServiceAccount subjects. */
const SUBJECT = message('Subject', [f.always('kind', 1), f.str('apiGroup', 2), f.always('name', 3), f.str('namespace', 4)]);

/** RoleRef: no member is `omitempty`, and the struct itself is always present. */
const ROLE_REF = message('RoleRef', [f.always('apiGroup', 1), f.always('kind', 2), f.always('name', 3)]);

/**
 * Role (`kubectl create role`).
 *
 * @example
 * ROLE.fields.map((x) => x.json); // ['metadata', 'rules']
 */
export const ROLE = message('Role', [f.str('metadata', 1, OBJECT_META), f.list('rules', 2, POLICY_RULE)]);

/**
 * ClusterRole (`kubectl create clusterrole`, with `--aggregation-rule` or rules).
 *
 * @example
 * CLUSTER_ROLE.fields.map((x) => x.json); // ['metadata', 'rules', 'aggregationRule']
 */
export const CLUSTER_ROLE = message('ClusterRole', [
  f.str('metadata', 1, OBJECT_META),
  f.list('rules', 2, POLICY_RULE),
  f.ptr('aggregationRule', 3, message('AggregationRule', [f.list('clusterRoleSelectors', 1, LABEL_SELECTOR)])),
]);

/**
 * RoleBinding (`kubectl create rolebinding`).
 *
 * @example
 * ROLE_BINDING.fields.map((x) => x.json); // ['metadata', 'subjects', 'roleRef']
 */
export const ROLE_BINDING = message('RoleBinding', [
  f.str('metadata', 1, OBJECT_META),
  f.list('subjects', 2, SUBJECT),
  f.always('roleRef', 3, ROLE_REF),
]);

/**
 * ClusterRoleBinding (`kubectl create clusterrolebinding`).
 *
 * @example
 * CLUSTER_ROLE_BINDING.fields.map((x) => x.json); // ['metadata', 'subjects', 'roleRef']
 */
export const CLUSTER_ROLE_BINDING = message('ClusterRoleBinding', ROLE_BINDING.fields);
