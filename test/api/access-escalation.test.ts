import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import type { PolicyRule } from '../../src/registry/types.js';
import { admin, appFixture, jane } from '../helpers/app.js';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const GROUP = 'rbac.authorization.k8s.io';
const JANE = 'user "jane" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:';

let emu: Emulator;
let app: express.Express;

const ns = (n: string) => `${RBAC}/namespaces/${n}`;
const role = (name: string, rules: PolicyRule[]) => ({ apiVersion: `${GROUP}/v1`, kind: 'Role', metadata: { name }, rules });
const ref = (kind: 'Role' | 'ClusterRole', name: string) => ({ apiGroup: GROUP, kind, name });
const binding = (name: string, roleRef: ReturnType<typeof ref>, subject = 'bob') => ({ metadata: { name }, roleRef, subjects: [{ kind: 'User', apiGroup: GROUP, name: subject }] });
const secrets = (...verbs: string[]): PolicyRule => ({ verbs, apiGroups: [''], resources: ['secrets'] });

function forbidden(resource: string, name: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${resource}.${GROUP} "${name}" is forbidden: ${message}`, reason: 'Forbidden', details: { name, group: GROUP, kind: resource }, code: 403 };
}

async function asAdmin(path: string, body: object): Promise<void> {
  await request(app).post(path).set(admin).send(body).expect(201);
}

beforeAll(async () => {
  ({ emu, app } = await appFixture());
  for (const n of ['team-b', 'team-c']) await asAdmin('/api/v1/namespaces', { metadata: { name: n } });
  // jane may write RBAC objects anywhere, and read secrets in default only
  await asAdmin(`${RBAC}/clusterroles`, { metadata: { name: 'rbac-writer' }, rules: [{ verbs: ['create', 'update', 'patch', 'get'], apiGroups: [GROUP], resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] }] });
  await asAdmin(`${RBAC}/clusterrolebindings`, { metadata: { name: 'jane-rbac-writer' }, roleRef: ref('ClusterRole', 'rbac-writer'), subjects: [{ kind: 'User', apiGroup: GROUP, name: 'jane' }] });
  await asAdmin(`${ns('default')}/roles`, role('secret-reader', [secrets('get')]));
  await asAdmin(`${ns('default')}/roles`, role('secret-deleter', [secrets('delete')]));
  await asAdmin(`${ns('default')}/rolebindings`, binding('jane-reads-secrets', ref('Role', 'secret-reader'), 'jane'));
});
afterAll(() => emu.close());

describe('creating and updating Roles and ClusterRoles', () => {
  it('refuses rules the user does not hold, with Kubernetes\' message and details', async () => {
    const res = await request(app).post(`${ns('default')}/roles`).set(jane).send(role('secret-admin', [secrets('get', 'list', 'delete'), { verbs: ['get'], apiGroups: [''], resources: ['pods'] }]));
    expect(res.status).toBe(403);
    expect(res.body).toEqual(forbidden('roles', 'secret-admin', `${JANE}\n{APIGroups:[""], Resources:["pods"], Verbs:["get"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["list" "delete"]}`));
  });

  it('allows rules the user holds in that namespace, and only there', async () => {
    expect((await request(app).post(`${ns('default')}/roles`).set(jane).send(role('my-reader', [secrets('get')]))).status).toBe(201);
    const elsewhere = await request(app).post(`${ns('team-b')}/roles`).set(jane).send(role('my-reader', [secrets('get')]));
    expect(elsewhere.body).toEqual(forbidden('roles', 'my-reader', `${JANE}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}`));
  });

  it('lets system:masters grant anything and a user with the escalate verb grant anything there', async () => {
    expect((await request(app).post(`${ns('team-b')}/roles`).set(admin).send(role('all', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]))).status).toBe(201);
    await asAdmin(`${ns('team-c')}/roles`, role('escalator', [{ verbs: ['escalate'], apiGroups: [GROUP], resources: ['roles'] }]));
    await asAdmin(`${ns('team-c')}/rolebindings`, binding('jane-escalates', ref('Role', 'escalator'), 'jane'));
    expect((await request(app).post(`${ns('team-c')}/roles`).set(jane).send(role('all', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]))).status).toBe(201);
  });

  it('checks updates too, but lets through updates of ownerReferences and finalizers only', async () => {
    const current = (await request(app).get(`${ns('default')}/roles/secret-deleter`).set(admin)).body;
    const grow = await request(app).put(`${ns('default')}/roles/secret-deleter`).set(jane).send({ ...current, rules: [secrets('delete', 'get')] });
    expect(grow.body).toEqual(forbidden('roles', 'secret-deleter', `${JANE}\n{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}`));
    const gc = await request(app).put(`${ns('default')}/roles/secret-deleter`).set(jane).send({ ...current, metadata: { ...current.metadata, finalizers: ['example.com/wait'] } });
    expect(gc.status).toBe(200);
  });

  it('checks ClusterRoles against cluster-wide rules and reserves aggregationRule to cluster admins', async () => {
    const res = await request(app).post(`${RBAC}/clusterroles`).set(jane).send({ metadata: { name: 'secret-reader' }, rules: [secrets('get')] });
    expect(res.body).toEqual(forbidden('clusterroles', 'secret-reader', `${JANE}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}`));
    const agg = await request(app).post(`${RBAC}/clusterroles`).set(jane).send({ metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] }, rules: [] });
    expect(agg.body).toEqual(forbidden('clusterroles', 'agg', 'must have cluster-admin privileges to use the aggregationRule'));
    expect((await request(app).post(`${RBAC}/clusterroles`).set(admin).send({ metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } })).status).toBe(201);
  });
});

describe('creating RoleBindings and ClusterRoleBindings', () => {
  it('allows binding a role whose rules the user holds, to any subject', async () => {
    expect((await request(app).post(`${ns('default')}/rolebindings`).set(jane).send(binding('bob-reads', ref('Role', 'secret-reader')))).status).toBe(201);
  });

  it('refuses binding a role with rules the user lacks', async () => {
    const res = await request(app).post(`${ns('default')}/rolebindings`).set(jane).send(binding('bob-deletes', ref('Role', 'secret-deleter')));
    expect(res.body).toEqual(forbidden('rolebindings', 'bob-deletes', `${JANE}\n{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}`));
    const crb = await request(app).post(`${RBAC}/clusterrolebindings`).set(jane).send(binding('bob-views', ref('ClusterRole', 'view')));
    expect(crb.status).toBe(403);
    expect(crb.body.message.startsWith(`clusterrolebindings.${GROUP} "bob-views" is forbidden: ${JANE}\n`)).toBe(true);
  });

  it('answers a missing role with the registry\'s 404 for users, and lets system:masters bind it', async () => {
    const res = await request(app).post(`${ns('default')}/rolebindings`).set(jane).send(binding('ghostly', ref('Role', 'ghost')));
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(`roles.${GROUP} "ghost" not found`);
    expect((await request(app).post(`${ns('team-c')}/rolebindings`).set(admin).send(binding('jane-ghost', ref('Role', 'ghost'), 'jane'))).status).toBe(201);
  });

  it('appends the user\'s rule resolution errors to the refusal', async () => {
    const res = await request(app).post(`${ns('team-c')}/rolebindings`).set(jane).send(binding('bob-deletes', ref('ClusterRole', 'view')));
    expect(res.status).toBe(403);
    expect(res.body.message.endsWith(`; resolution errors: [roles.${GROUP} "ghost" not found]`)).toBe(true);
  });

  it('lets a user with the bind verb on a role bind it without holding its rules', async () => {
    await asAdmin(`${RBAC}/clusterroles`, { metadata: { name: 'view-binder' }, rules: [{ verbs: ['bind'], apiGroups: [GROUP], resources: ['clusterroles'], resourceNames: ['view'] }] });
    await asAdmin(`${ns('team-b')}/rolebindings`, binding('jane-binds-view', ref('ClusterRole', 'view-binder'), 'jane'));
    expect((await request(app).post(`${ns('team-b')}/rolebindings`).set(jane).send(binding('bob-views', ref('ClusterRole', 'view')))).status).toBe(201);
    const edit = await request(app).post(`${ns('team-b')}/rolebindings`).set(jane).send(binding('bob-edits', ref('ClusterRole', 'edit')));
    expect(edit.status).toBe(403);
    const elsewhere = await request(app).post(`${ns('default')}/rolebindings`).set(jane).send(binding('bob-views', ref('ClusterRole', 'view')));
    expect(elsewhere.status).toBe(403);
  });
});
