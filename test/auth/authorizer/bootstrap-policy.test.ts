import { describe, expect, it } from 'vitest';
import { RbacAuthorizer, bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../../src/auth/authorizer/index.js';
import type { UserInfo } from '../../../src/registry/types.js';
import { FakeLister, nonRes, res, roleBinding, saUser, user } from './fakes.js';

const roles = bootstrapClusterRoles();
const byName = (name: string) => roles.find((r) => r.metadata.name === name)!;
const admin: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
const dev: UserInfo = { username: 'dev', groups: ['system:authenticated'] };
const anonymous: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

function rbac(extraBindings = [roleBinding('team-a', 'dev-view', 'ClusterRole', 'view', [user('dev')]), roleBinding('team-a', 'ed', 'ClusterRole', 'edit', [user('editor')])]): RbacAuthorizer {
  return new RbacAuthorizer(new FakeLister([], bootstrapClusterRoles({ aggregated: false }), extraBindings, bootstrapClusterRoleBindings()));
}

describe('bootstrapClusterRoles', () => {
  it('carries the bootstrapping label and the autoupdate annotation on every role and binding', () => {
    for (const o of [...roles, ...bootstrapClusterRoleBindings()]) {
      expect(o.metadata.labels?.['kubernetes.io/bootstrapping']).toBe('rbac-defaults');
      expect(o.metadata.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    }
  });

  it('is sorted by name', () => {
    const names = roles.map((r) => r.metadata.name!);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['admin', 'cluster-admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:service-account-issuer-discovery', 'system:node']));
  });

  it('makes admin, edit and view aggregated roles labelled as upstream', () => {
    expect(byName('edit').metadata.labels).toEqual({ 'kubernetes.io/bootstrapping': 'rbac-defaults', 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' });
    expect(byName('view').aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    expect(bootstrapClusterRoles({ aggregated: false }).find((r) => r.metadata.name === 'admin')!.rules).toBeUndefined();
  });

  it('gives admin edit\'s rules then system:aggregate-to-admin\'s, as the controller converges', () => {
    const adminRules = byName('admin').rules!;
    expect(adminRules[0]).toEqual({ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'] });
    expect(adminRules.slice(-2)).toEqual(byName('system:aggregate-to-admin').rules);
    expect(byName('edit').rules).toEqual([...byName('system:aggregate-to-edit').rules!, ...byName('view').rules!]);
    expect(byName('view').rules).toEqual(byName('system:aggregate-to-view').rules);
  });

  it('has the exact upstream rules of the small roles', () => {
    expect(byName('cluster-admin').rules).toEqual([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]);
    expect(byName('system:basic-user').rules).toEqual([
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ]);
    expect(byName('system:public-info-viewer').rules).toEqual([{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }]);
    expect(byName('system:service-account-issuer-discovery').rules).toEqual([
      { verbs: ['get'], nonResourceURLs: ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'] },
    ]);
  });
});

describe('bootstrapClusterRoleBindings', () => {
  it('binds the defaults to the groups upstream binds them to', () => {
    const subjects = Object.fromEntries(bootstrapClusterRoleBindings().map((b) => [b.metadata.name, (b.subjects ?? []).map((s) => `${s.kind}:${s.name}`)]));
    expect(subjects).toEqual({
      'cluster-admin': ['Group:system:masters'],
      'system:basic-user': ['Group:system:authenticated'],
      'system:discovery': ['Group:system:authenticated'],
      'system:kube-scheduler': ['User:system:kube-scheduler'],
      'system:monitoring': ['Group:system:monitoring'],
      'system:node': [],
      'system:node-proxier': ['User:system:kube-proxy'],
      'system:public-info-viewer': ['Group:system:authenticated', 'Group:system:unauthenticated'],
      'system:service-account-issuer-discovery': ['Group:system:serviceaccounts'],
    });
  });
});

describe('the default policy under RBAC', () => {
  it.each([
    ['system:masters may do anything through cluster-admin', res(admin, 'delete', 'nodes', { name: 'n1' }), 'Allow'],
    ['an authenticated user may discover APIs', nonRes(dev, 'get', '/apis/apps/v1'), 'Allow'],
    ['an anonymous user may not discover APIs', nonRes(anonymous, 'get', '/apis'), 'NoOpinion'],
    ['an anonymous user may read /version', nonRes(anonymous, 'get', '/version'), 'Allow'],
    ['an authenticated user may create SelfSubjectAccessReviews', res(dev, 'create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io' }), 'Allow'],
    ['a service account may read the OIDC discovery document', nonRes(saUser('x', 'y'), 'get', '/.well-known/openid-configuration'), 'Allow'],
    ['a plain user may not read the JWKS', nonRes(dev, 'get', '/openid/v1/jwks'), 'NoOpinion'],
    ['view reads pods', res(dev, 'list', 'pods', { namespace: 'team-a' }), 'Allow'],
    ['view does not read secrets', res(dev, 'get', 'secrets', { namespace: 'team-a', name: 's' }), 'NoOpinion'],
    ['view does not create tokens', res(dev, 'create', 'serviceaccounts', { namespace: 'team-a', subresource: 'token', name: 'default' }), 'NoOpinion'],
    ['edit creates tokens', res({ username: 'editor' }, 'create', 'serviceaccounts', { namespace: 'team-a', subresource: 'token', name: 'default' }), 'Allow'],
    ['edit reads secrets', res({ username: 'editor' }, 'get', 'secrets', { namespace: 'team-a', name: 's' }), 'Allow'],
    ['edit does not write roles', res({ username: 'editor' }, 'create', 'roles', { namespace: 'team-a', apiGroup: 'rbac.authorization.k8s.io' }), 'NoOpinion'],
    ['the scheduler binds pods through pods/binding', res({ username: 'system:kube-scheduler' }, 'create', 'pods', { namespace: 'a', name: 'p', subresource: 'binding' }), 'Allow'],
    ['the scheduler does not create pods', res({ username: 'system:kube-scheduler' }, 'create', 'pods', { namespace: 'a' }), 'NoOpinion'],
    ['a node gets nothing from RBAC: system:node is bound to no one', res({ username: 'system:node:n1', groups: ['system:nodes'] }, 'get', 'pods', { namespace: 'a', name: 'p' }), 'NoOpinion'],
  ])('%s', async (_name, attrs, decision) => {
    expect((await rbac().authorize(attrs)).decision).toBe(decision);
  });

  it('names the cluster-admin binding when it allows a master', async () => {
    expect((await rbac().authorize(res(admin, 'get', 'pods'))).reason).toBe('RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"');
  });
});
