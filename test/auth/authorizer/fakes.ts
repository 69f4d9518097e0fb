import type { Attributes, RbacLister } from '../../../src/auth/authorizer/index.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject, UserInfo } from '../../../src/registry/types.js';

/** An RbacLister over arrays that counts calls; `fail` makes a method throw. */
export class FakeLister implements RbacLister {
  calls: string[] = [];
  fail = new Set<string>();
  constructor(
    public roles: Role[] = [],
    public clusterRoles: ClusterRole[] = [],
    public roleBindings: RoleBinding[] = [],
    public clusterRoleBindings: ClusterRoleBinding[] = [],
  ) {}

  private note(name: string): void {
    this.calls.push(name);
    if (this.fail.has(name)) throw new Error(`${name} failed`);
  }

  async getRole(namespace: string, name: string): Promise<Role | undefined> {
    this.note('getRole');
    return this.roles.find((r) => r.metadata.namespace === namespace && r.metadata.name === name);
  }
  async getClusterRole(name: string): Promise<ClusterRole | undefined> {
    this.note('getClusterRole');
    return this.clusterRoles.find((r) => r.metadata.name === name);
  }
  async listRoleBindings(namespace: string): Promise<RoleBinding[]> {
    this.note('listRoleBindings');
    return this.roleBindings.filter((b) => b.metadata.namespace === namespace);
  }
  async listClusterRoleBindings(): Promise<ClusterRoleBinding[]> {
    this.note('listClusterRoleBindings');
    return this.clusterRoleBindings;
  }
  async listClusterRoles(): Promise<ClusterRole[]> {
    this.note('listClusterRoles');
    return this.clusterRoles;
  }
}

export const role = (namespace: string, name: string, rules: PolicyRule[]): Role => ({ metadata: { namespace, name }, rules });
export const clusterRole = (name: string, rules: PolicyRule[], labels?: Record<string, string>): ClusterRole => ({ metadata: labels ? { name, labels } : { name }, rules });
export const roleBinding = (namespace: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: Subject[]): RoleBinding => ({
  metadata: { namespace, name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
  subjects,
});
export const clusterRoleBinding = (name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding => ({
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects,
});
export const user = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
export const sa = (name: string, namespace?: string): Subject => (namespace ? { kind: 'ServiceAccount', name, namespace } : { kind: 'ServiceAccount', name });

/** Resource-request attributes with defaults. */
export function res(u: UserInfo, verb: string, resource: string, more: Partial<Attributes> = {}): Attributes {
  return { user: u, verb, namespace: '', apiGroup: '', apiVersion: 'v1', resource, subresource: '', name: '', resourceRequest: true, path: '', ...more };
}

/** Non-resource-request attributes. */
export function nonRes(u: UserInfo, verb: string, path: string): Attributes {
  return { user: u, verb, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', resourceRequest: false, path };
}

export const alice: UserInfo = { username: 'alice', groups: ['dev', 'system:authenticated'] };
export const saUser = (ns: string, name: string): UserInfo => ({ username: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] });
