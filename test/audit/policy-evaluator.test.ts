import { describe, expect, it } from 'vitest';
import { PolicyEvaluator, type AuditAttributes } from '../../src/audit/policy-evaluator.js';
import type { Level, Policy, PolicyRule, Stage } from '../../src/audit/types.js';

// The cases of staging/src/k8s.io/apiserver/pkg/audit/policy/checker_test.go, table for table.
const tim = { username: 'tim@k8s.io', groups: ['humans', 'developers'] };

const attrs: Record<string, AuditAttributes> = {
  namespaced: { user: tim, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: 'busybox', resourceRequest: true, path: '/api/v1/namespaces/default/pods/busybox' },
  cluster: { user: tim, verb: 'get', namespace: '', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1beta1', resource: 'clusterroles', subresource: '', name: 'edit', resourceRequest: true, path: '/apis/rbac.authorization.k8s.io/v1beta1/clusterroles/edit' },
  nonResource: { user: tim, verb: 'get', namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', resourceRequest: false, path: '/logs/kubelet.log' },
  subresource: { user: tim, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: 'log', name: 'busybox', resourceRequest: true, path: '/api/v1/namespaces/default/pods/busybox' },
  Unauthorized: { verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: 'busybox', resourceRequest: true, path: '/api/v1/namespaces/default/pods/busybox' },
};

const rules: Record<string, PolicyRule> = {
  default: { level: 'Metadata' },
  create: { level: 'Request', verbs: ['create'] },
  tims: { level: 'Metadata', users: ['tim@k8s.io'] },
  humans: { level: 'Metadata', userGroups: ['humans'] },
  serviceAccounts: { level: 'Request', userGroups: ['system:serviceaccounts'] },
  getPods: { level: 'RequestResponse', verbs: ['get'], resources: [{ resources: ['pods'] }] },
  getPodLogs: { level: 'Request', verbs: ['get'], resources: [{ resources: ['pods/log'] }] },
  getPodWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['*'] }] },
  getPodResourceWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['*/log'] }] },
  getPodSubResourceWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['pods/*'] }] },
  getClusterRoles: { level: 'RequestResponse', verbs: ['get'], resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'] }], namespaces: [''] },
  getLogs: { level: 'RequestResponse', verbs: ['get'], nonResourceURLs: ['/logs*'] },
  getMetrics: { level: 'Request', verbs: ['get'], nonResourceURLs: ['/metrics'] },
  clusterRoleEdit: { level: 'Request', resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'], resourceNames: ['edit'] }] },
  'omit RequestReceived': { level: 'Request', omitStages: ['RequestReceived'] },
  'only audit panic': { level: 'Request', omitStages: ['RequestReceived', 'ResponseStarted', 'ResponseComplete'] },
};

/** testAuditLevel: [request, expected level, rule names in order] */
const levelCases: Array<[string, Level, string[]]> = [
  ['namespaced', 'Metadata', ['default']],
  ['namespaced', 'None', ['create']],
  ['namespaced', 'Metadata', ['tims']],
  ['namespaced', 'Metadata', ['humans']],
  ['namespaced', 'None', ['serviceAccounts']],
  ['namespaced', 'RequestResponse', ['getPods']],
  ['namespaced', 'None', ['getClusterRoles']],
  ['namespaced', 'None', ['getLogs']],
  ['namespaced', 'None', ['getMetrics']],
  ['namespaced', 'Metadata', ['getMetrics', 'serviceAccounts', 'default']],
  ['namespaced', 'RequestResponse', ['getMetrics', 'getPods', 'default']],
  ['namespaced', 'RequestResponse', ['getPodLogs', 'getPods']],
  ['cluster', 'Metadata', ['default']],
  ['cluster', 'None', ['create']],
  ['cluster', 'Metadata', ['tims']],
  ['cluster', 'Metadata', ['humans']],
  ['cluster', 'None', ['serviceAccounts']],
  ['cluster', 'None', ['getPods']],
  ['cluster', 'RequestResponse', ['getClusterRoles']],
  ['cluster', 'Request', ['clusterRoleEdit', 'getClusterRoles']],
  ['cluster', 'None', ['getLogs']],
  ['cluster', 'None', ['getMetrics']],
  ['cluster', 'Metadata', ['getMetrics', 'serviceAccounts', 'default']],
  ['cluster', 'RequestResponse', ['getMetrics', 'getClusterRoles', 'default']],
  ['cluster', 'None', ['getPodLogs', 'getPods']],
  ['nonResource', 'Metadata', ['default']],
  ['nonResource', 'None', ['create']],
  ['nonResource', 'Metadata', ['tims']],
  ['nonResource', 'Metadata', ['humans']],
  ['nonResource', 'None', ['serviceAccounts']],
  ['nonResource', 'None', ['getPods']],
  ['nonResource', 'None', ['getClusterRoles']],
  ['nonResource', 'RequestResponse', ['getLogs']],
  ['nonResource', 'None', ['getMetrics']],
  ['nonResource', 'Metadata', ['getMetrics', 'serviceAccounts', 'default']],
  ['nonResource', 'RequestResponse', ['getLogs', 'getClusterRoles', 'default']],
  ['nonResource', 'None', ['getPodLogs', 'getPods']],
  ['subresource', 'Request', ['getPodLogs', 'getPods']],
  ['subresource', 'Request', ['getPodWildcardMatching']],
  ['subresource', 'Request', ['getPodResourceWildcardMatching']],
  ['subresource', 'Request', ['getPodSubResourceWildcardMatching']],
  ['Unauthorized', 'None', ['tims']],
  ['Unauthorized', 'Metadata', ['tims', 'default']],
  ['Unauthorized', 'None', ['humans']],
  ['Unauthorized', 'Metadata', ['humans', 'default']],
];

function evaluate(req: string, policyStages: Stage[] | undefined, names: string[]) {
  const policy: Policy = { rules: names.map((n) => rules[n]!), ...(policyStages ? { omitStages: policyStages } : {}) };
  return new PolicyEvaluator(policy).evaluate(attrs[req]!);
}

describe('PolicyEvaluator: checker_test.go TestChecker', () => {
  it.each(levelCases)('%s with rules %j is %s... as Kubernetes', (req, level, names) => {
    const c = evaluate(req, undefined, names);
    expect(c.level).toBe(level);
    expect([...c.omitStages]).toEqual([]);
  });

  it.each([
    ['namespaced', 'omit RequestReceived', ['RequestReceived']],
    ['namespaced', 'only audit panic', ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['cluster', 'omit RequestReceived', ['RequestReceived']],
    ['cluster', 'only audit panic', ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['nonResource', 'omit RequestReceived', ['RequestReceived']],
    ['nonResource', 'only audit panic', ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
  ] as Array<[string, string, Stage[]]>)('%s: the first rule %s omits its stages', (req, first, stages) => {
    const c = evaluate(req, undefined, [first, 'getPods', 'default']);
    expect(c.level).toBe('Request');
    expect(new Set(c.omitStages)).toEqual(new Set(stages));
  });
});

describe('PolicyEvaluator: checker_test.go TestCheckerPolicyOmitStages', () => {
  const policyStages: Stage[] = ['RequestReceived', 'ResponseStarted'];

  it.each(levelCases)('%s with rules %j is %s, with the policy stages on every answer', (req, level, names) => {
    const c = evaluate(req, policyStages, names);
    expect(c.level).toBe(level);
    expect(new Set(c.omitStages)).toEqual(new Set(policyStages));
  });

  it.each([
    ['namespaced', 'Request', ['omit RequestReceived', 'getPods', 'default'], ['RequestReceived', 'ResponseStarted']],
    ['namespaced', 'Request', ['only audit panic', 'getPods', 'default'], ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['cluster', 'Request', ['omit RequestReceived', 'getPods', 'default'], ['RequestReceived', 'ResponseStarted']],
    ['cluster', 'Request', ['only audit panic', 'getPods', 'default'], ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['nonResource', 'Metadata', ['default', 'omit RequestReceived', 'getPods'], ['RequestReceived', 'ResponseStarted']],
    ['nonResource', 'Request', ['only audit panic', 'getPods', 'default'], ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
  ] as Array<[string, Level, string[], Stage[]]>)('%s is %s with rules %j: the union of the rule and policy stages', (req, level, names, stages) => {
    const c = evaluate(req, policyStages, names);
    expect(c.level).toBe(level);
    expect(new Set(c.omitStages)).toEqual(new Set(stages));
  });
});

describe('PolicyEvaluator: checker_test.go TestUnionStages (through a matching rule)', () => {
  it.each([
    [[], [], []],
    [['RequestReceived'], [], ['RequestReceived']],
    [['RequestReceived'], ['RequestReceived'], ['RequestReceived']],
    [['RequestReceived'], ['ResponseStarted'], ['RequestReceived', 'ResponseStarted']],
    [['RequestReceived', 'RequestReceived'], ['RequestReceived', 'RequestReceived'], ['RequestReceived']],
    [['RequestReceived', 'ResponseStarted'], ['Panic', 'RequestReceived'], ['RequestReceived', 'ResponseStarted', 'Panic']],
    [undefined, ['RequestReceived'], ['RequestReceived']],
  ] as Array<[Stage[] | undefined, Stage[], Stage[]]>)('policy %j and rule %j omit %j', (policyStages, ruleStages, union) => {
    const c = new PolicyEvaluator({ rules: [{ level: 'Metadata', omitStages: ruleStages }], ...(policyStages ? { omitStages: policyStages } : {}) }).evaluate(attrs.namespaced!);
    expect(new Set(c.omitStages)).toEqual(new Set(union));
  });
});

describe('PolicyEvaluator: checker_test.go TestOmitManagedFields', () => {
  const get: AuditAttributes = { verb: 'get', namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', resourceRequest: false, path: '' };
  const rule: PolicyRule = { level: 'RequestResponse', verbs: ['get'] };
  it.each([
    ['global policy default is false, rule does not override', false, undefined, false],
    ['global policy default is true, rule does not override', true, undefined, true],
    ['global policy default is true, rule overrides to false', true, false, false],
    ['global policy default is false, rule overrides to true', false, true, true],
  ] as Array<[string, boolean, boolean | undefined, boolean]>)('%s', (_name, global, override, want) => {
    const r: PolicyRule = override === undefined ? rule : { ...rule, omitManagedFields: override };
    expect(new PolicyEvaluator({ rules: [r], omitManagedFields: global }).evaluate(get).omitManagedFields).toBe(want);
  });

  it('no matching rule: level None with the policy-wide stages and managed-fields setting', () => {
    const c = new PolicyEvaluator({ rules: [{ level: 'Metadata', verbs: ['create'] }], omitStages: ['Panic'], omitManagedFields: true }).evaluate(get);
    expect(c).toEqual({ level: 'None', omitStages: new Set(['Panic']), omitManagedFields: true });
  });
});

describe('PolicyEvaluator: more matching rules', () => {
  const pe = (rule: PolicyRule, a: Partial<AuditAttributes>) => new PolicyEvaluator({ rules: [rule] }).evaluate({ ...attrs.namespaced!, ...a }).level;

  it.each([
    ['a trailing * matches a prefix', { level: 'Metadata', nonResourceURLs: ['/healthz*'] }, { resourceRequest: false, path: '/healthz/etcd' }, 'Metadata'],
    ['several trailing stars are one', { level: 'Metadata', nonResourceURLs: ['/heal**'] }, { resourceRequest: false, path: '/healthz' }, 'Metadata'],
    ['a bare * matches any path', { level: 'Metadata', nonResourceURLs: ['*'] }, { resourceRequest: false, path: '/version' }, 'Metadata'],
    ['a non-resource rule skips resource requests', { level: 'Metadata', nonResourceURLs: ['*'] }, {}, 'None'],
    ['resourceNames limit a group resource', { level: 'Request', resources: [{ resources: ['pods'], resourceNames: ['other'] }] }, {}, 'None'],
    ['an empty resource list matches the whole group', { level: 'Request', resources: [{ group: '' }] }, {}, 'Request'],
    ['another group does not match', { level: 'Request', resources: [{ group: 'apps' }] }, {}, 'None'],
    ['namespaces alone limit resource requests', { level: 'Request', namespaces: ['kube-system'] }, {}, 'None'],
    ['"" in namespaces matches cluster-scoped requests', { level: 'Request', namespaces: [''] }, { namespace: '', resource: 'nodes', name: 'n1' }, 'Request'],
    ['serviceaccounts/token matches the TokenRequest subresource', { level: 'RequestResponse', resources: [{ resources: ['serviceaccounts/token'] }] }, { verb: 'create', resource: 'serviceaccounts', subresource: 'token' }, 'RequestResponse'],
    ['pods/* matches pods itself too (Go compares only the resource part)', { level: 'Request', resources: [{ resources: ['pods/*'] }] }, {}, 'Request'],
    ['*/log does not match a request without a subresource', { level: 'Request', resources: [{ resources: ['*/log'] }] }, {}, 'None'],
  ] as Array<[string, PolicyRule, Partial<AuditAttributes>, Level]>)('%s', (_n, rule, a, level) => {
    expect(pe(rule, a)).toBe(level);
  });
});
