import { describe, expect, it } from 'vitest';
import { RbacAuthorizer } from '../../../src/auth/authorizer/index.js';
import type { PolicyRule } from '../../../src/registry/types.js';
import { FakeLister, alice, clusterRole, clusterRoleBinding, group, nonRes, res, role, roleBinding, sa, saUser, user } from './fakes.js';

const podsRead: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
const tokens: PolicyRule = { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] };

function lister(): FakeLister {
  return new FakeLister(
    [role('team-a', 'pod-reader', [podsRead])],
    [clusterRole('token-maker', [tokens]), clusterRole('healthz', [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }])],
    [
      roleBinding('team-a', 'readers', 'Role', 'pod-reader', [user('bob'), user('alice')]),
      roleBinding('team-a', 'ci-tokens', 'ClusterRole', 'token-maker', [sa('ci')]),
      roleBinding('team-a', 'other-ns-sa', 'ClusterRole', 'token-maker', [sa('deployer', 'team-b')]),
    ],
    [clusterRoleBinding('health', 'healthz', [group('system:authenticated')])],
  );
}

describe('RbacAuthorizer.authorize', () => {
  it.each([
    ['a RoleBinding to a Role allows, naming the binding, role and subject', res(alice, 'list', 'pods', { namespace: 'team-a' }), 'Allow', 'RBAC: allowed by RoleBinding "readers/team-a" of Role "pod-reader" to User "alice"'],
    ['a RoleBinding does not reach another namespace', res(alice, 'list', 'pods', { namespace: 'team-b' }), 'NoOpinion', ''],
    ['a RoleBinding does not reach the cluster scope', res(alice, 'list', 'pods'), 'NoOpinion', ''],
    ['a ServiceAccount subject without namespace means the binding\'s namespace', res(saUser('team-a', 'ci'), 'create', 'serviceaccounts', { namespace: 'team-a', subresource: 'token', name: 'ci' }), 'Allow', 'RBAC: allowed by RoleBinding "ci-tokens/team-a" of ClusterRole "token-maker" to ServiceAccount "ci/team-a"'],
    ['a ServiceAccount of another namespace with the same name does not match', res(saUser('team-b', 'ci'), 'create', 'serviceaccounts', { namespace: 'team-a', subresource: 'token', name: 'ci' }), 'NoOpinion', ''],
    ['a ServiceAccount subject can name another namespace', res(saUser('team-b', 'deployer'), 'create', 'serviceaccounts', { namespace: 'team-a', subresource: 'token', name: 'x' }), 'Allow', 'RBAC: allowed by RoleBinding "other-ns-sa/team-a" of ClusterRole "token-maker" to ServiceAccount "deployer/team-b"'],
    ['a ClusterRoleBinding to a group allows a path', nonRes(alice, 'get', '/healthz'), 'Allow', 'RBAC: allowed by ClusterRoleBinding "health" of ClusterRole "healthz" to Group "system:authenticated"'],
    ['a user outside the group gets no opinion', nonRes({ username: 'system:anonymous', groups: ['system:unauthenticated'] }, 'get', '/healthz'), 'NoOpinion', ''],
  ])('%s', async (_name, attrs, decision, reason) => {
    expect(await new RbacAuthorizer(lister()).authorize(attrs)).toEqual({ decision, reason });
  });

  it('reports bindings to missing roles in the reason, as Kubernetes does', async () => {
    const l = new FakeLister([], [], [roleBinding('ns', 'b1', 'Role', 'gone', [user('alice')])], [clusterRoleBinding('b2', 'missing', [user('alice')])]);
    expect(await new RbacAuthorizer(l).authorize(res(alice, 'get', 'pods', { namespace: 'ns' }))).toEqual({
      decision: 'NoOpinion',
      reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "missing" not found, role.rbac.authorization.k8s.io "gone" not found]',
    });
  });

  it('reports one missing role without brackets', async () => {
    const l = new FakeLister([], [], [], [clusterRoleBinding('b2', 'missing', [user('alice')])]);
    expect((await new RbacAuthorizer(l).authorize(res(alice, 'get', 'pods'))).reason).toBe('RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found');
  });

  it('still allows through other bindings when one role is missing', async () => {
    const l = lister();
    l.clusterRoleBindings.unshift(clusterRoleBinding('broken', 'missing', [user('alice')]));
    expect((await new RbacAuthorizer(l).authorize(nonRes(alice, 'get', '/healthz'))).decision).toBe('Allow');
  });

  it('stops reading bindings once a rule allows', async () => {
    const l = lister();
    await new RbacAuthorizer(l).authorize(nonRes(alice, 'get', '/healthz'));
    expect(l.calls).toEqual(['listClusterRoleBindings', 'getClusterRole']);
  });

  it('reports a lister failure and keeps going with the namespace', async () => {
    const l = lister();
    l.fail.add('listClusterRoleBindings');
    const d = await new RbacAuthorizer(l).authorize(res(alice, 'get', 'pods', { namespace: 'team-a' }));
    expect(d.decision).toBe('Allow');
    const denied = await new RbacAuthorizer(l).authorize(res(alice, 'delete', 'pods', { namespace: 'team-a' }));
    expect(denied).toEqual({ decision: 'NoOpinion', reason: 'RBAC: listClusterRoleBindings failed' });
  });

  it('resolves an aggregated ClusterRole without waiting for a controller', async () => {
    const agg = { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } };
    const l = new FakeLister([], [agg, clusterRole('part', [podsRead], { x: 'y' })], [], [clusterRoleBinding('b', 'agg', [user('alice')])]);
    expect((await new RbacAuthorizer(l).authorize(res(alice, 'get', 'pods'))).decision).toBe('Allow');
    expect((await new RbacAuthorizer(l, { resolveAggregation: false }).authorize(res(alice, 'get', 'pods'))).decision).toBe('NoOpinion');
  });
});

