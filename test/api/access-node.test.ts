import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture } from '../helpers/app.js';
import { payloadOf, uidOf } from '../helpers/emulator.js';

let emu: Emulator;
let app: express.Express;
let web0: string;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
  await emu.apply([
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { serviceAccountName: 'build-robot', nodeName: 'node-2', containers: [{ name: 'app', image: 'busybox' }] } },
  ]);
  web0 = uidOf(emu, 'Pod', 'default', 'web-0');
});
afterAll(() => emu.close());

/** A kubelet's identity: `system:node:<name>` in `system:nodes` (impersonated by the admin). */
const kubelet = (node: string) => ({ ...admin, 'Impersonate-User': `system:node:${node}`, 'Impersonate-Group': 'system:nodes' });

function tokenFor(node: string, sa: string, boundObjectRef?: Record<string, string>) {
  return request(app)
    .post(`/api/v1/namespaces/default/serviceaccounts/${sa}/token`)
    .set(kubelet(node))
    .send({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { ...(boundObjectRef ? { boundObjectRef } : {}) } });
}

const forbidden = (message: string, name = 'build-robot') => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details: { name, kind: 'serviceaccounts' }, code: 403 });

describe('Node authorization and NodeRestriction for kubelet token requests', () => {
  it('gives a node a token for a pod bound to it, with the pod\'s uid, carrying the pod and node claims', async () => {
    const res = await tokenFor('node-1', 'build-robot', { apiVersion: 'v1', kind: 'Pod', name: 'web-0', uid: web0 });
    expect(res.status).toBe(201);
    const claims = payloadOf(res.body.status.token)['kubernetes.io'] as Record<string, { name: string; uid?: string }>;
    expect(claims.pod).toEqual({ name: 'web-0', uid: web0 });
    expect(claims.node!.name).toBe('node-1');
  });

  it.each<[string, Record<string, string> | undefined, string]>([
    ['no bound object', undefined, 'serviceaccounts "build-robot" is forbidden: node requested token not bound to a pod'],
    ['a Secret', { apiVersion: 'v1', kind: 'Secret', name: 'creds' }, 'serviceaccounts "build-robot" is forbidden: node requested token not bound to a pod'],
    ['a pod without its uid', { apiVersion: 'v1', kind: 'Pod', name: 'web-0' }, 'serviceaccounts "build-robot" is forbidden: node requested token with a pod binding without a uid'],
    ['a pod with another uid', { apiVersion: 'v1', kind: 'Pod', name: 'web-0', uid: 'a-stale-uid' }, 'serviceaccounts "build-robot" is forbidden: the UID in the bound object reference (a-stale-uid) does not match the UID in record. The object might have been deleted and then recreated'],
  ])('refuses a token bound to %s (§1.8)', async (_name, ref, message) => {
    const res = await tokenFor('node-1', 'build-robot', ref);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(forbidden(message));
  });

  it('refuses a token bound to a pod scheduled on another node', async () => {
    const res = await tokenFor('node-1', 'build-robot', { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: uidOf(emu, 'Pod', 'default', 'web-1') });
    expect(res.body).toEqual(forbidden('serviceaccounts "build-robot" is forbidden: node requested token bound to a pod scheduled on a different node'));
  });

  it('answers a missing pod with the pod lister\'s 404', async () => {
    const res = await tokenFor('node-1', 'build-robot', { apiVersion: 'v1', kind: 'Pod', name: 'nope', uid: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('pod "nope" not found');
  });

  it('lets the Node authorizer refuse service accounts no pod on the node uses', async () => {
    const res = await tokenFor('node-1', 'default', { apiVersion: 'v1', kind: 'Pod', name: 'web-0', uid: web0 });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(forbidden('serviceaccounts "default" is forbidden: User "system:node:node-1" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default": no relationship found between node \'node-1\' and this object', 'default'));
  });

  it('lets a node read only the pods bound to it and its own Node object', async () => {
    expect((await request(app).get('/api/v1/namespaces/default/pods/web-0').set(kubelet('node-1'))).status).toBe(200);
    const other = await request(app).get('/api/v1/namespaces/default/pods/web-1').set(kubelet('node-1'));
    expect(other.body.message).toBe('pods "web-1" is forbidden: User "system:node:node-1" cannot get resource "pods" in API group "" in the namespace "default": no relationship found between node \'node-1\' and this object');
    const node = await request(app).get('/api/v1/nodes/node-2').set(kubelet('node-1'));
    expect(node.body.message).toBe('nodes "node-2" is forbidden: User "system:node:node-1" cannot get resource "nodes" in API group "" at the cluster scope: node \'node-1\' cannot read \'node-2\', only its own Node object');
  });
});
