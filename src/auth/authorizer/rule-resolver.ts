/**
 * The RBAC rule resolver (pkg/registry/rbac/validation/rule.go, `DefaultRuleResolver`): which
 * rules reach a user in a namespace through ClusterRoleBindings and RoleBindings, and where each
 * came from. Shared by the RBAC authorizer, SelfSubjectRulesReview and the escalation check.
 */
import { errors } from '../../errors/index.js';
import type { PolicyRule, RoleBinding, RoleRef, Subject, UserInfo } from '../../registry/types.js';
import { serviceAccountUsername } from '../../tokens/service-account-username.js';
import { resolveAggregatedRules } from './aggregation.js';
import type { RbacLister } from './types.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * Called with each rule (and its lazily described source) or each resolution error; returning
 * false stops the walk.
 * @example
 * const visitor: RuleVisitor = (source, rule) => { if (rule) console.log(source?.()); return true; };
 */
export type RuleVisitor = (source: (() => string) | undefined, rule: PolicyRule | undefined, err: Error | undefined) => boolean;

/**
 * `describeSubject`: `User "alice"`, `Group "g"`, `ServiceAccount "name/namespace"`.
 * @example
 * describeSubject({ kind: 'ServiceAccount', name: 'ci' }, 'team-a'); // 'ServiceAccount "ci/team-a"'
 */
export function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

/**
 * `appliesToUser`: a User by name, a Group by membership, a ServiceAccount by its
 * `system:serviceaccount:<ns>:<name>` username (namespace defaulting to the binding's).
 * @example
 * subjectApplies({ username: 'system:serviceaccount:a:ci' }, { kind: 'ServiceAccount', name: 'ci' }, 'a'); // true
 */
export function subjectApplies(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return (user.username ?? '') === subject.name;
    case 'Group':
      return (user.groups ?? []).includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || namespace;
      return ns !== '' && user.username === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}

function firstApplying(user: UserInfo, b: RoleBinding, namespace: string): Subject | undefined {
  return (b.subjects ?? []).find((s) => subjectApplies(user, s, namespace));
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Resolves users to rules over an {@link RbacLister}.
 * - ClusterRoleBindings first (subjects matched with no namespace), then, for a namespaced
 *   request, that namespace's RoleBindings.
 * - A binding's roleRef resolves to a Role in the binding's namespace or a ClusterRole; a
 *   missing role is an error (`role.rbac.authorization.k8s.io "x" not found`) and the walk goes on.
 * - With `resolveAggregation` (default true), a ClusterRole with an aggregationRule yields the
 *   rules the clusterrole-aggregation controller converges to, so no controller has to run first.
 * @example
 * const resolver = new RbacRuleResolver(lister);
 * const { rules, errors } = await resolver.rulesFor({ username: 'alice' }, 'team-a');
 */
export class RbacRuleResolver {
  constructor(
    private readonly lister: RbacLister,
    private readonly opts: { resolveAggregation?: boolean } = {},
  ) {}

  /** `GetRoleReferenceRules`: the rules a roleRef names; throws when they cannot be found. */
  async getRoleReferenceRules(ref: RoleRef, bindingNamespace: string): Promise<PolicyRule[]> {
    if (ref.kind === 'Role') {
      const role = await this.lister.getRole(bindingNamespace, ref.name);
      if (!role) throw errors.notFound('role', ref.name, RBAC_GROUP);
      return role.rules ?? [];
    }
    if (ref.kind === 'ClusterRole') {
      const role = await this.lister.getClusterRole(ref.name);
      if (!role) throw errors.notFound('clusterrole', ref.name, RBAC_GROUP);
      if (role.aggregationRule && this.opts.resolveAggregation !== false) return resolveAggregatedRules(role, await this.lister.listClusterRoles());
      return role.rules ?? [];
    }
    throw new Error(`unsupported role reference kind: "${ref.kind}"`);
  }

  /** `VisitRulesFor`: walks every rule that applies, in Kubernetes' order. */
  async visitRulesFor(user: UserInfo, namespace: string, visitor: RuleVisitor): Promise<void> {
    let crbs: RoleBinding[];
    try {
      crbs = await this.lister.listClusterRoleBindings();
    } catch (e) {
      if (!visitor(undefined, undefined, asError(e))) return;
      crbs = [];
    }
    for (const b of crbs) {
      const subject = firstApplying(user, b, '');
      if (!subject) continue;
      const describe = () => `ClusterRoleBinding "${b.metadata.name ?? ''}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(subject, '')}`;
      if (!(await this.visitBinding(b.roleRef, '', describe, visitor))) return;
    }
    if (!namespace) return;
    let rbs: RoleBinding[];
    try {
      rbs = await this.lister.listRoleBindings(namespace);
    } catch (e) {
      visitor(undefined, undefined, asError(e));
      return;
    }
    for (const b of rbs) {
      const subject = firstApplying(user, b, namespace);
      if (!subject) continue;
      const describe = () => `RoleBinding "${b.metadata.name ?? ''}/${namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(subject, namespace)}`;
      if (!(await this.visitBinding(b.roleRef, namespace, describe, visitor))) return;
    }
  }

  /** `RulesFor`: every applying rule, and the errors met on the way. */
  async rulesFor(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; errors: Error[] }> {
    const rules: PolicyRule[] = [];
    const errs: Error[] = [];
    await this.visitRulesFor(user, namespace, (_source, rule, err) => {
      if (rule) rules.push(rule);
      if (err) errs.push(err);
      return true;
    });
    return { rules, errors: errs };
  }

  private async visitBinding(ref: RoleRef, namespace: string, describe: () => string, visitor: RuleVisitor): Promise<boolean> {
    let rules: PolicyRule[];
    try {
      rules = await this.getRoleReferenceRules(ref, namespace);
    } catch (e) {
      return visitor(undefined, undefined, asError(e));
    }
    for (const r of rules) if (!visitor(describe, r, undefined)) return false;
    return true;
  }
}
