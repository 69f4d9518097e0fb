/**
 * The RBAC rules the escalation check compares against, read as kube-apiserver's RBAC storage
 * reads them (pkg/registry/rbac/rest/storage_rbac.go builds a `DefaultRuleResolver` over the
 * role and binding registries): RBAC only, never Node, ABAC or Webhook rules, and a missing role
 * is the registry's NotFound, `roles.rbac.authorization.k8s.io "x" not found` (plural, where the
 * authorizer's informer-backed resolver says `role.rbac...`).
 */
import { errors } from '../../errors/index.js';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import { registryRbacLister } from '../access-control.js';
import { RbacAuthorizer } from '../authorizer/rbac.js';
import type { RbacLister } from '../authorizer/types.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * An {@link RbacLister} over the registry whose getters throw the registry's 404 instead of
 * answering undefined.
 * @example
 * await registryRoleGetters(registry).getRole('team-a', 'missing'); // throws roles.rbac.authorization.k8s.io "missing" not found
 */
export function registryRoleGetters(registry: ObjectRegistry): RbacLister {
  const base = registryRbacLister(registry);
  return {
    ...base,
    async getRole(namespace, name) {
      const role = await base.getRole(namespace, name);
      if (!role) throw errors.notFound('roles', name, RBAC_GROUP);
      return role;
    },
    async getClusterRole(name) {
      const role = await base.getClusterRole(name);
      if (!role) throw errors.notFound('clusterroles', name, RBAC_GROUP);
      return role;
    },
  };
}

/**
 * The rule resolver of the RBAC storage: `rulesFor` lists what a user holds through RBAC alone,
 * `resolver.getRoleReferenceRules` what a binding's roleRef grants (aggregated ClusterRoles as
 * the aggregation controller converges them).
 * @example
 * const rules = escalationRules(emulator.registry);
 * await confirmNoEscalation(user, role.rules ?? [], 'team-a', rules);
 */
export function escalationRules(registry: ObjectRegistry): RbacAuthorizer {
  return new RbacAuthorizer(registryRoleGetters(registry));
}
