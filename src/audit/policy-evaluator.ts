/**
 * `policy.NewPolicyRuleEvaluator` and `EvaluatePolicyRule`
 * (staging/src/k8s.io/apiserver/pkg/audit/policy/checker.go): the first rule that matches a
 * request's attributes gives its level; none matching is `None`.
 */
import type { Attributes } from '../auth/authorizer/types.js';
import type { UserInfo } from '../registry/types.js';
import type { Level, Policy, PolicyRule, Stage } from './types.js';

/** What the policy looks at: `authorizer.Attributes` (the user is absent when authentication failed). */
export type AuditAttributes = Omit<Attributes, 'user' | 'fieldSelector'> & { user?: UserInfo | undefined };

/** `RequestAuditConfig`: the level, the stages not to record, and whether to drop managedFields. */
export interface RequestAuditConfig {
  level: Level;
  omitStages: ReadonlySet<Stage>;
  omitManagedFields: boolean;
}

/** Whether a non-resource path matches a rule's URL: `*`, exactly, or a prefix ending in `*`. */
function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function ruleMatchesResource(r: PolicyRule, a: AuditAttributes): boolean {
  if (!a.resourceRequest) return false;
  if (r.namespaces?.length && !r.namespaces.includes(a.namespace)) return false;
  if (!r.resources?.length) return true;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources) {
    if ((gr.group ?? '') !== a.apiGroup) continue;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (a.subresource && res.startsWith('*/') && res.slice(2) === a.subresource) return true;
      if (res.endsWith('/*') && res.slice(0, -2) === a.resource) return true;
    }
  }
  return false;
}

/**
 * `ruleMatches`: users, groups and verbs, then resources and namespaces (resource requests
 * only) or non-resource URLs (non-resource requests only); a rule naming none of the last
 * matches every request.
 */
export function ruleMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (r.users?.length && (!a.user || !r.users.includes(a.user.username ?? ''))) return false;
  if (r.userGroups?.length && !(a.user?.groups ?? []).some((g) => r.userGroups!.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) return ruleMatchesResource(r, a);
  if (r.nonResourceURLs?.length) return !a.resourceRequest && r.nonResourceURLs.some((spec) => pathMatches(a.path, spec));
  return true;
}

interface CompiledRule {
  rule: PolicyRule;
  config: RequestAuditConfig;
}

/**
 * A policy ready to evaluate: each rule's stages are the union of its own and the policy's, and
 * its `omitManagedFields` falls back to the policy's; the answers are computed once.
 * @example
 * const e = new PolicyEvaluator({ rules: [{ level: 'Metadata' }] });
 * e.evaluate({ verb: 'get', resourceRequest: false, path: '/healthz', ... }).level; // 'Metadata'
 */
export class PolicyEvaluator {
  private readonly rules: CompiledRule[];
  private readonly fallback: RequestAuditConfig;

  constructor(readonly policy: Policy) {
    const policyStages = policy.omitStages ?? [];
    this.rules = policy.rules.map((rule) => ({
      rule,
      config: Object.freeze({
        level: rule.level,
        omitStages: new Set([...policyStages, ...(rule.omitStages ?? [])]),
        omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
      }),
    }));
    this.fallback = Object.freeze({ level: 'None', omitStages: new Set(policyStages), omitManagedFields: policy.omitManagedFields ?? false });
  }

  /** The configuration of the first rule matching `a`, else level None with the policy's stages. */
  evaluate(a: AuditAttributes): RequestAuditConfig {
    for (const r of this.rules) if (ruleMatches(r.rule, a)) return r.config;
    return this.fallback;
  }
}
