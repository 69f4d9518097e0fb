import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReloadCheckResult } from '../../src/reload-check/result.js';
import { startServerAtIssuer } from '../helpers/real-clients.js';
import { CLI, cleanup, kubectlEnv, run, type ServerProcess } from '../helpers/server-process.js';

// The README's client matrix, measured: `satoken reload-check` against `satoken serve` with the
// real clients, unmodified, each in its own namespace. (The Python client and the naive
// program are in reload-check.test.ts.) A client that re-reads its token once a minute gets a
// 70 s window, as the guideline's one minute plus margin; one that never re-reads it fails at
// any window, so it gets a short one. Each warmup outlasts the client's start (a program that
// first asks after the rotation never uses token 0, and proves nothing).
const FIXTURES = join(__dirname, '..', 'reload-check', 'fixtures');
const RUBY = '/usr/bin/ruby';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/s3-reader';

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `satoken reload-check -o json` without blocking the event loop; killed after `timeoutMs`. */
function reloadCheck(args: string[], env: Record<string, string>, timeoutMs: number): Promise<CliRun & { result: ReloadCheckResult }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, 'reload-check', '-o', 'json', ...args], { env: { ...process.env, ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      try {
        ok({ status, stdout, stderr, result: JSON.parse(stdout) as ReloadCheckResult });
      } catch {
        fail(new Error(`reload-check exited ${status} without a JSON result:\n${stderr}`));
      }
    });
  });
}

