/**
 * Whether one PolicyRule allows a request, exactly as pkg/apis/rbac/v1/evaluation_helpers.go
 * and plugin/pkg/auth/authorizer/rbac/rbac.go (`RuleAllows`) decide it.
 */
import type { PolicyRule } from '../../registry/types.js';
import type { Attributes } from './types.js';

/**
 * `*` or the verb itself.
 * @example
 * verbMatches({ verbs: ['get', 'list'] }, 'list'); // true
 */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

/**
 * `*` or the group itself (`""` is the core group).
 * @example
 * apiGroupMatches({ verbs: ['get'], apiGroups: [''] }, ''); // true
 */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

/**
 * `*`, the exact `resource[/subresource]`, or `*\/subresource` for a subresource request.
 * @example
 * resourceMatches({ verbs: ['get'], resources: ['*\/scale'] }, 'deployments/scale', 'scale'); // true
 */
export function resourceMatches(rule: PolicyRule, combinedResource: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combinedResource) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

/**
 * No resourceNames means any name; otherwise the name must be listed (an empty name matches
 * only an empty entry, so list and create are not allowed by a named rule).
 * @example
 * resourceNameMatches({ verbs: ['get'], resourceNames: ['a'] }, ''); // false
 */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/**
 * `*`, the exact path, or a prefix ending in `*`.
 * @example
 * nonResourceURLMatches({ verbs: ['get'], nonResourceURLs: ['/apis/*'] }, '/apis/apps'); // true
 */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/**
 * `RuleAllows`: verb, group, resource (with subresource) and name for resource requests;
 * verb and path for the rest.
 * @example
 * ruleAllows(attrs, { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] });
 */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (a.resourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return verbMatches(rule, a.verb) && apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

/**
 * `RulesAllow`: any of the rules allows the request.
 * @example
 * rulesAllow(attrs, nodeRules());
 */
export function rulesAllow(a: Attributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => ruleAllows(a, r));
}
