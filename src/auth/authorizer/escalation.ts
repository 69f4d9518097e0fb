/**
 * RBAC's privilege-escalation prevention (pkg/registry/rbac/validation/rule.go
 * `ConfirmNoEscalation`, policy_compact.go, pkg/registry/rbac/escalation_check.go): a user may
 * create or update a Role/ClusterRole, or bind one, only with rules they already hold, unless they
 * are in system:masters or are granted the `escalate` (roles) or `bind` (bindings) verb.
 */
import type { PolicyRule, RoleRef, UserInfo } from '../../registry/types.js';
import { goQuoteList } from '../../util/go-format.js';
import { covers } from './policy-comparator.js';
import type { Authorizer, RuleResolver } from './types.js';

/**
 * The error `ConfirmNoEscalation` returns; the registry wraps its message in a Forbidden
 * (`roles.rbac.authorization.k8s.io "x" is forbidden: <message>`).
 * @example
 * try { await confirmNoEscalation(user, rules, 'team-a', rbac); } catch (e) { if (e instanceof EscalationError) throw errors.forbidden('roles', name, e.message, 'rbac.authorization.k8s.io'); }
 */
export class EscalationError extends Error {
  override readonly name = 'EscalationError';
}

function simpleKey(rule: PolicyRule): string | undefined {
  const names = rule.resourceNames ?? [];
  if (names.length > 1 || (rule.nonResourceURLs ?? []).length > 0) return undefined;
  if ((rule.apiGroups ?? []).length !== 1 || (rule.resources ?? []).length !== 1) return undefined;
  return JSON.stringify([rule.apiGroups![0], rule.resources![0], names.length > 0, names[0] ?? '']);
}

/**
 * `CompactRules`: rules with one group, one resource and at most one name that differ only in
 * verbs are merged into one rule; everything else is kept as is.
 * @example
 * compactRules([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['list'], apiGroups: [''], resources: ['pods'] }]); // one rule, verbs get, list
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const key = simpleKey(rule);
    if (key === undefined) {
      compacted.push(rule);
      continue;
    }
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...rule.verbs];
    else simple.set(key, structuredClone(rule));
  }
  return [...compacted, ...simple.values()];
}

/**
 * `rbacv1helpers.CompactString`: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`, empty
 * fields left out.
 * @example
 * compactString({ verbs: ['get'], nonResourceURLs: ['/healthz'] }); // '{NonResourceURLs:["/healthz"], Verbs:["get"]}'
 */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/**
 * `ConfirmNoEscalation`: throws an {@link EscalationError} unless the rules `user` holds in
 * `namespace` ("" for cluster scope) cover `rules`.
 * - The user's rules come from `ruleResolver`; an evaluation error does not fail the check by
 *   itself (rules are additive) but is appended to the message.
 * - The missing rules are compacted, rendered with {@link compactString}, sorted and de-duplicated.
 * @example
 * await confirmNoEscalation({ username: 'alice', groups: ['dev'] }, role.rules ?? [], 'team-a', rbac);
 */
export async function confirmNoEscalation(user: UserInfo, rules: readonly PolicyRule[], namespace: string, ruleResolver: RuleResolver): Promise<void> {
  const held = await ruleResolver.rulesFor(user, namespace);
  const ownerRules: PolicyRule[] = [...held.resourceRules, ...held.nonResourceRules];
  const { covered, missing } = covers(ownerRules, rules);
  if (covered) return;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user "${user.username ?? ''}" (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
  if (held.evaluationError) msg += `; resolution errors: [${held.evaluationError}]`;
  throw new EscalationError(msg);
}

/**
 * `EscalationAllowed`: members of system:masters may always grant anything.
 * @example
 * escalationAllowed({ username: 'admin', groups: ['system:masters'] }); // true
 */
export function escalationAllowed(user: UserInfo): boolean {
  return (user.groups ?? []).includes('system:masters');
}

/**
 * `RoleEscalationAuthorized`: the user holds the `escalate` verb on the role being written
 * (roles or clusterroles of rbac.authorization.k8s.io only).
 * @example
 * await mayEscalate(user, authz, { resource: 'roles', name: 'pod-reader', namespace: 'team-a' });
 */
export async function mayEscalate(user: UserInfo, authorizer: Authorizer, target: { apiGroup?: string; resource: string; name: string; namespace: string }): Promise<boolean> {
  const apiGroup = target.apiGroup ?? 'rbac.authorization.k8s.io';
  if (apiGroup !== 'rbac.authorization.k8s.io' || (target.resource !== 'roles' && target.resource !== 'clusterroles')) return false;
  const d = await authorizer.authorize({
    user, verb: 'escalate', namespace: target.namespace, apiGroup, apiVersion: '*', resource: target.resource, subresource: '', name: target.name, resourceRequest: true, path: '',
  });
  return d.decision === 'Allow';
}

/**
 * `BindingAuthorized`: the user holds the `bind` verb on the referenced role, checked in the
 * binding's namespace ("" for a ClusterRoleBinding).
 * @example
 * await mayBind(user, authz, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, 'team-a');
 */
export async function mayBind(user: UserInfo, authorizer: Authorizer, roleRef: RoleRef, bindingNamespace: string): Promise<boolean> {
  const resource = roleRef.kind === 'ClusterRole' ? 'clusterroles' : roleRef.kind === 'Role' ? 'roles' : undefined;
  if (!resource) return false;
  const d = await authorizer.authorize({
    user, verb: 'bind', namespace: bindingNamespace, apiGroup: roleRef.apiGroup, apiVersion: '', resource, subresource: '', name: roleRef.name, resourceRequest: true, path: '',
  });
  return d.decision === 'Allow';
}
