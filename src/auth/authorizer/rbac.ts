/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go) over an {@link RbacLister}.
 * - Allow as soon as one applying rule allows the request, with the reason
 *   `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`.
 * - Otherwise NoOpinion; if bindings pointed at missing roles (or the lister failed), the reason
 *   is `RBAC: ` and those errors (`[a, b]` when several), which the 403 message then carries.
 * - `rulesFor` lists the applying rules for SelfSubjectRulesReview, split into resource and
 *   non-resource rules, never incomplete; resolution errors become `evaluationError`.
 */
import type { PolicyRule, UserInfo } from '../../registry/types.js';
import { aggregateMessage } from '../../util/go-format.js';
import { RbacRuleResolver } from './rule-resolver.js';
import { ruleAllows } from './rule-matching.js';
import type { Attributes, AuthorizationResult, Authorizer, NonResourceRuleInfo, RbacLister, ResourceRuleInfo, RuleResolver, RulesForResult } from './types.js';

function resourceRule(r: PolicyRule): ResourceRuleInfo {
  const out: ResourceRuleInfo = { verbs: r.verbs };
  if (r.apiGroups?.length) out.apiGroups = r.apiGroups;
  if (r.resources?.length) out.resources = r.resources;
  if (r.resourceNames?.length) out.resourceNames = r.resourceNames;
  return out;
}

/**
 * RBAC as an {@link Authorizer} and {@link RuleResolver}.
 * @example
 * const rbac = new RbacAuthorizer(lister);
 * const { decision, reason } = await rbac.authorize(attrs);
 */
export class RbacAuthorizer implements Authorizer, RuleResolver {
  readonly resolver: RbacRuleResolver;

  /** `resolveAggregation` (default true): see {@link RbacRuleResolver}. */
  constructor(lister: RbacLister, opts: { resolveAggregation?: boolean } = {}) {
    this.resolver = new RbacRuleResolver(lister, opts);
  }

  async authorize(a: Attributes): Promise<AuthorizationResult> {
    let allowedBy: string | undefined;
    const errs: Error[] = [];
    await this.resolver.visitRulesFor(a.user, a.namespace, (source, rule, err) => {
      if (rule && source && ruleAllows(a, rule)) {
        allowedBy = source();
        return false;
      }
      if (err) errs.push(err);
      return true;
    });
    if (allowedBy !== undefined) return { decision: 'Allow', reason: `RBAC: allowed by ${allowedBy}` };
    const reason = errs.length ? `RBAC: ${aggregateMessage(errs.map((e) => e.message))}` : '';
    return { decision: 'NoOpinion', reason };
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RulesForResult> {
    const { rules, errors } = await this.resolver.rulesFor(user, namespace);
    const resourceRules: ResourceRuleInfo[] = [];
    const nonResourceRules: NonResourceRuleInfo[] = [];
    for (const r of rules) {
      if (r.resources?.length) resourceRules.push(resourceRule(r));
      if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
    }
    const out: RulesForResult = { resourceRules, nonResourceRules, incomplete: false };
    if (errors.length) out.evaluationError = aggregateMessage(errors.map((e) => e.message));
    return out;
  }
}
