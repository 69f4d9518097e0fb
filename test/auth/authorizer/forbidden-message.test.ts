import { describe, expect, it } from 'vitest';
import { forbiddenError, forbiddenMessage } from '../../../src/auth/authorizer/index.js';
import { nonRes, res, saUser } from './fakes.js';

const ci = saUser('team-a', 'ci');

describe('forbiddenMessage', () => {
  it.each([
    [
      'a named subresource in a namespace (the reference example)',
      res(ci, 'create', 'serviceaccounts', { namespace: 'team-a', subresource: 'token', name: 'default' }),
      '',
      'serviceaccounts "default" is forbidden: User "system:serviceaccount:team-a:ci" cannot create resource "serviceaccounts/token" in API group "" in the namespace "team-a"',
    ],
    ['a list at the cluster scope', res({ username: 'system:anonymous' }, 'list', 'nodes'), '', 'nodes is forbidden: User "system:anonymous" cannot list resource "nodes" in API group "" at the cluster scope'],
    [
      'a grouped resource',
      res({ username: 'dev' }, 'create', 'roles', { namespace: 'a', apiGroup: 'rbac.authorization.k8s.io', name: 'r' }),
      '',
      'roles.rbac.authorization.k8s.io "r" is forbidden: User "dev" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "a"',
    ],
    [
      'an RBAC reason appended as is',
      res({ username: 'dev' }, 'get', 'pods', { namespace: 'a', name: 'p' }),
      'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
      'pods "p" is forbidden: User "dev" cannot get resource "pods" in API group "" in the namespace "a": RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    ],
    ['a path', nonRes({ username: 'system:anonymous' }, 'get', '/foo'), '', 'forbidden: User "system:anonymous" cannot get path "/foo"'],
    ['a path with the AlwaysDeny reason', nonRes({ username: 'u' }, 'post', '/x'), 'Everything is forbidden.', 'forbidden: User "u" cannot post path "/x": Everything is forbidden.'],
    ['HTML in the user name escaped, quotes escaped Go-style', nonRes({ username: '<b>"x"&' }, 'get', '/'), '', 'forbidden: User "&lt;b&gt;\\"x\\"&amp;" cannot get path "/"'],
  ])('renders %s', (_name, attrs, reason, message) => {
    expect(forbiddenMessage(attrs, reason)).toBe(message);
  });
});

describe('forbiddenError', () => {
  it('is a 403 Status whose details name the resource without the subresource', () => {
    const e = forbiddenError(res(ci, 'create', 'serviceaccounts', { namespace: 'team-a', subresource: 'token', name: 'default' }));
    expect(JSON.stringify(e.toStatus())).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts \\"default\\" is forbidden: User \\"system:serviceaccount:team-a:ci\\" cannot create resource \\"serviceaccounts/token\\" in API group \\"\\" in the namespace \\"team-a\\"","reason":"Forbidden","details":{"name":"default","kind":"serviceaccounts"},"code":403}',
    );
  });

  it('has empty details for a path, as kube-apiserver sends them', () => {
    expect(forbiddenError(nonRes({ username: 'system:anonymous' }, 'get', '/')).toStatus()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'forbidden: User "system:anonymous" cannot get path "/"', reason: 'Forbidden', details: {}, code: 403,
    });
  });
});