describe('RbacAuthorizer.rulesFor', () => {
  it('lists cluster-wide and namespaced rules, split by kind, empty lists left out', async () => {
    const r = await new RbacAuthorizer(lister()).rulesFor(alice, 'team-a');
    expect(r).toEqual({
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
    });
  });

  it('reports resolution errors as evaluationError', async () => {
    const l = new FakeLister([], [], [], [clusterRoleBinding('b2', 'missing', [user('alice')])]);
    expect(await new RbacAuthorizer(l).rulesFor(alice, '')).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: 'clusterrole.rbac.authorization.k8s.io "missing" not found' });
  });
});

describe('RbacAuthorizer: which binding is named, and what rulesFor keeps', () => {
  it('names the first binding that allows (ClusterRoleBindings are visited before RoleBindings) and stops there', async () => {
    const l = new FakeLister(
      [role('team-a', 'pod-reader', [podsRead])],
      [clusterRole('pod-reader-everywhere', [podsRead])],
      [roleBinding('team-a', 'readers', 'Role', 'pod-reader', [user('alice')])],
      [clusterRoleBinding('everywhere', 'pod-reader-everywhere', [user('alice')]), clusterRoleBinding('again', 'pod-reader-everywhere', [group('dev')])],
    );
    expect(await new RbacAuthorizer(l).authorize(res(alice, 'get', 'pods', { namespace: 'team-a' }))).toEqual({ decision: 'Allow', reason: 'RBAC: allowed by ClusterRoleBinding "everywhere" of ClusterRole "pod-reader-everywhere" to User "alice"' });
  });

  it('keeps resourceNames and leaves out missing or empty apiGroups, resources and resourceNames', async () => {
    const rules: PolicyRule[] = [
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] },
      { verbs: ['get'], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [], resources: ['nodes'], resourceNames: [] },
      { verbs: ['get'], apiGroups: ['apps'], resources: [], nonResourceURLs: ['/x'] },
    ];
    const l = new FakeLister([], [clusterRole('mixed', rules)], [], [clusterRoleBinding('b', 'mixed', [user('alice')])]);
    expect(await new RbacAuthorizer(l).rulesFor(alice, '')).toStrictEqual({
      resourceRules: [
        { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] },
        { verbs: ['get'], resources: ['pods'] },
        { verbs: ['get'], resources: ['nodes'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }],
      incomplete: false,
    });
  });
});
