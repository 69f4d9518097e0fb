import type express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture } from '../helpers/app.js';

// AWSRole and AzureFederatedCredential over the API: decoded against their schemas (as custom
// resources with structural schemas are), defaulted and validated, listed like any kind.

let emu: Emulator;
let app: express.Express;
const ROLES = '/apis/testing.satoken.dev/v1alpha1/awsroles';
const role = (spec: Record<string, unknown>, name = 'r') => ({ apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AWSRole', metadata: { name }, spec });
const good = { arn: 'arn:aws:iam::111122223333:role/r', oidcProvider: { url: 'https://127.0.0.1:6443' } };

beforeAll(async () => {
  ({ emu, app } = await appFixture());
});
afterAll(() => emu.close());

describe('the trust kinds over the API', () => {
  it('creates, defaults, lists and deletes an AWSRole', async () => {
    const created = await request(app).post(ROLES).set(admin).send(role(good));
    expect(created.status).toBe(201);
    expect(created.body.spec).toEqual({ ...good, oidcProvider: { ...good.oidcProvider, clientIDs: ['sts.amazonaws.com'] }, maxSessionDuration: 3600 });
    expect(created.body.metadata.generation).toBe(1);
    const list = await request(app).get(ROLES).set(admin);
    expect([list.body.kind, list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)]).toEqual(['AWSRoleList', ['r']]);
    expect((await request(app).delete(`${ROLES}/r`).set(admin)).status).toBe(200);
  });

  it('refuses a field of the wrong type, as the schema says, and an unknown field when asked to be strict', async () => {
    const typed = await request(app).post(ROLES).set(admin).send(role({ ...good, maxSessionDuration: '1h' }));
    expect(typed.status).toBe(400);
    expect(typed.body.message).toMatch(/maxSessionDuration/);
    const strict = await request(app).post(`${ROLES}?fieldValidation=Strict`).set(admin).send(role({ ...good, roleArn: 'x' }, 's'));
    expect(strict.status).toBe(400);
    expect(strict.body.message).toMatch(/unknown field "spec.roleArn"/);
    const warned = await request(app).post(ROLES).set(admin).send(role({ ...good, roleArn: 'x' }, 'w'));
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe('299 - "unknown field \\"spec.roleArn\\""');
  });

  it('answers an invalid object with the 422 of its validation', async () => {
    const res = await request(app).post('/apis/testing.satoken.dev/v1alpha1/azurefederatedcredentials').set(admin).send({ apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AzureFederatedCredential', metadata: { name: 'f' }, spec: { tenantID: 't', clientID: 'c', issuer: 'https://x' } });
    expect([res.status, res.body.reason, res.body.message]).toEqual([422, 'Invalid', 'AzureFederatedCredential.testing.satoken.dev "f" is invalid: spec.subject: Required value']);
  });
});
