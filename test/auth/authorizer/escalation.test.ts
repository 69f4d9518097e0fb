import { describe, expect, it } from 'vitest';
import { EscalationError, RbacAuthorizer, compactRules, compactString, confirmNoEscalation, escalationAllowed, mayBind, mayEscalate } from '../../../src/auth/authorizer/index.js';
import type { Attributes, Authorizer } from '../../../src/auth/authorizer/index.js';
import type { PolicyRule, UserInfo } from '../../../src/registry/types.js';
import { FakeLister, clusterRole, clusterRoleBinding, role, roleBinding, user } from './fakes.js';

const alice: UserInfo = { username: 'alice', groups: ['dev', 'system:authenticated'] };
const podsRead: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };

function resolver(): RbacAuthorizer {
  return new RbacAuthorizer(new FakeLister([role('team-a', 'reader', [podsRead])], [clusterRole('health', [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }])], [roleBinding('team-a', 'rb', 'Role', 'reader', [user('alice')])], [clusterRoleBinding('crb', 'health', [user('alice')])]));
}

/** An authorizer that records what it was asked and allows what `allow` says. */
class RecordingAuthorizer implements Authorizer {
  asked: Attributes[] = [];
  constructor(private readonly allow: (a: Attributes) => boolean) {}
  async authorize(a: Attributes) {
    this.asked.push(a);
    return { decision: this.allow(a) ? ('Allow' as const) : ('NoOpinion' as const), reason: '' };
  }
}

describe('compactString', () => {
  it.each<[string, PolicyRule, string]>([
    ['a resource rule', { verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods'] }, '{APIGroups:["" "apps"], Resources:["pods"], Verbs:["get" "list"]}'],
    ['a named rule', { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }, '{APIGroups:[""], Resources:["secrets"], ResourceNames:["a"], Verbs:["get"]}'],
    ['a URL rule', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, '{NonResourceURLs:["/healthz"], Verbs:["get"]}'],
  ])('renders %s as Go does', (_name, rule, text) => {
    expect(compactString(rule)).toBe(text);
  });
});

describe('compactRules', () => {
  it('merges simple rules that differ only in verbs and keeps the rest', () => {
    const out = compactRules([
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { nonResourceURLs: ['/x'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['a'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['list'], resourceNames: ['a'] },
    ]);
    expect(out).toEqual([
      { nonResourceURLs: ['/x'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'delete'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'], resourceNames: ['a'] },
    ]);
  });
});

describe('confirmNoEscalation', () => {
  it.each<[string, PolicyRule[], string]>([
    ['rules the user holds in the namespace', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], 'team-a'],
    ['cluster-wide rules the user holds', [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }], ''],
    ['no rules at all', [], ''],
  ])('accepts %s', async (_name, rules, ns) => {
    await expect(confirmNoEscalation(alice, rules, ns, resolver())).resolves.toBeUndefined();
  });

  it('refuses rules held only in another namespace, with Kubernetes\' message', async () => {
    const err = await confirmNoEscalation(alice, [{ verbs: ['get', 'list', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }], 'team-b', resolver()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EscalationError);
    expect((err as Error).message).toBe(
      'user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list" "delete"]}\n' +
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list" "delete"]}',
    );
  });

  it('appends resolution errors to the message', async () => {
    const l = new FakeLister([], [], [], [clusterRoleBinding('crb', 'missing', [user('bob')])]);
    const err = await confirmNoEscalation({ username: 'bob' }, [{ verbs: ['get'], nonResourceURLs: ['/x'] }], '', new RbacAuthorizer(l)).catch((e: unknown) => e);
    expect((err as Error).message).toBe('user "bob" (groups=[]) is attempting to grant RBAC permissions not currently held:\n{NonResourceURLs:["/x"], Verbs:["get"]}; resolution errors: [clusterrole.rbac.authorization.k8s.io "missing" not found]');
  });
});

describe('escalation exemptions', () => {
  it('lets system:masters escalate', () => {
    expect(escalationAllowed({ username: 'x', groups: ['system:masters'] })).toBe(true);
    expect(escalationAllowed(alice)).toBe(false);
  });

  it('asks for bind on the referenced role in the binding\'s namespace', async () => {
    const authz = new RecordingAuthorizer((a) => a.name === 'view');
    expect(await mayBind(alice, authz, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, 'team-a')).toBe(true);
    expect(await mayBind(alice, authz, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'other' }, 'team-a')).toBe(false);
    expect(await mayBind(alice, authz, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'view' }, 'team-a')).toBe(false);
    expect(authz.asked.map((a) => [a.verb, a.apiGroup, a.resource, a.name, a.namespace])).toEqual([
      ['bind', 'rbac.authorization.k8s.io', 'clusterroles', 'view', 'team-a'],
      ['bind', 'rbac.authorization.k8s.io', 'roles', 'other', 'team-a'],
    ]);
  });

  it('asks for escalate on roles and clusterroles only', async () => {
    const authz = new RecordingAuthorizer(() => true);
    expect(await mayEscalate(alice, authz, { resource: 'clusterroles', name: 'x', namespace: '' })).toBe(true);
    expect(await mayEscalate(alice, authz, { resource: 'rolebindings', name: 'x', namespace: 'a' })).toBe(false);
    expect(authz.asked).toEqual([{ user: alice, verb: 'escalate', namespace: '', apiGroup: 'rbac.authorization.k8s.io', apiVersion: '*', resource: 'clusterroles', subresource: '', name: 'x', resourceRequest: true, path: '' }]);
  });
});
