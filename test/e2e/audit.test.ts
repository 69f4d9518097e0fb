import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/types.js';
import { CLI, cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  # tokens and secrets with their bodies: satoken redacts every token in them
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["serviceaccounts/token", "secrets"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz", "/livez"]
  - level: Metadata
`;

let server: ServerProcess;
let env: Record<string, string>;
let logPath: string;
const tokens: string[] = [];
const kubectl = (...args: string[]) => run('kubectl', args, env);
const satoken = (...args: string[]) => run(process.execPath, [CLI, ...args], env);
const jtiOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti as string;

beforeAll(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'satoken-audit-e2e-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  logPath = join(dir, 'audit', 'audit.log');
  server = await startServer(['--audit-policy-file', join(dir, 'policy.yaml'), '--audit-log-path', logPath, '--audit-log-maxsize', '50', '--audit-log-maxbackup', '3'], dir);
  env = kubectlEnv(server);
});
afterAll(async () => {
  await server.stop();
  cleanup(server.dir);
});

const events = (): AuditEvent[] => readFileSync(logPath, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEvent);

describe('audit log with kubectl: a token issued, then used, joined by credential id', () => {
  it('kubectl creates a service account, its RBAC, a token, and uses it for get pods', () => {
    expect(kubectl('create', 'serviceaccount', 'app').status).toBe(0);
    expect(kubectl('create', 'rolebinding', 'app-view', '--clusterrole=view', '--serviceaccount=default:app').status).toBe(0);
    const t = kubectl('create', 'token', 'app');
    expect(t.status).toBe(0);
    tokens.push(t.stdout.trim());
    const get = kubectl('get', 'pods', '--token', tokens[0]!);
    expect(get.status).toBe(0);
    const denied = kubectl('get', 'secrets', '--token', tokens[0]!);
    expect(denied.status).toBe(1);
    // a legacy token Secret, read back whole: its data.token is a token too
    writeFileSync(join(server.dir, 'legacy.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-legacy\n  annotations:\n    kubernetes.io/service-account.name: app\ntype: kubernetes.io/service-account-token\n');
    expect(kubectl('apply', '-f', join(server.dir, 'legacy.yaml')).status).toBe(0);
    let legacy = '';
    for (let i = 0; i < 50 && !legacy; i++) legacy = kubectl('get', 'secret', 'app-legacy', '-o', 'jsonpath={.data.token}').stdout.trim();
    expect(legacy).not.toBe('');
    tokens.push(Buffer.from(legacy, 'base64').toString('utf8'), legacy);
    // a TokenReview of the bound token, at RequestResponse
    const review = run('kubectl', ['create', '-f', '-', '-o', 'json'], env, JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: tokens[0] } }));
    expect(JSON.parse(review.stdout).status.authenticated).toBe(true);
  });

  it('satoken audit follows the live server\'s recorder: the token\'s lineage', () => {
    const jti = jtiOf(tokens[0]!);
    const r = satoken('audit', '--kubeconfig', server.kubeconfig, '--jti', jti);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^token JTI=${jti} issued \\S+ by kubernetes-admin for default/app \\(201\\)\\n  audiences: https://kubernetes.default.svc.cluster.local; expires \\S+\\n4 requests made with it:\\nTIME +USER +CREDENTIAL +VERB +RESOURCE +NAMESPACE +NAME +CODE\\n`));
    // kubectl's discovery, then the list
    expect(r.stdout).toMatch(/system:serviceaccount:default:app +JTI=\S+ +get +\/api +200\n/);
    expect(r.stdout).toMatch(/system:serviceaccount:default:app +JTI=\S+ +list +pods +default +200\n/);
    expect(r.stdout).toMatch(/system:serviceaccount:default:app +JTI=\S+ +list +secrets +default +403\n/);
  });

  it('the log, once the server stopped, joins the TokenRequest and the get pods by credential id, in kube-apiserver\'s shape', async () => {
    expect(await server.stop()).toBe(0);
    const all = events();
    const jti = jtiOf(tokens[0]!);
    const issue = all.filter((e) => e.annotations?.['authentication.kubernetes.io/issued-credential-id'] === `JTI=${jti}`);
    expect(issue.map((e) => e.stage)).toEqual(['ResponseComplete']);
    expect(all.filter((e) => e.auditID === issue[0]!.auditID).map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseComplete']);
    expect(issue[0]).toMatchObject({ level: 'RequestResponse', verb: 'create', user: { username: 'kubernetes-admin' }, objectRef: { resource: 'serviceaccounts', namespace: 'default', name: 'app', apiVersion: 'v1', subresource: 'token' }, responseStatus: { code: 201 } });
    expect(issue[0]!.userAgent).toMatch(/^kubectl\/v1\.33/);
    expect((issue[0]!.responseObject as { status: { token: string } }).status.token).toBe('<redacted>');
    const uses = all.filter((e) => e.user.extra?.['authentication.kubernetes.io/credential-id']?.includes(`JTI=${jti}`) && e.stage === 'ResponseComplete' && e.objectRef);
    expect(uses.map((e) => [e.verb, e.objectRef?.resource, e.responseStatus?.code, e.annotations?.['authorization.k8s.io/decision']])).toEqual([
      ['list', 'pods', 200, 'allow'],
      ['list', 'secrets', 403, 'forbid'],
    ]);
    expect(uses[0]!.annotations!['authorization.k8s.io/reason']).toBe('RBAC: allowed by RoleBinding "app-view/default" of ClusterRole "view" to ServiceAccount "app/default"');
    expect(uses[0]!.user).toMatchObject({ username: 'system:serviceaccount:default:app', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
    for (const e of all) {
      expect(e.requestReceivedTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(e.kind).toBe('Event');
    }
  });

  it('no token issued by the server appears anywhere in the log, at any level', () => {
    const text = readFileSync(logPath, 'utf8');
    expect(tokens).toHaveLength(3);
    for (const t of tokens) expect(text).not.toContain(t);
    for (const t of tokens.slice(0, 2)) expect(text).not.toContain(t.split('.')[2]!);
    // the secret was read whole, its token redacted
    const secretRead = events().filter((e) => e.objectRef?.resource === 'secrets' && e.objectRef.name === 'app-legacy' && e.verb === 'get' && e.stage === 'ResponseComplete').at(-1)!;
    expect((secretRead.responseObject as { data: Record<string, string> }).data.token).toBe('<redacted>');
    const review = events().find((e) => e.objectRef?.resource === 'tokenreviews' && e.stage === 'ResponseComplete')!;
    expect((review.requestObject as { spec: { token: string } }).spec.token).toBe('<redacted>');
  });

  it('satoken audit reads the log: the lineage by --jti, a filtered table, and -o json', () => {
    const jti = jtiOf(tokens[0]!);
    const lineage = satoken('audit', logPath, '--jti', jti);
    expect(lineage.status).toBe(0);
    expect(lineage.stdout).toContain(`token JTI=${jti} issued`);
    const table = satoken('audit', logPath, '--service-account', 'default/app', '--code', '4xx');
    expect(table.status).toBe(0);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(table.stdout).toMatch(/list +secrets +default +403$/m);
    const json = satoken('audit', logPath, '--verb', 'create', '--resource', 'serviceaccounts/token', '-o', 'json');
    expect(json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).annotations['authentication.kubernetes.io/issued-credential-id'])).toContain(`JTI=${jti}`);
    const bad = satoken('audit', logPath, '--code', 'teapot');
    expect([bad.status, bad.stderr]).toEqual([2, 'error: --code must be a status code (403), a class (4xx) or a range (400-499), got "teapot"\n']);
    const missing = satoken('audit', join(server.dir, 'nope.log'));
    expect([missing.status, missing.stderr]).toEqual([1, `error: open ${join(server.dir, 'nope.log')}: no such file or directory\n`]);
  });
});

describe('serve refuses a bad policy with kube-apiserver\'s line', () => {
  it('a policy without rules', () => {
    const p = join(server.dir, 'empty-policy.yaml');
    writeFileSync(p, 'apiVersion: audit.k8s.io/v1\nkind: Policy\n');
    const r = run(process.execPath, [CLI, 'serve', '--secure-port', '0', '--data-dir', join(server.dir, 'd2'), '--keys-dir', join(server.dir, 'k2'), '--audit-policy-file', p], {});
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`error: loading audit policy file: loaded illegal policy with 0 rules: from file ${p}\n`);
  });

  it('a negative --audit-log-maxsize', () => {
    const r = run(process.execPath, [CLI, 'serve', '--secure-port', '0', '--data-dir', join(server.dir, 'd3'), '--keys-dir', join(server.dir, 'k3'), '--audit-log-path', '-', '--audit-log-maxsize', '-1'], {});
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: --audit-log-maxsize -1 can't be a negative number\n");
  });
});
