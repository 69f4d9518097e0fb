import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import type { Connection } from '../../src/client/kubeconfig.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { CLI, cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * TokenFaults end to end: `satoken serve`, the real kubectl (1.33, picked from /version) and
 * @kubernetes/client-node. A fault applied with kubectl changes what a TokenReview answers,
 * `times` runs out, `kubectl delete` ends it; two replicas on etcd honour a fault written
 * through either; the serve flags for Kubernetes' timing and clock skew.
 */

const INVALIDATED = '[invalid bearer token, service account token has been invalidated]';

const FAULT_YAML = `apiVersion: testing.satoken.dev/v1alpha1
kind: TokenFault
metadata:
  name: vault-outage
spec:
  match:
    namespace: default
    serviceAccount: build-robot
    audiences: [vault]
  target: review
  action: reject
  times: 2
`;

function payload(token: string): { iat: number; nbf: number; exp: number; aud: string[] } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; nbf: number; exp: number; aud: string[] };
}

describe('a TokenFault through kubectl and client-node', () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  let auth: k8s.AuthenticationV1Api;
  const kubectl = (args: string[], input?: string) => run('kubectl', args, env, input);
  const review = async (token: string, audiences: string[]) => (await auth.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } } })).status;

  beforeAll(async () => {
    server = await startServer();
    env = kubectlEnv(server);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(readFileSync(server.kubeconfig, 'utf8'));
    auth = kc.makeApiClient(k8s.AuthenticationV1Api);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    cleanup(server.dir);
  });

  it('apply, a review answers what the fault says, times runs out, delete ends it', async () => {
    expect(kubectl(['create', 'serviceaccount', 'build-robot']).status).toBe(0);
    const t = kubectl(['create', 'token', 'build-robot', '--audience', 'vault']);
    expect(t.status).toBe(0);
    const token = t.stdout.trim();
    expect((await review(token, ['vault']))?.authenticated).toBe(true);

    expect(kubectl(['apply', '-f', '-'], FAULT_YAML)).toMatchObject({ status: 0, stdout: 'tokenfault.testing.satoken.dev/vault-outage created\n' });
    const get = kubectl(['get', 'tokenfaults']);
    expect(get.status).toBe(0);
    expect(get.stdout).toMatch(/^NAME\s+TARGET\s+ACTION\s+MATCHED\s+AGE\n/);
    expect(get.stdout).toMatch(/\nvault-outage\s+review\s+reject\s+0\s+\d+s\n/);

    // another audience is not matched; the next two vault reviews are rejected; then recovery
    expect((await review(token, ['other', 'vault']))?.error).toBe(INVALIDATED);
    expect((await review(token, ['vault']))?.error).toBe(INVALIDATED);
    expect((await review(token, ['vault']))?.authenticated).toBe(true);
    const wide = kubectl(['get', 'tokenfault', 'vault-outage', '-o', 'wide']);
    expect(wide.stdout).toMatch(/\nvault-outage\s+review\s+reject\s+2\s+\d+s\s+2\s+namespace=default,serviceAccount=build-robot,audiences=vault\n/);
    expect(kubectl(['get', 'tokenfault', 'vault-outage', '-o', 'jsonpath={.status.matched}']).stdout).toBe('2');

    // without times it stays until deleted
    expect(kubectl(['patch', 'tokenfault', 'vault-outage', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/times"}]']).status).toBe(0);
    expect((await review(token, ['vault']))?.error).toBe(INVALIDATED);
    expect(kubectl(['delete', 'tokenfault', 'vault-outage'])).toMatchObject({ status: 0, stdout: 'tokenfault.testing.satoken.dev "vault-outage" deleted\n' });
    expect((await review(token, ['vault']))?.authenticated).toBe(true);
  });

  it('an error fault reaches kubectl and client-node as the real thing would', async () => {
    // a 503 carries Retry-After: client-go retries it, so a one-time outage goes unnoticed
    expect(kubectl(['apply', '-f', '-'], 'apiVersion: testing.satoken.dev/v1alpha1\nkind: TokenFault\nmetadata: {name: issuer-blip}\nspec: {target: issue, action: error, code: 503, times: 1}\n').status).toBe(0);
    expect(kubectl(['create', 'token', 'build-robot']).status).toBe(0);
    expect(kubectl(['get', 'tokenfault', 'issuer-blip', '-o', 'jsonpath={.status.matched}']).stdout).toBe('1');
    expect(kubectl(['delete', 'tokenfault', 'issuer-blip']).status).toBe(0);
    // a 500 is not retried: kubectl prints the Status
    expect(kubectl(['apply', '-f', '-'], 'apiVersion: testing.satoken.dev/v1alpha1\nkind: TokenFault\nmetadata: {name: issuer-down}\nspec: {target: issue, action: error, reason: etcd is down, times: 1}\n').status).toBe(0);
    const refused = kubectl(['create', 'token', 'build-robot']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe('error: failed to create token: Internal error occurred: etcd is down\n');
    expect(kubectl(['create', 'token', 'build-robot']).status).toBe(0);
    expect(kubectl(['delete', 'tokenfault', 'issuer-down']).status).toBe(0);

    kubectl(['apply', '-f', '-'], 'apiVersion: testing.satoken.dev/v1alpha1\nkind: TokenFault\nmetadata: {name: reviewer-down}\nspec: {target: review, action: error, code: 503}\n');
    const token = kubectl(['create', 'token', 'build-robot', '--audience', 'vault']).stdout.trim();
    await expect(review(token, ['vault'])).rejects.toMatchObject({ code: 503 });
    expect(kubectl(['delete', 'tokenfault', 'reviewer-down']).status).toBe(0);
    expect((await review(token, ['vault']))?.authenticated).toBe(true);
  });

  it('kubectl shows validation errors as for any kind', () => {
    const r = kubectl(['apply', '-f', '-'], 'apiVersion: testing.satoken.dev/v1alpha1\nkind: TokenFault\nmetadata: {name: bad}\nspec: {target: jwks, action: expire}\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('The TokenFault "bad" is invalid: spec.action: Unsupported value: "expire": supported values: "reject", "error", "delay"');
  });
});

describe('two replicas on one etcd', () => {
  const ADMIN = 'shared-admin-token-for-the-faults-test';
  let etcd: EtcdServer;
  let shared: string;
  const replicas: ServerProcess[] = [];
  const conn = (s: ServerProcess): Connection => ({ server: s.url, insecureSkipTLSVerify: true, token: ADMIN });
  const review = async (s: ServerProcess, token: string) => (await apiRequest(conn(s), 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token } })).json<{ status: { authenticated?: boolean; error?: string } }>().status;

  beforeAll(async () => {
    etcd = await startEtcd();
    shared = mkdtempSync(join(tmpdir(), 'satoken-faults-shared-'));
    mkdirSync(join(shared, 'keys'));
    writeFileSync(join(shared, 'tokens.csv'), `${ADMIN},kubernetes-admin,admin,"system:masters"\n`);
    for (let i = 0; i < 2; i++) replicas.push(await startServer(['--etcd-servers', etcd.endpoint, '--keys-dir', join(shared, 'keys'), '--token-auth-file', join(shared, 'tokens.csv')], mkdtempSync(join(tmpdir(), 'satoken-faults-replica-'))));
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) {
      await r.stop('SIGKILL');
      cleanup(r.dir);
    }
    await etcd?.destroy();
    if (shared) cleanup(shared);
  });

  it('a fault written through one is honoured by the other; times counts on both together', async () => {
    const [a, b] = replicas as [ServerProcess, ServerProcess];
    expect((await apiRequest(conn(a), 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'shared' } })).status).toBe(201);
    const token = (await apiRequest(conn(a), 'POST', '/api/v1/namespaces/default/serviceaccounts/shared/token', { spec: {} })).json<{ status: { token: string } }>().status.token;
    // valid on b at once, whether or not b's watch has brought the service account yet (a miss is read from etcd)
    expect(await review(b, token)).toMatchObject({ authenticated: true });
    const created = await apiRequest(conn(a), 'POST', '/apis/testing.satoken.dev/v1alpha1/tokenfaults', { apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'TokenFault', metadata: { name: 'flaky' }, spec: { target: 'review', action: 'reject', times: 4 } });
    expect(created.status).toBe(201);
    // b sees the fault once its watch brings it
    let first: { authenticated?: boolean; error?: string } | undefined;
    for (let i = 0; i < 50 && !first?.error; i++) {
      first = await review(b, token);
      if (!first.error) await new Promise((r) => setTimeout(r, 50));
    }
    expect(first?.error).toBe(INVALIDATED);
    const rest = await Promise.all([a, b, a, b, a, b].map((r) => review(r, token)));
    expect(rest.filter((s) => s.error === INVALIDATED)).toHaveLength(3);
    expect(rest.filter((s) => s.authenticated)).toHaveLength(3);
    const f = (await apiRequest(conn(b), 'GET', '/apis/testing.satoken.dev/v1alpha1/tokenfaults/flaky')).json<{ status: { matched: number } }>();
    expect(f.status.matched).toBe(4);
    expect((await apiRequest(conn(b), 'DELETE', '/apis/testing.satoken.dev/v1alpha1/tokenfaults/flaky')).status).toBe(200);
  });
});

