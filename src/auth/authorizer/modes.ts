/**
 * The simple authorization modes and how kube-apiserver chains them
 * (staging/src/k8s.io/apiserver/pkg/authorization/authorizerfactory/builtin.go, union/union.go,
 * pkg/kubeapiserver/authorizer/config.go).
 */
import type { UserInfo } from '../../registry/types.js';
import { aggregateMessage } from '../../util/go-format.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesForResult } from './types.js';

/**
 * `--authorization-mode=AlwaysAllow`: allows everything; its rules are `*` on everything.
 * @example
 * await alwaysAllow().authorize(attrs); // { decision: 'Allow', reason: '' }
 */
export function alwaysAllow(): Authorizer & RuleResolver {
  return {
    authorize: async () => ({ decision: 'Allow', reason: '' }),
    rulesFor: async () => ({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    }),
  };
}

/**
 * `--authorization-mode=AlwaysDeny`: no opinion on anything, reason `Everything is forbidden.`
 * (a request nobody else allows is then forbidden); no rules.
 * @example
 * await alwaysDeny().authorize(attrs); // { decision: 'NoOpinion', reason: 'Everything is forbidden.' }
 */
export function alwaysDeny(): Authorizer & RuleResolver {
  return {
    authorize: async () => ({ decision: 'NoOpinion', reason: 'Everything is forbidden.' }),
    rulesFor: async () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
  };
}

/**
 * `authorizerfactory.NewPrivilegedGroups`: allows any request from a member of one of `groups`
 * (by default system:masters), with no reason; no opinion otherwise.
 * @example
 * await privilegedGroupAuthorizer().authorize({ ...attrs, user: { username: 'admin', groups: ['system:masters'] } }); // Allow
 */
export function privilegedGroupAuthorizer(groups: readonly string[] = ['system:masters']): Authorizer {
  return {
    authorize: async (a) => ((a.user.groups ?? []).some((g) => groups.includes(g)) ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' }),
  };
}

/**
 * `union.New`: asks each authorizer in turn; the first Allow or Deny is the answer (with that
 * authorizer's reason and error). If all have no opinion the answer is NoOpinion, which the
 * authorization filter turns into a 403: the non-empty reasons joined by newlines, the errors
 * aggregated.
 * @example
 * const authz = union([nodeAuthorizer, rbac]);
 */
export function union(authorizers: readonly Authorizer[]): Authorizer {
  return {
    async authorize(a: Attributes): Promise<AuthorizationResult> {
      const reasons: string[] = [];
      const errs: Error[] = [];
      for (const authz of authorizers) {
        const d = await authz.authorize(a);
        if (d.error) errs.push(d.error);
        if (d.reason) reasons.push(d.reason);
        if (d.decision === 'Allow' || d.decision === 'Deny') return d;
      }
      const out: AuthorizationResult = { decision: 'NoOpinion', reason: reasons.join('\n') };
      if (errs.length) out.error = new Error(aggregateMessage(errs.map((e) => e.message)));
      return out;
    },
  };
}

/**
 * `union.NewRuleResolvers`: the rules of all resolvers, incomplete if any is, errors aggregated.
 * @example
 * const resolver = unionRuleResolvers([nodeAuthorizer, rbac]);
 */
export function unionRuleResolvers(resolvers: readonly RuleResolver[]): RuleResolver {
  return {
    async rulesFor(user: UserInfo, namespace: string): Promise<RulesForResult> {
      const out: RulesForResult = { resourceRules: [], nonResourceRules: [], incomplete: false };
      const errs: string[] = [];
      for (const r of resolvers) {
        const res = await r.rulesFor(user, namespace);
        if (res.incomplete) out.incomplete = true;
        if (res.evaluationError) errs.push(res.evaluationError);
        out.resourceRules.push(...res.resourceRules);
        out.nonResourceRules.push(...res.nonResourceRules);
      }
      if (errs.length) out.evaluationError = aggregateMessage(errs);
      return out;
    },
  };
}

/**
 * kube-apiserver's chain for `--authorization-mode=...`: the system:masters short-circuit first,
 * then the configured authorizers in order.
 * @example
 * const authz = authorizerChain([new NodeAuthorizer(graph), new RbacAuthorizer(lister)]);
 */
export function authorizerChain(authorizers: readonly Authorizer[]): Authorizer {
  return union([privilegedGroupAuthorizer(), ...authorizers]);
}
