import { describe, expect, it } from 'vitest';
import { ruleAllows } from '../../../src/auth/authorizer/index.js';
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
