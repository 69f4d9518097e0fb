import { beforeEach, describe, expect, it } from 'vitest';
import { rbacEscalationAdmission } from '../../src/auth/admission/rbac-escalation.js';
import type { Attributes, Authorizer } from '../../src/auth/authorizer/index.js';
import { ManualClock } from '../../src/clock/index.js';
import { isStatusError } from '../../src/errors/index.js';
import type { AdmissionAttributes, Operation } from '../../src/registry/admission.js';
import { kindInfo } from '../../src/registry/kinds.js';
import { ObjectRegistry } from '../../src/registry/object-registry.js';
import type { KubeObject, UserInfo } from '../../src/registry/types.js';
import { MemoryStore } from '../../src/store/index.js';

const GROUP = 'rbac.authorization.k8s.io';
const alice: UserInfo = { username: 'alice', groups: ['dev', 'system:authenticated'] };

/** An authorizer that records what it is asked and allows what `allow` says. */
class RecordingAuthorizer implements Authorizer {
  asked: Attributes[] = [];
  allow: (a: Attributes) => boolean = () => false;
  async authorize(a: Attributes) {
    this.asked.push(a);
    return { decision: this.allow(a) ? ('Allow' as const) : ('NoOpinion' as const), reason: '' };
  }
}

let registry: ObjectRegistry;
let authz: RecordingAuthorizer;
let admit: (a: AdmissionAttributes) => Promise<void>;

beforeEach(async () => {
  registry = new ObjectRegistry({ store: new MemoryStore(), clock: new ManualClock(0) });
  await registry.start();
  authz = new RecordingAuthorizer();
  const plugin = rbacEscalationAdmission({ authorizer: authz, registry });
  admit = async (a) => {
    await plugin.admit!(a);
  };
});

function attrs(kind: string, operation: Operation, object: KubeObject | undefined, more: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  const resource = kindInfo(kind)!;
  return { operation, resource, namespace: resource.namespaced ? 'team-a' : '', name: object?.metadata.name ?? 'x', object, oldObject: undefined, user: alice, dryRun: false, ...more };
}

const role = (rules: unknown[] = [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]): KubeObject => ({ metadata: { name: 'r', namespace: 'team-a' }, rules });
const binding = (kind: string, name = 'view'): KubeObject => ({ metadata: { name: 'b', namespace: 'team-a' }, roleRef: { apiGroup: GROUP, kind, name }, subjects: [] });

async function refusal(p: Promise<void>): Promise<{ code: number; reason: string; message: string }> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!isStatusError(e)) throw new Error(`expected a StatusError, got ${String(e)}`);
  return { code: e.code, reason: e.reason, message: e.message };
}

