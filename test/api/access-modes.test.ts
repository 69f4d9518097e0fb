import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, appFixture, jane } from '../helpers/app.js';

const SECRETS = '/api/v1/namespaces/default/secrets';
const PODS = '/api/v1/namespaces/default/pods';
const SSRR = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
const rulesReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'satoken-modes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Fixture = Awaited<ReturnType<typeof appFixture>>;

/** Runs `fn` against an app with the given authorization modes, then closes the emulator. */
async function withApp(opts: Parameters<typeof appFixture>[0], fn: (app: Fixture['app'], emu: Fixture['emu']) => Promise<void>): Promise<void> {
  const { emu, app } = await appFixture(opts);
  try {
    await fn(app, emu);
  } finally {
    await emu.close();
  }
}

/** Waits for `pending` while moving the emulator's manual clock on, so that waits between webhook retries pass. */
async function driving<T>(emu: Fixture['emu'], pending: PromiseLike<T>): Promise<T> {
  let done = false;
  const result = Promise.resolve(pending).finally(() => (done = true));
  while (!done) {
    await new Promise((r) => setTimeout(r, 5));
    await emu.clock.advance(250);
  }
  return result;
}

describe('--authorization-mode=AlwaysAllow', () => {
  it('allows every request, anonymous ones too, and lists * rules', async () => {
    await withApp({ modes: ['AlwaysAllow'] }, async (app) => {
      expect((await request(app).get(SECRETS).set(jane)).status).toBe(200);
      expect((await request(app).delete(`${SECRETS}/creds`)).status).toBe(200);
      const rules = await request(app).post(SSRR).set(jane).send(rulesReview);
      expect(rules.body.status).toEqual({ resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false });
    });
  });
});

describe('--authorization-mode=AlwaysDeny', () => {
  it('forbids everyone but system:masters, with the reason "Everything is forbidden."', async () => {
    await withApp({ modes: ['AlwaysDeny'] }, async (app) => {
      const res = await request(app).get(SECRETS).set(jane);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default": Everything is forbidden.');
      const version = await request(app).get('/version').set(jane);
      expect(version.body.message).toBe('forbidden: User "jane" cannot get path "/version": Everything is forbidden.');
      expect((await request(app).get(SECRETS).set(admin)).status).toBe(200);
    });
  });
});

describe('--authorization-mode=ABAC with --authorization-policy-file', () => {
  it('allows what a policy line matches and answers "No policy matched." otherwise', async () => {
    const policy = join(dir, 'abac.jsonl');
    writeFileSync(
      policy,
      [
        '# jane reads pods in default; everyone authenticated reads non-resource paths',
        '{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"jane","namespace":"default","resource":"pods","apiGroup":"*","readonly":true}}',
        '{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"system:authenticated","nonResourcePath":"*","readonly":true}}',
        '',
      ].join('\n'),
    );
    await withApp({ modes: ['ABAC'], policyFile: policy }, async (app) => {
      expect((await request(app).get(PODS).set(jane)).status).toBe(200);
      expect((await request(app).get('/version').set(jane)).status).toBe(200);
      const write = await request(app).delete(`${PODS}/web-0`).set(jane);
      expect(write.status).toBe(403);
      expect(write.body.message).toBe('pods "web-0" is forbidden: User "jane" cannot delete resource "pods" in API group "" in the namespace "default": No policy matched.');
      const other = await request(app).get(SECRETS).set(jane);
      expect(other.body.message).toBe('secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default": No policy matched.');
    });
  });
});

describe('--authorization-mode=Webhook,RBAC with --authorization-webhook-config-file', () => {
  const asked: Array<Record<string, unknown>> = [];
  let webhook: Server;
  let config: string;

  beforeAll(async () => {
    webhook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const review = JSON.parse(body) as { spec: { user?: string; resourceAttributes?: { resource?: string; verb?: string } } };
        asked.push(review);
        const { user, resourceAttributes: ra } = review.spec;
        let status: Record<string, unknown> = { allowed: false };
        if (user === 'jane' && ra?.resource === 'secrets' && ra.verb === 'get') status = { allowed: true, reason: 'jane may read secrets' };
        if (user === 'jane' && ra?.resource === 'secrets' && ra.verb === 'delete') status = { allowed: false, denied: true, reason: 'never delete secrets' };
        if (user === 'jane' && ra?.resource === 'configmaps') return void res.writeHead(500).end('boom');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ apiVersion: 'authorization.k8s.io/v1beta1', kind: 'SubjectAccessReview', status }));
      });
    });
    await new Promise<void>((ok) => webhook.listen(0, '127.0.0.1', ok));
    config = join(dir, 'webhook.kubeconfig');
    const url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/authorize`;
    writeFileSync(config, `apiVersion: v1\nkind: Config\nclusters:\n- name: authz\n  cluster:\n    server: ${url}\nusers:\n- name: apiserver\n  user: {}\ncontexts:\n- name: authz\n  context: {cluster: authz, user: apiserver}\ncurrent-context: authz\n`);
  });
  afterAll(() => new Promise<void>((ok) => webhook.close(() => ok())));

  it('asks the webhook with a SubjectAccessReview and follows its allow, deny and no-opinion answers', async () => {
    await withApp({ modes: ['Webhook', 'RBAC'], webhookConfigFile: config }, async (app) => {
      const get = await request(app).get(`${SECRETS}/creds`).set(jane);
      expect(get.status).toBe(200);
      expect(asked[0]).toEqual({
        kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1beta1', metadata: { creationTimestamp: null },
        spec: { resourceAttributes: { namespace: 'default', verb: 'get', version: 'v1', resource: 'secrets', name: 'creds' }, user: 'jane', group: ['devs', 'system:authenticated'], uid: 'jane' },
        status: { allowed: false },
      });
      const del = await request(app).delete(`${SECRETS}/creds`).set(jane);
      expect(del.status).toBe(403);
      expect(del.body.message).toBe('secrets "creds" is forbidden: User "jane" cannot delete resource "secrets" in API group "" in the namespace "default": never delete secrets');
      const list = await request(app).get(SECRETS).set(jane);
      expect(list.body.message).toBe('secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default"');
      expect((await request(app).get('/version').set(jane)).status).toBe(200);
    });
  });

  it('answers a failed webhook call, after its retries, with the filter\'s plain-text 500 when nobody else allows', async () => {
    await withApp({ modes: ['Webhook', 'RBAC'], webhookConfigFile: config }, async (app, emu) => {
      asked.length = 0;
      const res = await driving(emu, request(app).get('/api/v1/namespaces/default/configmaps').set(jane));
      expect(asked.length).toBe(5);
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.text).toBe('Internal Server Error: "/api/v1/namespaces/default/configmaps": an error on the server ("boom") has prevented the request from succeeding\n');
    });
  });
});