/** Fails, rather than skips, when Debian's ruby-kubeclient is missing. */
function requireKubeclient(): string {
  const install = 'run .ci/install-clients.sh (CI installs it)';
  if (!existsSync(RUBY)) throw new Error(`${RUBY} is missing (ruby-kubeclient): ${install}`);
  const r = spawnSync(RUBY, ['-e', 'require "kubeclient"; print Kubeclient::VERSION'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${RUBY} cannot load kubeclient (ruby-kubeclient): ${install}\n${r.stderr}`);
  return r.stdout;
}

let server: ServerProcess;
let base: Record<string, string>;
beforeAll(async () => {
  requireKubeclient();
  // the issuer is the server's own URL, so that its STS can fetch the issuer's keys
  server = await startServerAtIssuer(['--workload-identity=aws']);
  base = { KUBECONFIG: server.kubeconfig, HOME: join(server.dir, 'home') };
  // IRSA: a role trusting this issuer for the check's service account, which names the role
  const manifest = `apiVersion: v1
kind: Namespace
metadata: { name: aws }
---
apiVersion: testing.satoken.dev/v1alpha1
kind: AWSRole
metadata: { name: s3-reader }
spec:
  arn: ${ROLE_ARN}
  oidcProvider: { url: ${JSON.stringify(server.url)} }
  conditions: { StringEquals: { sub: 'system:serviceaccount:aws:reload-check' } }
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: reload-check
  namespace: aws
  annotations: { eks.amazonaws.com/role-arn: ${JSON.stringify(ROLE_ARN)} }
`;
  const applied = run('kubectl', ['apply', '-f', '-'], kubectlEnv(server), manifest);
  expect(applied.status, applied.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  if (server) cleanup(server.dir);
});

describe('the client matrix: real clients under satoken reload-check', () => {
  it('@kubernetes/client-node (loadFromCluster) re-reads its token within a minute: PASS', async () => {
    const r = await reloadCheck(['-n', 'client-node', '--warmup', '10s', '--window', '70s', '--rotations', '1', '--', process.execPath, join(FIXTURES, 'in-cluster-client-node.mjs')], {}, 160_000);
    expect(r.stderr).toMatch(/\[program\] @kubernetes\/client-node 1\.\d+\.\d+ in-cluster/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.result.verdict).toBe('PASS');
    const [g0, g1] = r.result.generations;
    expect(g0!.requests.length).toBeGreaterThan(0);
    expect(g1!.requests.length).toBeGreaterThan(0);
    expect(g1!.requests.every((q) => q.code === 201 && q.requestURI === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).toBe(true);
    // it switched within its minute, before the old token died
    const rotation = r.result.rotations[0]!;
    expect(rotation.firstUseOfNewToken!.offsetMs - rotation.rotatedOffsetMs).toBeLessThanOrEqual(62_000);
    expect(rotation).toMatchObject({ staleRequests: [], passed: true });
  }, 170_000);

  it('Ruby kubeclient 4.9.3 (bearer_token_file) reads its token once: FAIL, its requests with the invalidated token rejected', async () => {
    const r = await reloadCheck(['-n', 'kubeclient', '--warmup', '10s', '--window', '4s', '--rotations', '1', '--', RUBY, join(FIXTURES, 'in_cluster_kubeclient.rb')], {}, 60_000);
    expect(r.stderr).toMatch(/\[program\] kubeclient 4\.\d+\.\d+ in-cluster/);
    expect(r.stderr).toContain('[program] POST selfsubjectaccessreviews 201');
    expect(r.stderr).toContain('[program] POST selfsubjectaccessreviews 401');
    expect(r.status).toBe(1);
    const jti0 = r.result.generations[0]!.tokens[0]!.jti;
    expect(r.result.failure).toMatchObject({ kind: 'stale-token', rotation: 1, staleToken: { generation: 0, jti: jti0 }, firstStaleRequest: { verb: 'create', requestURI: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', code: 401, token: 0 } });
    expect(r.result.generations[1]!.requests).toEqual([]);
  }, 70_000);

  it('the AWS SDK v3 default chain with a web-identity token file reads the file at each refresh: PASS', async () => {
    const env = { AWS_ENDPOINT_URL_STS: `${server.url}/aws/sts`, NODE_EXTRA_CA_CERTS: join(server.dir, 'keys', 'ca.crt'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const r = await reloadCheck(['-n', 'aws', '--warmup', '5s', '--window', '4s', '--rotations', '2', '--', process.execPath, join(FIXTURES, 'web-identity-aws.mjs')], env, 60_000);
    expect(r.stderr).toMatch(/\[program\] @aws-sdk\/client-sts 3\.\d+\.\d+ web identity\n/);
    expect(r.stderr).toContain(`[program] AssumeRoleWithWebIdentity, GetCallerIdentity as ${ROLE_ARN.replace(':iam:', ':sts:').replace(':role/', ':assumed-role/')}/…`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.result.verdict).toBe('PASS');
    // the EKS webhook's projection, mounted where it puts it, rotated with the pod
    expect(r.result.isolation.mounts).toContain('/var/run/secrets/eks.amazonaws.com/serviceaccount');
    for (const g of r.result.generations) {
      const sts = g.tokens.find((t) => t.path === '/var/run/secrets/eks.amazonaws.com/serviceaccount/token')!;
      expect(sts.audiences).toEqual(['sts.amazonaws.com']);
      // each generation's web-identity token was exchanged at STS, and only that one is counted
      expect(g.requests.length).toBeGreaterThan(0);
      expect(g.requests.every((q) => q.jti === sts.jti && q.verb === 'post' && q.requestURI.startsWith('/aws/sts'))).toBe(true);
    }
    expect(r.result.rotations.map((x) => x.passed)).toEqual([true, true]);
  }, 70_000);

  it('the AWS SDK given the token read once (fromWebToken): FAIL, STS still accepting the invalidated token', async () => {
    const env = { AWS_ENDPOINT_URL_STS: `${server.url}/aws/sts`, NODE_EXTRA_CA_CERTS: join(server.dir, 'keys', 'ca.crt'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', MODE: 'naive' };
    const r = await reloadCheck(['-n', 'aws', '--warmup', '5s', '--window', '4s', '--rotations', '1', '--', process.execPath, join(FIXTURES, 'web-identity-aws.mjs')], env, 60_000);
    expect(r.stderr).toContain('(token read once)');
    expect(r.status).toBe(1);
    const sts0 = r.result.generations[0]!.tokens.find((t) => t.audiences.includes('sts.amazonaws.com'))!.jti;
    // STS cannot know the pod is gone (nor can AWS's): the stale exchange is accepted, and named
    expect(r.result.failure).toMatchObject({ kind: 'stale-token', rotation: 1, staleToken: { generation: 0, jti: sts0 }, firstStaleRequest: { verb: 'post', code: 200, token: 0, jti: sts0 } });
    expect(r.result.summary).toMatch(/still accepted \(200\) by the STS endpoint, which cannot know the token was invalidated$/);
  }, 70_000);
});