describe('rbacEscalationAdmission', () => {
  it.each<[string, AdmissionAttributes]>([
    ['requests without a user (library, bootstrap)', attrs('Role', 'CREATE', role(), { user: undefined })],
    ['system:masters', attrs('Role', 'CREATE', role(), { user: { username: 'admin', groups: ['system:masters'] } })],
    ['other kinds', attrs('Secret', 'CREATE', { metadata: { name: 's' } })],
    ['deletes', attrs('Role', 'DELETE', undefined, { oldObject: role() })],
    ['subresources', attrs('Role', 'UPDATE', role(), { subresource: 'status' })],
  ])('lets through %s without asking the authorizer', async (_name, a) => {
    await expect(admit(a)).resolves.toBeUndefined();
    expect(authz.asked).toEqual([]);
  });

  it('asks for escalate with no name on create (the collection URL) and with the name on update', async () => {
    authz.allow = () => true;
    await admit(attrs('Role', 'CREATE', role()));
    await admit(attrs('ClusterRole', 'UPDATE', { metadata: { name: 'cr' }, rules: [] }, { name: 'cr', oldObject: { metadata: { name: 'cr' } } }));
    expect(authz.asked.map((a) => [a.verb, a.apiGroup, a.resource, a.name, a.namespace])).toEqual([
      ['escalate', GROUP, 'roles', '', 'team-a'],
      ['escalate', GROUP, 'clusterroles', 'cr', ''],
    ]);
  });

  it('refuses rules the user does not hold with a 403 naming the object', async () => {
    expect(await refusal(admit(attrs('Role', 'CREATE', role())))).toEqual({
      code: 403,
      reason: 'Forbidden',
      message: 'roles.rbac.authorization.k8s.io "r" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    });
  });

  it('tolerates malformed rules and leaves them to validation', async () => {
    await expect(admit(attrs('Role', 'CREATE', role([null, { apiGroups: [''] }])))).resolves.toBeUndefined();
    await expect(admit(attrs('Role', 'CREATE', { metadata: { name: 'r' }, rules: 'nope' }))).resolves.toBeUndefined();
  });

  it('asks for bind on the referenced role in the binding\'s namespace, and skips the rules when allowed', async () => {
    authz.allow = (a) => a.verb === 'bind';
    await admit(attrs('RoleBinding', 'CREATE', binding('ClusterRole', 'missing')));
    await admit(attrs('ClusterRoleBinding', 'CREATE', { ...binding('ClusterRole', 'missing'), metadata: { name: 'b' } }));
    expect(authz.asked.map((a) => [a.verb, a.resource, a.name, a.namespace])).toEqual([
      ['bind', 'clusterroles', 'missing', 'team-a'],
      ['bind', 'clusterroles', 'missing', ''],
    ]);
  });

  it.each<[string, KubeObject, { code: number; reason: string; message: string }]>([
    ['a missing Role', binding('Role', 'ghost'), { code: 404, reason: 'NotFound', message: 'roles.rbac.authorization.k8s.io "ghost" not found' }],
    ['a missing ClusterRole', binding('ClusterRole', 'ghost'), { code: 404, reason: 'NotFound', message: 'clusterroles.rbac.authorization.k8s.io "ghost" not found' }],
    ['an unknown roleRef kind', binding('Group', 'devs'), { code: 500, reason: 'InternalError', message: 'unsupported role reference kind: "Group"' }],
  ])('answers a binding to %s as the RBAC storage does', async (_name, obj, expected) => {
    expect(await refusal(admit(attrs('RoleBinding', 'CREATE', obj)))).toEqual(expected);
  });

  it('lets updates that touch only garbage-collector fields through without any check', async () => {
    const old: KubeObject = { ...binding('Role', 'ghost'), metadata: { name: 'b', namespace: 'team-a', uid: 'u', resourceVersion: '3' } };
    const gc = structuredClone(old);
    gc.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'o' }];
    gc.metadata.finalizers = ['example.com/x'];
    await expect(admit(attrs('RoleBinding', 'UPDATE', gc, { name: 'b', oldObject: old }))).resolves.toBeUndefined();
    expect(authz.asked).toEqual([]);
    const changed = { ...structuredClone(old), subjects: [{ kind: 'User', apiGroup: GROUP, name: 'bob' }] };
    expect((await refusal(admit(attrs('RoleBinding', 'UPDATE', changed, { name: 'b', oldObject: old })))).code).toBe(404);
  });
});

