import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture, jane } from '../helpers/app.js';

const AUTHZ = '/apis/authorization.k8s.io/v1';
const GROUP = 'rbac.authorization.k8s.io';
const META = { creationTimestamp: null };

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
  await request(app).post(`/apis/${GROUP}/v1/namespaces/default/roles`).set(admin).send({ metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] }).expect(201);
  await request(app).post(`/apis/${GROUP}/v1/namespaces/default/rolebindings`).set(admin).send({ metadata: { name: 'read-pods' }, roleRef: { apiGroup: GROUP, kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'User', apiGroup: GROUP, name: 'jane' }, { kind: 'ServiceAccount', name: 'build-robot' }] }).expect(201);
});
afterAll(() => emu.close());

const ssar = (spec: Record<string, unknown>) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });
const podsIn = (verb: string, namespace = 'default') => ({ resourceAttributes: { namespace, verb, resource: 'pods' } });

describe('SelfSubjectAccessReview (kubectl auth can-i)', () => {
  it.each<[string, Record<string, string>, Record<string, unknown>, Record<string, unknown>]>([
    ['a RoleBinding allows, with RBAC\'s reason', jane, podsIn('list'), { allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to User "jane"' }],
    ['nothing allows', jane, podsIn('delete'), { allowed: false }],
    ['another namespace', jane, podsIn('list', 'kube-system'), { allowed: false }],
    ['system:masters, without a reason', admin, podsIn('delete'), { allowed: true }],
    ['a non-resource URL from system:discovery', jane, { nonResourceAttributes: { path: '/api', verb: 'get' } }, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' }],
    ['an impersonated service account (--as)', { ...admin, 'Impersonate-User': 'system:serviceaccount:default:build-robot' }, podsIn('get'), { allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to ServiceAccount "build-robot/default"' }],
  ])('answers for %s', async (_name, who, spec, status) => {
    const res = await request(app).post(`${AUTHZ}/selfsubjectaccessreviews`).set(who).send(ssar(spec));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: META, spec, status });
  });

  it('refuses resource and non-resource attributes together as Invalid', async () => {
    const res = await request(app).post(`${AUTHZ}/selfsubjectaccessreviews`).set(jane).send(ssar({ ...podsIn('get'), nonResourceAttributes: { path: '/api', verb: 'get' } }));
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^SelfSubjectAccessReview\.authorization\.k8s\.io "" is invalid: spec\.nonResourceAttributes: Invalid value: .*: cannot be specified in combination with resourceAttributes$/);
  });

  it('refuses a spec without attributes as Invalid', async () => {
    const res = await request(app).post(`${AUTHZ}/selfsubjectaccessreviews`).set(jane).send(ssar({}));
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  });
});

describe('SubjectAccessReview and LocalSubjectAccessReview', () => {
  const sar = (spec: Record<string, unknown>, kind = 'SubjectAccessReview') => ({ apiVersion: 'authorization.k8s.io/v1', kind, spec });

  it('judge the user, groups and uid in the spec, not the caller', async () => {
    const spec = { ...podsIn('list'), user: 'jane', groups: ['devs'] };
    const res = await request(app).post(`${AUTHZ}/subjectaccessreviews`).set(admin).send(sar(spec));
    expect(res.body).toEqual({ kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: META, spec, status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to User "jane"' } });
    const masters = await request(app).post(`${AUTHZ}/subjectaccessreviews`).set(admin).send(sar({ ...podsIn('delete'), groups: ['system:masters'] }));
    expect(masters.body.status).toEqual({ allowed: true });
  });

  it('are for those allowed to create them', async () => {
    const res = await request(app).post(`${AUTHZ}/subjectaccessreviews`).set(jane).send(sar({ ...podsIn('list'), user: 'jane' }));
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('subjectaccessreviews.authorization.k8s.io is forbidden: User "jane" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
  });

  it('need a user or a group', async () => {
    const res = await request(app).post(`${AUTHZ}/subjectaccessreviews`).set(admin).send(sar(podsIn('list')));
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
  });

  it('answer locally in the namespace of the URL, which the attributes must name', async () => {
    const spec = { ...podsIn('get'), user: 'jane' };
    const res = await request(app).post(`${AUTHZ}/namespaces/default/localsubjectaccessreviews`).set(admin).send(sar(spec, 'LocalSubjectAccessReview'));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ kind: 'LocalSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { namespace: 'default', creationTimestamp: null }, spec, status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "read-pods/default" of Role "pod-reader" to User "jane"' } });
    const other = await request(app).post(`${AUTHZ}/namespaces/default/localsubjectaccessreviews`).set(admin).send(sar({ ...podsIn('get', 'kube-system'), user: 'jane' }, 'LocalSubjectAccessReview'));
    expect(other.status).toBe(422);
    expect(other.body.message).toBe('LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "kube-system": must match metadata.namespace');
  });
});

describe('SelfSubjectRulesReview (kubectl auth can-i --list)', () => {
  const ssrr = (namespace?: string) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: namespace ? { namespace } : {} });

  it('lists the rules RBAC gives the caller in the namespace, with an empty spec as kube-apiserver answers', async () => {
    const res = await request(app).post(`${AUTHZ}/selfsubjectrulesreviews`).set(jane).send(ssrr('default'));
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    expect(res.body.spec).toEqual({});
    expect(res.body.status.incomplete).toBe(false);
    expect(res.body.status.resourceRules).toContainEqual({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] });
    expect(res.body.status.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(res.body.status.nonResourceRules).toContainEqual({ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] });
    const elsewhere = await request(app).post(`${AUTHZ}/selfsubjectrulesreviews`).set(jane).send(ssrr('kube-system'));
    expect(elsewhere.body.status.resourceRules).not.toContainEqual({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] });
  });

  it('says a node\'s rules are incomplete', async () => {
    const res = await request(app).post(`${AUTHZ}/selfsubjectrulesreviews`).set({ ...admin, 'Impersonate-User': 'system:node:node-1', 'Impersonate-Group': 'system:nodes' }).send(ssrr('default'));
    expect(res.body.status).toMatchObject({ incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' });
  });

  it('needs a namespace', async () => {
    const res = await request(app).post(`${AUTHZ}/selfsubjectrulesreviews`).set(jane).send(ssrr());
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('no namespace on request');
  });
});
