/**
 * Whether one set of rules covers another, as
 * staging/src/k8s.io/component-helpers/auth/rbac/validation/policy_comparator.go decides it:
 * the servant rules are broken into atomic rules (one group, resource, verb and name each), and
 * every atomic rule must be covered by a single owner rule.
 */
import type { PolicyRule } from '../../registry/types.js';

/**
 * `BreakdownRule`: one rule per group × resource × verb (× name), then one per URL × verb.
 * @example
 * breakdownRule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }).length; // 2
 */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length > 0) {
          for (const name of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function has(set: readonly string[] | undefined, e: string): boolean {
  return (set ?? []).includes(e);
}

function hasAll(set: readonly string[] | undefined, contains: readonly string[] | undefined): boolean {
  const owning = new Set(set ?? []);
  return (contains ?? []).every((e) => owning.has(e));
}

function resourceCoversAll(setResources: readonly string[] | undefined, coversResources: readonly string[] | undefined): boolean {
  if (has(setResources, '*') || hasAll(setResources, coversResources)) return true;
  for (const path of coversResources ?? []) {
    if (has(setResources, path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!has(setResources, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(ownerPath: string, subPath: string): boolean {
  return ownerPath === subPath || (ownerPath.endsWith('*') && subPath.startsWith(ownerPath.replace(/\*+$/, '')));
}

function nonResourceURLsCoversAll(set: readonly string[] | undefined, covers: readonly string[] | undefined): boolean {
  return (covers ?? []).every((path) => (set ?? []).some((owner) => nonResourceURLCovers(owner, path)));
}

/**
 * `ruleCovers`: the owner rule allows everything the (atomic) sub-rule does.
 * @example
 * ruleCovers({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }); // true
 */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbMatches = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groupMatches = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resourceMatches = resourceCoversAll(owner.resources, sub.resources);
  const nonResourceURLMatches = nonResourceURLsCoversAll(owner.nonResourceURLs, sub.nonResourceURLs);
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  const resourceNameMatches = subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames);
  return verbMatches && groupMatches && resourceMatches && resourceNameMatches && nonResourceURLMatches;
}

/**
 * `Covers`: whether `ownerRules` allow everything `servantRules` do, and the atomic rules they
 * do not.
 * @example
 * const { covered, missing } = covers(userRules, roleRules);
 */
export function covers(ownerRules: readonly PolicyRule[], servantRules: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const sub of servantRules.flatMap(breakdownRule)) {
    if (!ownerRules.some((o) => ruleCovers(o, sub))) missing.push(sub);
  }
  return { covered: missing.length === 0, missing };
}