describe('rbacEscalationAdmission against the rules the user holds (policybased/storage.go)', () => {
  const info = (kind: string) => kindInfo(kind)!;
  const secretsGet = { verbs: ['get'], apiGroups: [''], resources: ['secrets'] };
  async function grant(namespace: string, rules: unknown[], name = 'held') {
    if (namespace) {
      if (!registry.peek(info('Namespace'), undefined, namespace)) await registry.create(info('Namespace'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } as KubeObject);
      await registry.create(info('Role'), namespace, { apiVersion: `${GROUP}/v1`, kind: 'Role', metadata: { name, namespace }, rules } as KubeObject);
      await registry.create(info('RoleBinding'), namespace, { apiVersion: `${GROUP}/v1`, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: GROUP, kind: 'Role', name }, subjects: [{ kind: 'User', apiGroup: GROUP, name: 'alice' }] } as KubeObject);
    } else {
      await registry.create(info('ClusterRole'), '', { apiVersion: `${GROUP}/v1`, kind: 'ClusterRole', metadata: { name }, rules } as KubeObject);
      await registry.create(info('ClusterRoleBinding'), '', { apiVersion: `${GROUP}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name }, subjects: [{ kind: 'User', apiGroup: GROUP, name: 'alice' }] } as KubeObject);
    }
  }
  const aggregated = (selectors: unknown[] = [{ matchLabels: { a: 'b' } }]): KubeObject => ({ metadata: { name: 'agg' }, rules: [], aggregationRule: { clusterRoleSelectors: selectors } }) as KubeObject;
  const AGG_REFUSAL = { code: 403, reason: 'Forbidden', message: 'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule' };
  const NOT_HELD = 'user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}';

  it('lets a Role through when the user holds its rules in that namespace, and not in another', async () => {
    await grant('team-a', [secretsGet]);
    await expect(admit(attrs('Role', 'CREATE', role()))).resolves.toBeUndefined();
    expect(authz.asked.map((a) => a.verb)).toEqual(['escalate']);
    expect(await refusal(admit(attrs('Role', 'CREATE', { metadata: { name: 'r', namespace: 'team-b' }, rules: [secretsGet] }, { namespace: 'team-b' })))).toEqual({ code: 403, reason: 'Forbidden', message: `roles.rbac.authorization.k8s.io "r" is forbidden: ${NOT_HELD}` });
  });

  it('checks a ClusterRole against the rules held cluster-wide', async () => {
    await grant('team-a', [secretsGet]);
    expect(await refusal(admit(attrs('ClusterRole', 'CREATE', { metadata: { name: 'cr' }, rules: [secretsGet] })))).toEqual({ code: 403, reason: 'Forbidden', message: `clusterroles.rbac.authorization.k8s.io "cr" is forbidden: ${NOT_HELD}` });
    await grant('', [secretsGet]);
    await expect(admit(attrs('ClusterRole', 'CREATE', { metadata: { name: 'cr' }, rules: [secretsGet] }))).resolves.toBeUndefined();
  });

  it('needs cluster-admin for an aggregationRule, set on create or update, or removed on update', async () => {
    expect(await refusal(admit(attrs('ClusterRole', 'CREATE', aggregated())))).toEqual(AGG_REFUSAL);
    expect(await refusal(admit(attrs('ClusterRole', 'UPDATE', aggregated(), { name: 'agg', oldObject: { metadata: { name: 'agg' }, rules: [] } })))).toEqual(AGG_REFUSAL);
    const plain = { metadata: { name: 'agg' }, rules: [] } as KubeObject;
    expect(await refusal(admit(attrs('ClusterRole', 'UPDATE', plain, { name: 'agg', oldObject: aggregated() })))).toEqual(AGG_REFUSAL);
  });

  it('ignores an aggregationRule without selectors, and an old one on create', async () => {
    await expect(admit(attrs('ClusterRole', 'CREATE', aggregated([])))).resolves.toBeUndefined();
    await expect(admit(attrs('ClusterRole', 'CREATE', { metadata: { name: 'agg' }, rules: [] } as KubeObject, { oldObject: aggregated() }))).resolves.toBeUndefined();
  });

  it('lets a cluster-admin (every verb on every resource and URL) set an aggregationRule', async () => {
    await grant('', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]);
    await expect(admit(attrs('ClusterRole', 'CREATE', aggregated()))).resolves.toBeUndefined();
  });

  it.each<[string, unknown[]]>([
    ['every verb on every URL but no resources', [{ verbs: ['*'], nonResourceURLs: ['*'] }]],
    ['every verb on every resource but no URLs', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]],
    ['every verb on every resource of the core group only, and every URL', [{ verbs: ['*'], apiGroups: [''], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]],
  ])('refuses an aggregationRule to a user holding %s (cluster-admin is * on everything)', async (_n, rules) => {
    await grant('', rules);
    expect(await refusal(admit(attrs('ClusterRole', 'CREATE', aggregated())))).toEqual(AGG_REFUSAL);
  });

  it('does not ask for cluster-admin for a Role or when escalate is allowed', async () => {
    await expect(admit(attrs('Role', 'CREATE', { metadata: { name: 'r', namespace: 'team-a' }, rules: [], aggregationRule: { clusterRoleSelectors: [{}] } } as KubeObject))).resolves.toBeUndefined();
    authz.allow = (a) => a.verb === 'escalate';
    await expect(admit(attrs('ClusterRole', 'CREATE', aggregated()))).resolves.toBeUndefined();
  });

  it('lets a Role update that touches only garbage-collector fields through, after asking for escalate', async () => {
    const old = { ...role(), metadata: { name: 'r', namespace: 'team-a', uid: 'u', resourceVersion: '1' } } as KubeObject;
    const gc = structuredClone(old);
    gc.metadata.finalizers = ['example.com/x'];
    await expect(admit(attrs('Role', 'UPDATE', gc, { name: 'r', oldObject: old }))).resolves.toBeUndefined();
    expect(authz.asked.map((a) => [a.verb, a.name])).toEqual([['escalate', 'r']]);
    expect((await refusal(admit(attrs('Role', 'UPDATE', { ...gc, rules: [secretsGet, { verbs: ['list'], apiGroups: [''], resources: ['secrets'] }] }, { name: 'r', oldObject: old })))).code).toBe(403);
  });

  it('lets a binding through when the user holds the role\'s rules, and refuses it with the rules otherwise', async () => {
    await registry.create(info('ClusterRole'), '', { apiVersion: `${GROUP}/v1`, kind: 'ClusterRole', metadata: { name: 'secret-reader' }, rules: [secretsGet] } as KubeObject);
    expect(await refusal(admit(attrs('RoleBinding', 'CREATE', binding('ClusterRole', 'secret-reader'))))).toEqual({ code: 403, reason: 'Forbidden', message: `rolebindings.rbac.authorization.k8s.io "b" is forbidden: ${NOT_HELD}` });
    await grant('team-a', [secretsGet]);
    await expect(admit(attrs('RoleBinding', 'CREATE', binding('ClusterRole', 'secret-reader')))).resolves.toBeUndefined();
    expect(authz.asked.map((a) => a.verb)).toEqual(['bind', 'bind']);
  });

  it('asks for bind in the roleRef\'s API group and name as written, "" when missing', async () => {
    authz.allow = () => true;
    await admit(attrs('RoleBinding', 'CREATE', binding('ClusterRole', 'view')));
    await admit(attrs('RoleBinding', 'CREATE', { metadata: { name: 'b', namespace: 'team-a' }, roleRef: { kind: 'ClusterRole' } } as KubeObject));
    expect(authz.asked.map((a) => [a.verb, a.apiGroup, a.resource, a.name])).toEqual([
      ['bind', GROUP, 'clusterroles', 'view'],
      ['bind', '', 'clusterroles', ''],
    ]);
  });

  it('is the RBACEscalation plugin, and leaves deletes (even with an object) and other groups alone', async () => {
    expect(rbacEscalationAdmission({ authorizer: authz, registry }).name).toBe('RBACEscalation');
    await expect(admit(attrs('Role', 'DELETE', role(), { oldObject: role() }))).resolves.toBeUndefined();
    await expect(admit({ ...attrs('Role', 'CREATE', role()), resource: { ...kindInfo('Role')!, group: 'example.com' } })).resolves.toBeUndefined();
    expect(authz.asked).toEqual([]);
  });

  it('reads a binding without a roleRef as an unknown kind', async () => {
    expect(await refusal(admit(attrs('RoleBinding', 'CREATE', { metadata: { name: 'b', namespace: 'team-a' } })))).toEqual({ code: 500, reason: 'InternalError', message: 'unsupported role reference kind: ""' });
    expect(authz.asked).toEqual([]);
  });

  it('passes errors other than a refusal on as they are', async () => {
    const boom = new Error('lister down');
    const failing = rbacEscalationAdmission({
      authorizer: authz,
      rules: { rulesFor: async () => Promise.reject(boom), resolver: { getRoleReferenceRules: async () => [secretsGet] } } as never,
    });
    await expect(failing.admit!(attrs('Role', 'CREATE', role()))).rejects.toBe(boom);
    let calls = 0;
    const secondFails = rbacEscalationAdmission({ authorizer: authz, rules: { rulesFor: async () => (calls++ === 0 ? { resourceRules: [], nonResourceRules: [] } : Promise.reject(boom)) } as never });
    await expect(secondFails.admit!(attrs('ClusterRole', 'CREATE', aggregated()))).rejects.toBe(boom);
    expect(calls).toBe(2);
    await expect(failing.admit!(attrs('RoleBinding', 'CREATE', binding('ClusterRole', 'x')))).rejects.toBe(boom);
    const missing = rbacEscalationAdmission({ authorizer: authz, rules: { rulesFor: async () => ({ resourceRules: [], nonResourceRules: [] }), resolver: { getRoleReferenceRules: async () => Promise.reject(new Error('resolver down')) } } as never });
    expect(await refusal(missing.admit!(attrs('RoleBinding', 'CREATE', binding('ClusterRole', 'x')) as AdmissionAttributes) as Promise<void>)).toEqual({ code: 500, reason: 'InternalError', message: 'resolver down' });
  });
});
