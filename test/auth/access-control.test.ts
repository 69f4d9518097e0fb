import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuthorizer } from '../../src/auth/access-control.js';
import { parseWebhookTtlMs } from '../../src/cli/serve-options.js';
import type { Emulator } from '../../src/emulator.js';
import { fixture } from '../helpers/emulator.js';
import { controlPlaneOf } from '../../src/emulator.js';

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await fixture({ clock: 'real' });
  dir = mkdtempSync(join(tmpdir(), 'satoken-access-'));
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

const kubeconfig = (server: string) => {
  const path = join(dir, `webhook-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, `apiVersion: v1\nkind: Config\nclusters:\n- name: authz\n  cluster:\n    server: ${server}\nusers:\n- name: apiserver\n  user: {}\ncontexts:\n- name: authz\n  context: {cluster: authz, user: apiserver}\ncurrent-context: authz\n`);
  return path;
};
const attrs = { user: { username: 'jane', groups: ['devs'] }, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: 'x', resourceRequest: true, path: '/api/v1/namespaces/default/pods/x' };

describe('buildAuthorizer wires the modes as kube-apiserver does', () => {
  it('Webhook is a rule resolver that says it cannot list rules (SelfSubjectRulesReview is incomplete)', async () => {
    const { ruleResolver } = buildAuthorizer({ modes: ['Webhook'], registry: controlPlaneOf(emu).objects, clock: controlPlaneOf(emu).clock, webhookConfigFile: kubeconfig('http://127.0.0.1:1') });
    const r = await ruleResolver.rulesFor({ username: 'jane' }, 'default');
    expect(r.incomplete).toBe(true);
    expect(r.evaluationError).toContain('webhook authorizer does not support user rule resolution');
  });

  it('ABAC reads its policy file with Go\'s error for a missing one', () => {
    const missing = join(dir, 'nope.jsonl');
    expect(() => buildAuthorizer({ modes: ['ABAC'], registry: controlPlaneOf(emu).objects, clock: controlPlaneOf(emu).clock, policyFile: missing })).toThrow(`open ${missing}: no such file or directory`);
  });

  it.each([['v1beta1', undefined], ['v1', 'v1'], ['v1beta1', 'v1beta1']] as const)('sends %s SubjectAccessReviews when asked for %s, and caches as told', async (expected, version) => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const review = JSON.parse(body) as { apiVersion: string };
        seen.push(review.apiVersion);
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'SubjectAccessReview', status: { allowed: true } }));
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/authorize`;
      const { authorizer } = buildAuthorizer({ modes: ['Webhook'], registry: controlPlaneOf(emu).objects, clock: controlPlaneOf(emu).clock, webhookConfigFile: kubeconfig(url), ...(version ? { webhookVersion: version } : {}), webhookAuthorizedTtlMs: 0 });
      expect((await authorizer.authorize(attrs)).decision).toBe('Allow');
      expect((await authorizer.authorize(attrs)).decision).toBe('Allow');
      expect(seen).toEqual([`authorization.k8s.io/${expected}`, `authorization.k8s.io/${expected}`]); // a 0 TTL caches nothing
    } finally {
      server.close();
    }
  });
});

describe('the webhook cache TTL flags', () => {
  it.each([['5m0s', 300_000], ['30s', 30_000], ['0', 0], ['1.5s', 1500]])('%s is %d ms', (v, ms) => {
    expect(parseWebhookTtlMs('authorization-webhook-cache-authorized-ttl', v)).toBe(ms);
  });

  it('refuses what is not a Go duration, and negative ones, in one line', () => {
    expect(() => parseWebhookTtlMs('authorization-webhook-cache-authorized-ttl', '5 minutes')).toThrow('invalid argument "5 minutes" for "--authorization-webhook-cache-authorized-ttl" flag: time: unknown unit " minutes" in duration "5 minutes"');
    expect(() => parseWebhookTtlMs('authorization-webhook-cache-unauthorized-ttl', '-1s')).toThrow('--authorization-webhook-cache-unauthorized-ttl must not be negative, got -1s');
  });
});
