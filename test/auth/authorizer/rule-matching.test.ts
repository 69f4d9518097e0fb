import { describe, expect, it } from 'vitest';
import { ruleAllows, rulesAllow } from '../../../src/auth/authorizer/index.js';
import type { PolicyRule } from '../../../src/registry/types.js';
import { alice, nonRes, res } from './fakes.js';

const podsRead: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };

describe('ruleAllows', () => {
  it.each<[string, PolicyRule, ReturnType<typeof res>, boolean]>([
    ['a listed verb, group and resource allow a request', podsRead, res(alice, 'list', 'pods'), true],
    ['an unlisted verb is refused', podsRead, res(alice, 'delete', 'pods'), false],
    ['another group is refused', podsRead, res(alice, 'get', 'pods', { apiGroup: 'apps' }), false],
    ['a rule on pods does not reach pods/log', podsRead, res(alice, 'get', 'pods', { subresource: 'log' }), false],
    ['pods/log in the rule reaches the log subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res(alice, 'get', 'pods', { subresource: 'log' }), true],
    ['serviceaccounts/token allows creating tokens', { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] }, res(alice, 'create', 'serviceaccounts', { subresource: 'token', name: 'ci' }), true],
    ['*/scale matches the scale subresource of anything', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res(alice, 'update', 'deployments', { apiGroup: 'apps', subresource: 'scale' }), true],
    ['*/scale does not match the resource itself', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res(alice, 'update', 'deployments', { apiGroup: 'apps' }), false],
    ['*/scale does not match another subresource ending the same way', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res(alice, 'update', 'deployments', { subresource: 'descale' }), false],
    ['* resources include subresources', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, res(alice, 'create', 'serviceaccounts', { subresource: 'token' }), true],
    ['resourceNames allow the named object', { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, res(alice, 'get', 'secrets', { name: 'a' }), true],
    ['resourceNames refuse other names', { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, res(alice, 'get', 'secrets', { name: 'b' }), false],
    ['resourceNames refuse a list (no name)', { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, res(alice, 'list', 'secrets'), false],
    ['a resource rule never allows a path', podsRead, nonRes(alice, 'get', '/api'), false],
    ['an exact nonResourceURL matches', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, nonRes(alice, 'get', '/healthz'), true],
    ['an exact nonResourceURL is not a prefix', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, nonRes(alice, 'get', '/healthz/etcd'), false],
    ['a trailing * is a prefix match', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, nonRes(alice, 'get', '/apis/apps/v1'), true],
    ['a trailing * needs the prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, nonRes(alice, 'get', '/apis'), false],
    ['* matches every path', { verbs: ['*'], nonResourceURLs: ['*'] }, nonRes(alice, 'post', '/anything'), true],
    ['a URL rule never allows a resource', { verbs: ['*'], nonResourceURLs: ['*'] }, res(alice, 'get', 'pods'), false],
  ])('%s', (_name, rule, attrs, allowed) => {
    expect(ruleAllows(attrs, rule)).toBe(allowed);
  });
});

describe('evaluation_helpers.go, matcher by matcher', () => {
  it.each<[string, PolicyRule, ReturnType<typeof res>, boolean]>([
    ['APIGroupMatches: any listed group, not only the first', { verbs: ['get'], apiGroups: ['', 'apps'], resources: ['*'] }, res(alice, 'get', 'deployments', { apiGroup: 'apps' }), true],
    ['APIGroupMatches: a rule without apiGroups matches no group, not even the core one', { verbs: ['get'], resources: ['pods'] }, res(alice, 'get', 'pods'), false],
    ['ResourceMatches: a rule without resources matches nothing', { verbs: ['get'], apiGroups: [''] }, res(alice, 'get', 'pods'), false],
    ['ResourceMatches: "*/" is no wildcard for a request without a subresource', { verbs: ['get'], apiGroups: [''], resources: ['*/'] }, res(alice, 'get', 'pods'), false],
    ['ResourceMatches: "x/scale" is not "*/scale"', { verbs: ['update'], apiGroups: ['*'], resources: ['x/scale'] }, res(alice, 'update', 'deployments', { subresource: 'scale' }), false],
    ['ResourceMatches: "*/descale" is not "*/scale" (the length must be the subresource\'s plus two)', { verbs: ['update'], apiGroups: ['*'], resources: ['*/descale'] }, res(alice, 'update', 'deployments', { subresource: 'scale' }), false],
    ['ResourceMatches: "*/scale" after other resources', { verbs: ['update'], apiGroups: ['*'], resources: ['pods', '*/scale'] }, res(alice, 'update', 'deployments', { subresource: 'scale' }), true],
    ['NonResourceURLMatches: an empty entry is not a wildcard', { verbs: ['get'], nonResourceURLs: [''] }, nonRes(alice, 'get', '/healthz'), false],
    ['NonResourceURLMatches: TrimRight drops every trailing *', { verbs: ['get'], nonResourceURLs: ['/apis**'] }, nonRes(alice, 'get', '/apis/apps'), true],
    ['NonResourceURLMatches: only trailing stars are trimmed, an inner * is literal', { verbs: ['get'], nonResourceURLs: ['/a*b*'] }, nonRes(alice, 'get', '/a*bc'), true],
    ['NonResourceURLMatches: an inner * matches no other character', { verbs: ['get'], nonResourceURLs: ['/a*b*'] }, nonRes(alice, 'get', '/axbc'), false],
    ['NonResourceURLMatches: a rule without nonResourceURLs matches no path', { verbs: ['get'], resources: ['*'], apiGroups: ['*'] }, nonRes(alice, 'get', '/'), false],
    ['NonResourceURLMatches: a later entry', { verbs: ['get'], nonResourceURLs: ['/a', '/healthz'] }, nonRes(alice, 'get', '/healthz'), true],
    ['VerbMatches: a later verb', { verbs: ['list', 'get'], nonResourceURLs: ['*'] }, nonRes(alice, 'get', '/x'), true],
  ])('%s', (_name, rule, attrs, allowed) => {
    expect(ruleAllows(attrs, rule)).toBe(allowed);
  });
});

describe('rulesAllow (RulesAllow): any of the rules', () => {
  const nodes: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['nodes'] };
  it.each<[string, PolicyRule[], boolean]>([
    ['no rules', [], false],
    ['the only rule allows', [podsRead], true],
    ['a later rule allows', [nodes, podsRead], true],
    ['none allows', [nodes], false],
  ])('%s', (_n, rules, want) => {
    expect(rulesAllow(res(alice, 'get', 'pods'), rules)).toBe(want);
  });
});