describe('serve --revocation and --clock-skew', () => {
  it('--clock-skew shifts what this replica issues', async () => {
    const s = await startServer(['--clock-skew=-30s']);
    try {
      const env = kubectlEnv(s);
      expect(run('kubectl', ['create', 'serviceaccount', 'app'], env).status).toBe(0);
      const before = Math.floor(Date.now() / 1000);
      const p = payload(run('kubectl', ['create', 'token', 'app'], env).stdout.trim());
      expect(p.iat).toBeLessThanOrEqual(before - 29);
      expect(p.iat).toBeGreaterThanOrEqual(before - 31);
    } finally {
      await s.stop();
      cleanup(s.dir);
    }
  });

  it('a bad --clock-skew or --revocation is a one-line error and a non-zero exit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'satoken-faults-flags-'));
    try {
      const skew = run(process.execPath, [CLI, 'serve', '--secure-port', '0', '--data-dir', join(dir, 'd'), '--keys-dir', join(dir, 'k'), '--clock-skew', 'soon'], {});
      expect(skew.status).not.toBe(0);
      expect(skew.stderr.trim().split('\n')).toEqual(['error: invalid argument "soon" for "--clock-skew" flag: time: invalid duration "soon"']);
      const far = run(process.execPath, [CLI, 'serve', '--secure-port', '0', '--data-dir', join(dir, 'd'), '--keys-dir', join(dir, 'k'), '--clock-skew=-25h'], {});
      expect(far.stderr).toBe('error: invalid argument "-25h" for "--clock-skew" flag: must be within 24h0m0s either way, got -25h\n');
      // refused before anything was written
      expect(existsSync(join(dir, 'k'))).toBe(false);
      const mode = run(process.execPath, [CLI, 'serve', '--secure-port', '0', '--data-dir', join(dir, 'd'), '--keys-dir', join(dir, 'k'), '--revocation', 'later'], {});
      expect(mode.status).not.toBe(0);
      expect(mode.stderr).toContain("error: option '--revocation <mode>' argument 'later' is invalid. Allowed choices are immediate, kubernetes.");
    } finally {
      cleanup(dir);
    }
  });

  it('--revocation kubernetes: a pod on a node is Terminating after kubectl delete, and its token still works', async () => {
    const s = await startServer(['--revocation', 'kubernetes']);
    try {
      const env = kubectlEnv(s);
      const kubectl = (args: string[], input?: string) => run('kubectl', args, env, input);
      expect(kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: node-1, serviceAccountName: app, automountServiceAccountToken: false, containers: [{name: a, image: busybox}]}\n').status).toBe(0);
      const token = kubectl(['create', 'token', 'app', '--bound-object-kind', 'Pod', '--bound-object-name', 'web']).stdout.trim();
      expect(kubectl(['delete', 'pod', 'web', '--wait=false'])).toMatchObject({ status: 0, stdout: 'pod "web" deleted\n' });
      expect(kubectl(['get', 'pod', 'web']).stdout).toMatch(/\nweb\s+0\/1\s+Terminating\s+/);
      const kc = new k8s.KubeConfig();
      kc.loadFromString(readFileSync(s.kubeconfig, 'utf8'));
      const r = await kc.makeApiClient(k8s.AuthenticationV1Api).createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
      expect(r.status?.authenticated).toBe(true);
      expect(r.status?.user?.extra?.['authentication.kubernetes.io/pod-name']).toEqual(['web']);
      // the kubelet's confirmation (grace 0) removes it; then the token is refused (asked with
      // its audiences spelled out: another cache key than the review above, which the 10 s
      // success cache would still answer)
      expect(kubectl(['delete', 'pod', 'web', '--grace-period=0', '--force']).status).toBe(0);
      const after = await kc.makeApiClient(k8s.AuthenticationV1Api).createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: payload(token).aud } } });
      expect(after.status?.error).toBe(INVALIDATED);
    } finally {
      await s.stop();
      cleanup(s.dir);
    }
  });

  it('--revocation kubernetes with a satoken kubelet agent: kubectl delete waits for the agent to confirm', async () => {
    const s = await startServer(['--revocation', 'kubernetes']);
    let agent: ChildProcess | undefined;
    try {
      const env = kubectlEnv(s);
      const kubectl = (args: string[], input?: string) => run('kubectl', args, env, input);
      const nodeKubeconfig = join(s.dir, 'node-1.kubeconfig');
      expect(run(process.execPath, [CLI, 'kubeconfig', '--user', 'system:node:node-1', '--group', 'system:nodes', '--out', nodeKubeconfig, '--keys-dir', join(s.dir, 'keys')], env).status).toBe(0);
      const root = join(s.dir, 'kubelet');
      let out = '';
      agent = spawn(process.execPath, [CLI, 'kubelet', '--node', 'node-1', '--root', root, '--kubeconfig', nodeKubeconfig], { cwd: s.dir, env: { ...process.env, HOME: env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
      agent.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      await until(() => out.includes('satoken kubelet ready: '), 'the agent\'s ready line');
      expect(kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: node-1, serviceAccountName: app, containers: [{name: a, image: busybox}]}\n').status).toBe(0);
      const uid = kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.metadata.uid}']).stdout;
      const volumes = join(root, 'pods', uid, 'volumes');
      await until(() => existsSync(volumes), 'the pod\'s volumes');
      // kubectl delete waits until the pod is gone: the agent tears the volumes down and confirms
      expect(kubectl(['delete', 'pod', 'web', '--timeout=20s'])).toMatchObject({ status: 0, stdout: 'pod "web" deleted\n' });
      expect(existsSync(volumes)).toBe(false);
      expect(kubectl(['get', 'pod', 'web']).stderr).toBe('Error from server (NotFound): pods "web" not found\n');
    } finally {
      agent?.kill('SIGKILL');
      await s.stop();
      cleanup(s.dir);
    }
  });
});
