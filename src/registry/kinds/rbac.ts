import { kind, type ResourceInfo } from './resource-info.js';

/** rbac.authorization.k8s.io/v1: no short names, no status. */
const rbac = (resource: string, kindName: string, namespaced: boolean) => kind('rbac.authorization.k8s.io', 'v1', resource, kindName, namespaced);

export const RBAC: readonly ResourceInfo[] = [
  rbac('roles', 'Role', true),
  rbac('rolebindings', 'RoleBinding', true),
  rbac('clusterroles', 'ClusterRole', false),
  rbac('clusterrolebindings', 'ClusterRoleBinding', false),
];
