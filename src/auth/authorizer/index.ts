/**
 * Authorization: the RBAC, Node, ABAC, Webhook, AlwaysAllow and AlwaysDeny modes, their union
 * with the system:masters short-circuit, the default RBAC policy, ClusterRole aggregation,
 * RBAC escalation checks, and the 403 message.
 * @example
 * import { authorizerChain, NodeAuthorizer, RbacAuthorizer, forbiddenError } from './auth/authorizer/index.js';
 * const authz = authorizerChain([new NodeAuthorizer(graph), new RbacAuthorizer(lister)]);
 */
export type { Attributes, AuthorizationResult, Authorizer, Decision, FieldRequirement, NonResourceRuleInfo, RbacLister, ResourceRuleInfo, RuleResolver, RulesForResult } from './types.js';
export { RbacAuthorizer } from './rbac.js';
export { RbacRuleResolver, describeSubject, subjectApplies, type RuleVisitor } from './rule-resolver.js';
export { ruleAllows, rulesAllow, verbMatches, apiGroupMatches, resourceMatches, resourceNameMatches, nonResourceURLMatches } from './rule-matching.js';
export { aggregateRules, resolveAggregatedRules, labelSelectorMatches, rulesEqual } from './aggregation.js';
export { bootstrapClusterRoles, bootstrapClusterRoleBindings } from './bootstrap-policy.js';
export { nodeRules, bootstrapRoleRules } from './bootstrap-rules.js';
export { covers, breakdownRule, ruleCovers } from './policy-comparator.js';
export { confirmNoEscalation, compactRules, compactString, escalationAllowed, mayBind, mayEscalate, EscalationError } from './escalation.js';
export { alwaysAllow, alwaysDeny, privilegedGroupAuthorizer, union, unionRuleResolvers, authorizerChain } from './modes.js';
export { AbacAuthorizer, AbacPolicyError, parseAbacPolicy, type AbacPolicy } from './abac.js';
export { WebhookAuthorizer } from './webhook.js';
export type { WebhookOptions } from './webhook-config.js';
export { subjectAccessReviewFor, type SubjectAccessReviewVersion } from './subject-access-review.js';
export { NodeAuthorizer, nodeIdentity, type NodeAuthorizerOptions } from './node.js';
export { podReferences, type NodeGraph, type PodReferences } from './node-graph.js';
export { forbiddenMessage, forbiddenError, denialMessage } from './forbidden-message.js';
