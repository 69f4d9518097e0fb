/**
 * The authorization seam, as staging/src/k8s.io/apiserver/pkg/authorization/authorizer/interfaces.go
 * defines it: what a request asks (`Attributes`), what an authorizer answers (`Decision` with a
 * reason), and what a rule resolver lists for SelfSubjectRulesReview. Plus the read-only view of
 * RBAC objects the registry hands the RBAC authorizer (`RbacLister`).
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, UserInfo } from '../../registry/types.js';

/**
 * One `field=value` (or `==`) / `field!=value` term of a request's field selector
 * (`selection.Equals` / `NotEquals`).
 * @example
 * const onNode: FieldRequirement = { field: 'spec.nodeName', operator: '=', value: 'node-1' };
 */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/**
 * What a request asks to do. Empty strings stand for "not set", as in Go's AttributesRecord.
 * @example
 * const a: Attributes = { user: { username: 'alice', groups: ['system:authenticated'] }, verb: 'get', namespace: 'team-a', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: 'log', name: 'web-0', resourceRequest: true, path: '/api/v1/namespaces/team-a/pods/web-0/log' };
 */
export interface Attributes {
  user: UserInfo;
  verb: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
  resourceRequest: boolean;
  path: string;
  /** The list/watch field selector, parsed; only the Node authorizer reads it. */
  fieldSelector?: readonly FieldRequirement[];
}

/**
 * An authorizer's verdict. `NoOpinion` lets the next authorizer in a union decide; a request
 * nobody allows is forbidden.
 * @example
 * const d: Decision = 'NoOpinion';
 */
export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

/**
 * A decision, why, and (as Go's third return value) an evaluation error, if one happened.
 * kube-apiserver answers 500 when no authorizer allowed and an error was reported.
 * @example
 * const r: AuthorizationResult = { decision: 'Allow', reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' };
 */
export interface AuthorizationResult {
  decision: Decision;
  reason: string;
  error?: Error;
}

/**
 * Anything that decides requests.
 * @example
 * const allowReads: Authorizer = { authorize: async (a) => ({ decision: a.verb === 'get' ? 'Allow' : 'NoOpinion', reason: '' }) };
 */
export interface Authorizer {
  authorize(a: Attributes): Promise<AuthorizationResult>;
}

/**
 * A resource rule as SelfSubjectRulesReview reports it (empty lists left out, as `omitempty`).
 * @example
 * const r: ResourceRuleInfo = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
 */
export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/**
 * A non-resource rule as SelfSubjectRulesReview reports it.
 * @example
 * const r: NonResourceRuleInfo = { verbs: ['get'], nonResourceURLs: ['/healthz'] };
 */
export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs?: string[];
}

/**
 * What a user may do in a namespace. `incomplete` says the list may leave permissions out;
 * `evaluationError` says what went wrong while listing them.
 * @example
 * const r: RulesForResult = { resourceRules: [], nonResourceRules: [], incomplete: false };
 */
export interface RulesForResult {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  evaluationError?: string;
}

/**
 * Lists the rules that apply to a user (SelfSubjectRulesReview, escalation checks).
 * @example
 * const none: RuleResolver = { rulesFor: async () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }) };
 */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): Promise<RulesForResult>;
}

/**
 * The RBAC objects the RBAC authorizer reads; the registry implements it over its store.
 * A getter returns `undefined` for a missing object; any thrown error is reported as an
 * evaluation error (rules found elsewhere still count).
 * @example
 * const empty: RbacLister = { getRole: async () => undefined, getClusterRole: async () => undefined, listRoleBindings: async () => [], listClusterRoleBindings: async () => [], listClusterRoles: async () => [] };
 */
export interface RbacLister {
  getRole(namespace: string, name: string): Promise<Role | undefined>;
  getClusterRole(name: string): Promise<ClusterRole | undefined>;
  listRoleBindings(namespace: string): Promise<RoleBinding[]>;
  listClusterRoleBindings(): Promise<ClusterRoleBinding[]>;
  listClusterRoles(): Promise<ClusterRole[]>;
}
