/**
 * ClusterRole aggregation, as pkg/controller/clusterroleaggregation does it: a ClusterRole with
 * `aggregationRule.clusterRoleSelectors` gets the union of the rules of every other ClusterRole
 * whose labels a selector matches, roles taken by name, duplicates (semantic equality) dropped.
 */
import type { ClusterRole, LabelSelector, PolicyRule } from '../../registry/types.js';

function goList(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/**
 * `metav1.LabelSelectorAsSelector` then `Matches`: every matchLabels pair and every
 * matchExpression (In, NotIn, Exists, DoesNotExist) must hold; an empty selector matches all.
 * Throws on an operator or value list Kubernetes rejects.
 * @example
 * labelSelectorMatches({ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }, role.metadata.labels);
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    const has = Object.prototype.hasOwnProperty.call(l, expr.key);
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) throw new Error(`values: Invalid value: ${goList(values)}: for 'in', 'notin' operators, values set can't be empty`);
        if ((expr.operator === 'In') !== (has && values.includes(l[expr.key]!))) return false;
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) throw new Error(`values: Invalid value: ${goList(values)}: values set must be empty for exists and does not exist`);
        if ((expr.operator === 'Exists') !== has) return false;
        break;
      default:
        throw new Error(`"${expr.operator}" is not a valid label selector operator`);
    }
  }
  return true;
}

const FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/**
 * `equality.Semantic.DeepEqual` of two rules: same lists in the same order, a missing list equal
 * to an empty one.
 * @example
 * rulesEqual({ verbs: ['get'], resourceNames: [] }, { verbs: ['get'] }); // true
 */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return FIELDS.every((f) => {
    const x = a[f] ?? [];
    const y = b[f] ?? [];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  });
}

function byName(a: ClusterRole, b: ClusterRole): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function collect(role: ClusterRole, all: readonly ClusterRole[], rulesOf: (r: ClusterRole) => readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const matching = all.filter((r) => labelSelectorMatches(selector, r.metadata.labels)).sort(byName);
    for (const m of matching) {
      if (m.metadata.name === role.metadata.name) continue;
      for (const rule of rulesOf(m)) if (!out.some((r) => rulesEqual(r, rule))) out.push(rule);
    }
  }
  return out;
}

/**
 * One sync of the aggregation controller for `role`: the union of the *stored* rules of the
 * ClusterRoles its selectors match (itself excluded), selector by selector, roles by name.
 * A role without an aggregationRule keeps its own rules.
 * @example
 * const rules = aggregateRules(view, allClusterRoles);
 */
export function aggregateRules(role: ClusterRole, allClusterRoles: readonly ClusterRole[]): PolicyRule[] {
  if (!role.aggregationRule) return role.rules ?? [];
  return collect(role, allClusterRoles, (r) => r.rules ?? []);
}

/**
 * The rules `role` holds once the controller has converged: like {@link aggregateRules}, but a
 * matched role that aggregates in turn contributes its own converged rules (admin ← edit ← view).
 * A selector cycle falls back to the stored rules at the point it closes.
 * @example
 * const adminRules = resolveAggregatedRules(admin, bootstrapClusterRoles({ aggregated: false }));
 */
export function resolveAggregatedRules(role: ClusterRole, allClusterRoles: readonly ClusterRole[]): PolicyRule[] {
  const visiting = new Set<string>();
  const effective = (r: ClusterRole): readonly PolicyRule[] => {
    const name = r.metadata.name ?? '';
    if (!r.aggregationRule || visiting.has(name)) return r.rules ?? [];
    visiting.add(name);
    try {
      return collect(r, allClusterRoles, effective);
    } finally {
      visiting.delete(name);
    }
  };
  return [...effective(role)];
}
