import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture, jane } from '../helpers/app.js';

const WHOAMI = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

/** `auth whoami` with the given headers. */
function whoami(headers: Record<string, string | string[]>) {
  let r = request(app).post(WHOAMI);
  for (const [k, v] of Object.entries(headers)) r = r.set(k, v as string);
  return r.send({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
}

function forbidden(message: string, name: string, kind: string, group?: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details: { name, ...(group ? { group } : {}), kind }, code: 403 };
}

describe('impersonation by a user allowed to impersonate (system:masters)', () => {
  it.each<[string, Record<string, string | string[]>, Record<string, unknown>]>([
    ['a user gets system:authenticated', { 'Impersonate-User': 'michelle' }, { username: 'michelle', groups: ['system:authenticated'] }],
    ['a user with groups (one per header line) keeps them in order', { 'Impersonate-User': 'michelle', 'Impersonate-Group': ['devs', 'qa'] }, { username: 'michelle', groups: ['devs', 'qa', 'system:authenticated'] }],
    ['a service account gets its groups', { 'Impersonate-User': 'system:serviceaccount:default:build-robot' }, { username: 'system:serviceaccount:default:build-robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] }],
    ['a service account with explicit groups gets only those', { 'Impersonate-User': 'system:serviceaccount:default:build-robot', 'Impersonate-Group': 'devs' }, { username: 'system:serviceaccount:default:build-robot', groups: ['devs', 'system:authenticated'] }],
    ['a malformed service-account name is a plain user', { 'Impersonate-User': 'system:serviceaccount:default' }, { username: 'system:serviceaccount:default', groups: ['system:authenticated'] }],
    ['system:anonymous gets system:unauthenticated', { 'Impersonate-User': 'system:anonymous', 'Impersonate-Group': 'system:authenticated' }, { username: 'system:anonymous', groups: ['system:authenticated', 'system:unauthenticated'] }],
    ['a uid and extras (keys lower-cased and unescaped, one value per line)', { 'Impersonate-User': 'michelle', 'Impersonate-Uid': 'u-1', 'Impersonate-Extra-Scopes': ['view', 'edit'], 'Impersonate-Extra-Acme.com%2Fproject': 'x' }, { username: 'michelle', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['view', 'edit'], 'acme.com/project': ['x'] } }],
  ])('%s', async (_name, headers, userInfo) => {
    const res = await whoami({ ...admin, ...headers });
    expect(res.status).toBe(201);
    expect(res.body.status.userInfo).toEqual(userInfo);
  });

  it('does not add system:authenticated next to a given system:unauthenticated', async () => {
    const res = await whoami({ ...admin, 'Impersonate-User': 'bob', 'Impersonate-Group': 'system:unauthenticated' });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('selfsubjectreviews.authentication.k8s.io is forbidden: User "bob" cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope');
  });

  it('answers groups without a user with kube-apiserver\'s plain-text 500', async () => {
    const res = await whoami({ ...admin, 'Impersonate-Group': 'devs' });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe('Internal Server Error: "/apis/authentication.k8s.io/v1/selfsubjectreviews": requested [{Group  devs    }] without impersonating a user\n');
  });
});

describe('impersonation by a user without the impersonate verb', () => {
  it.each<[string, Record<string, string>, ReturnType<typeof forbidden>]>([
    ['a user', { 'Impersonate-User': 'michelle' }, forbidden('users "michelle" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope', 'michelle', 'users')],
    ['a service account', { 'Impersonate-User': 'system:serviceaccount:default:build-robot' }, forbidden('serviceaccounts "build-robot" is forbidden: User "jane" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "default"', 'build-robot', 'serviceaccounts')],
  ])('is forbidden for %s, with Kubernetes\' message', async (_name, headers, body) => {
    const res = await whoami({ ...jane, ...headers });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(body);
  });

  it('checks every header: users may be granted without groups, uids or extras', async () => {
    await request(app).post(`${RBAC}/clusterroles`).set(admin).send({ metadata: { name: 'impersonate-michelle' }, rules: [{ verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['michelle'] }] }).expect(201);
    await request(app).post(`${RBAC}/clusterrolebindings`).set(admin).send({ metadata: { name: 'jane-impersonates' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonate-michelle' }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }] }).expect(201);
    const ok = await whoami({ ...jane, 'Impersonate-User': 'michelle' });
    expect(ok.body.status.userInfo).toEqual({ username: 'michelle', groups: ['system:authenticated'] });
    const group = await whoami({ ...jane, 'Impersonate-User': 'michelle', 'Impersonate-Group': 'devs' });
    expect(group.body).toEqual(forbidden('groups "devs" is forbidden: User "jane" cannot impersonate resource "groups" in API group "" at the cluster scope', 'devs', 'groups'));
    const uid = await whoami({ ...jane, 'Impersonate-User': 'michelle', 'Impersonate-Uid': 'u-1' });
    expect(uid.body).toEqual(forbidden('uids.authentication.k8s.io "u-1" is forbidden: User "jane" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope', 'u-1', 'uids', 'authentication.k8s.io'));
    const extra = await whoami({ ...jane, 'Impersonate-User': 'michelle', 'Impersonate-Extra-Scopes': 'view' });
    expect(extra.body.message).toBe('userextras.authentication.k8s.io "view" is forbidden: User "jane" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope');
    const other = await whoami({ ...jane, 'Impersonate-User': 'bob' });
    expect(other.body.message).toBe('users "bob" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  it('runs the request as the impersonated user once allowed', async () => {
    const res = await request(app).get('/api/v1/namespaces/default/secrets').set(jane).set('Impersonate-User', 'michelle');
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('secrets is forbidden: User "michelle" cannot list resource "secrets" in API group "" in the namespace "default"');
  });
});
