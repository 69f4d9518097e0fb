import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import type { Emulator } from '../../src/emulator.js';
import { POD_UPDATE_FORBIDDEN } from '../../src/registry/validation/pod-update.js';
import { admin, appFixture } from '../helpers/app.js';

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

const PODS = '/api/v1/namespaces/default/pods';
const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
let n = 0;

async function newPod(): Promise<string> {
  const name = `edit-${++n}`;
  const res = await request(app).post(PODS).set(admin).send({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] } });
  expect(res.status).toBe(201);
  return name;
}

describe('PATCH of a pod field ValidatePodUpdate forbids is a 422 with Kubernetes message', () => {
  it.each([
    ['spec.nodeName', MERGE, { spec: { nodeName: 'node-1' } }, '+ \tNodeName: "node-1",'],
    ['automountServiceAccountToken', MERGE, { spec: { automountServiceAccountToken: false } }, '+ \tAutomountServiceAccountToken: &false,'],
    ['serviceAccountName', MERGE, { spec: { serviceAccountName: 'build-robot' } }, '+ \tServiceAccountName: "build-robot",'],
    ['securityContext.runAsUser', STRATEGIC, { spec: { securityContext: { runAsUser: 2000 } } }, '+ \t\tRunAsUser: &2000,'],
    ["a container's name", JSON_PATCH, [{ op: 'replace', path: '/spec/containers/0/name', value: 'web' }], '+ \t\t\tName: "web",'],
    ["a container's command", JSON_PATCH, [{ op: 'replace', path: '/spec/containers/0/command', value: ['sh', '-c', 'id'] }], '- \t\t\tCommand: {"sleep", "3600"},\n+ \t\t\tCommand: {"sh", "-c", "id"},'],
  ])('refuses %s', async (_field, type, patch, diffLine) => {
    const name = await newPod();
    const res = await request(app).patch(`${PODS}/${name}`).set(admin).set('Content-Type', type).send(JSON.stringify(patch));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, details: { name, kind: 'Pod' } });
    expect(res.body.message.startsWith(`Pod "${name}" is invalid: spec: Forbidden: ${POD_UPDATE_FORBIDDEN}\n  core.PodSpec{\n`)).toBe(true);
    expect(res.body.message).toContain(diffLine);
    const cause = res.body.details.causes.find((c: { field: string }) => c.field === 'spec');
    expect(cause.reason).toBe('FieldValueForbidden');
    expect(cause.message.split('\n')[0]).toBe(`Forbidden: ${POD_UPDATE_FORBIDDEN}`);
  });

  it('refuses removing the kube-api-access volume, with the mount left dangling', async () => {
    const name = await newPod();
    const res = await request(app).patch(`${PODS}/${name}`).set(admin).set('Content-Type', JSON_PATCH).send(JSON.stringify([{ op: 'remove', path: '/spec/volumes/0' }]));
    expect(res.status).toBe(422);
    const fields = res.body.details.causes.map((c: { field: string; reason: string }) => `${c.field} ${c.reason}`);
    expect(fields).toEqual(['spec.containers[0].volumeMounts[0].name FieldValueNotFound', 'spec FieldValueForbidden']);
    expect(res.body.message).toMatch(/^Pod "edit-\d+" is invalid: \[spec\.containers\[0\]\.volumeMounts\[0\]\.name: Not found: "kube-api-access-[a-z0-9]{5}", spec: Forbidden: pod updates may not change fields other than /);
    expect(res.body.message).toMatch(/\n- \tVolumes: \{\{Name: "kube-api-access-[a-z0-9]{5}", Projected: \{Sources: \{\.\.\.\}, DefaultMode: 420\}\}\},\n\+ \tVolumes: \{\},\n/);
  });

  it('refuses a larger activeDeadlineSeconds with its own message', async () => {
    const name = await newPod();
    await request(app).patch(`${PODS}/${name}`).set(admin).set('Content-Type', MERGE).send(JSON.stringify({ spec: { activeDeadlineSeconds: 30 } })).expect(200);
    const res = await request(app).patch(`${PODS}/${name}`).set(admin).set('Content-Type', MERGE).send(JSON.stringify({ spec: { activeDeadlineSeconds: 60 } }));
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(`Pod "${name}" is invalid: spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value`);
  });

  it.each([
    ["a container's image", STRATEGIC, { spec: { containers: [{ name: 'app', image: 'busybox:1.37' }] } }],
    ['activeDeadlineSeconds from unset', MERGE, { spec: { activeDeadlineSeconds: 600 } }],
    ['labels', MERGE, { metadata: { labels: { team: 'a' } } }],
  ])('accepts a change of %s', async (_field, type, patch) => {
    const name = await newPod();
    const res = await request(app).patch(`${PODS}/${name}`).set(admin).set('Content-Type', type).send(JSON.stringify(patch));
    expect(res.status).toBe(200);
  });

  it('accepts an added toleration, and keeps the default ones admission put there', async () => {
    const name = await newPod();
    const before = (await request(app).get(`${PODS}/${name}`).set(admin)).body;
    const tolerations = [...before.spec.tolerations, { key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' }];
    const res = await request(app).patch(`${PODS}/${name}`).set(admin).set('Content-Type', MERGE).send(JSON.stringify({ spec: { tolerations } }));
    expect(res.status).toBe(200);
    expect(res.body.spec.tolerations.map((t: { key: string }) => t.key)).toEqual(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'dedicated']);
  });

  it('answers a PUT that keeps the spec (kubectl replace of an unchanged pod) with 200', async () => {
    const name = await newPod();
    const cur = (await request(app).get(`${PODS}/${name}`).set(admin)).body;
    const res = await request(app).put(`${PODS}/${name}`).set(admin).send({ ...cur, metadata: { ...cur.metadata, annotations: { note: 'x' } } });
    expect(res.status).toBe(200);
    expect(emu.get('Pod', 'default', name)!.metadata.annotations).toEqual({ note: 'x' });
  });
});
