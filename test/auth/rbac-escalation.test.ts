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
