import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderKubeconfig } from '../../src/client/kubeconfig.js';
import { RealClock } from '../../src/clock/index.js';
import { createCertificateAuthority, issueClientCertificate } from '../../src/keys/index.js';
import { CLI, cleanup, kubectlEnv, run, startServer, type Run, type ServerProcess } from '../helpers/server-process.js';

const NS = 'rbac-demo';
const SA_USER = `system:serviceaccount:${NS}:reader`;
const MICHELLE = 'user "michelle" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:';

let server: ServerProcess;
let env: Record<string, string>;
let michelle: string;
let robot: string;

/** kubectl as the admin (the server's kubeconfig), or with `--kubeconfig` first for another identity. */
const kubectl = (...args: string[]): Run => run('/usr/bin/kubectl', args, env);
const as = (kubeconfig: string, ...args: string[]): Run => kubectl('--kubeconfig', kubeconfig, ...args);
const satoken = (...args: string[]): Run => run(process.execPath, [CLI, ...args], env);

beforeAll(async () => {
  server = await startServer();
  env = kubectlEnv(server);
  michelle = join(server.dir, 'michelle.kubeconfig');
  robot = join(server.dir, 'reader.kubeconfig');
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  cleanup(server.dir);
});

describe('the RBAC walkthrough with the real kubectl', () => {
  it('creates a namespace, a service account, a Role and a RoleBinding', () => {
    expect(kubectl('create', 'namespace', NS)).toMatchObject({ status: 0, stdout: `namespace/${NS} created\n` });
    expect(kubectl('create', 'serviceaccount', 'reader', '-n', NS)).toMatchObject({ status: 0, stdout: 'serviceaccount/reader created\n' });
    expect(kubectl('create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '-n', NS)).toMatchObject({ status: 0, stdout: 'role.rbac.authorization.k8s.io/pod-reader created\n' });
    expect(kubectl('create', 'rolebinding', 'reader-pods', '--role=pod-reader', `--serviceaccount=${NS}:reader`, '-n', NS)).toMatchObject({ status: 0, stdout: 'rolebinding.rbac.authorization.k8s.io/reader-pods created\n' });
  }, 60_000);

  it('answers auth can-i for the service account, with and without the permission', () => {
    expect(kubectl('auth', 'can-i', 'list', 'pods', '--as', SA_USER, '-n', NS)).toMatchObject({ status: 0, stdout: 'yes\n' });
    expect(kubectl('auth', 'can-i', 'delete', 'pods', '--as', SA_USER, '-n', NS)).toMatchObject({ status: 1, stdout: 'no\n' });
    expect(kubectl('auth', 'can-i', 'list', 'pods', '--as', SA_USER, '-n', 'default')).toMatchObject({ status: 1, stdout: 'no\n' });
    const list = kubectl('auth', 'can-i', '--list', '--as', SA_USER, '-n', NS);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
    expect(list.stdout).toMatch(/\npods\s+\[\]\s+\[\]\s+\[get list\]\n/);
    expect(list.stdout).toMatch(/\nselfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]\n/);
  }, 60_000);

  it('authenticates a user by client certificate: forbidden until a RoleBinding to the group', () => {
    expect(satoken('kubeconfig', '--user', 'michelle', '--group', 'devs', '--keys-dir', join(server.dir, 'keys'), '--out', michelle)).toMatchObject({ status: 0, stdout: `wrote ${michelle}\n` });
    const who = as(michelle, 'auth', 'whoami');
    expect(who.status).toBe(0);
    // the certificate's SHA-256 is its credential id, as kube-apiserver 1.32+ reports it
    expect(who.stdout).toMatch(/^ATTRIBUTE\s+VALUE\nUsername\s+michelle\nGroups\s+\[devs system:authenticated\]\nExtra: authentication\.kubernetes\.io\/credential-id\s+\[X509SHA256=[0-9a-f]{64}\]\n$/);
    expect(as(michelle, 'get', 'pods', '-n', NS)).toMatchObject({ status: 1, stderr: `Error from server (Forbidden): pods is forbidden: User "michelle" cannot list resource "pods" in API group "" in the namespace "${NS}"\n` });
    expect(kubectl('create', 'rolebinding', 'devs-read-pods', '--role=pod-reader', '--group=devs', '-n', NS)).toMatchObject({ status: 0 });
    expect(as(michelle, 'get', 'pods', '-n', NS)).toMatchObject({ status: 0, stdout: '', stderr: `No resources found in ${NS} namespace.\n` });
    expect(kubectl('auth', 'can-i', 'list', 'pods', '--as', 'michelle', '--as-group', 'devs', '-n', NS)).toMatchObject({ status: 0, stdout: 'yes\n' });
  }, 60_000);

  it('prevents escalation: a user who may create roles cannot grant what she does not hold', () => {
    expect(kubectl('create', 'role', 'role-creator', '--verb=create', '--resource=roles', '-n', NS)).toMatchObject({ status: 0 });
    expect(kubectl('create', 'rolebinding', 'michelle-creates-roles', '--role=role-creator', '--user=michelle', '-n', NS)).toMatchObject({ status: 0 });
    const denied = as(michelle, 'create', 'role', 'secret-reader', '--verb=get', '--resource=secrets', '-n', NS);
    expect(denied.status).toBe(1);
    expect(denied.stderr).toBe(`Error from server (Forbidden): roles.rbac.authorization.k8s.io "secret-reader" is forbidden: ${MICHELLE}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}\n`);
    expect(as(michelle, 'create', 'role', 'pod-lister', '--verb=list', '--resource=pods', '-n', NS)).toMatchObject({ status: 0, stdout: 'role.rbac.authorization.k8s.io/pod-lister created\n' });
    expect(kubectl('create', 'role', 'secret-reader', '--verb=get', '--resource=secrets', '-n', NS)).toMatchObject({ status: 0, stdout: 'role.rbac.authorization.k8s.io/secret-reader created\n' });
  }, 60_000);

  it('forbids a service account its own token until a Role grants serviceaccounts/token', () => {
    expect(satoken('kubeconfig', '--service-account', `${NS}/reader`, '--out', robot)).toMatchObject({ status: 0 });
    const denied = as(robot, 'create', 'token', 'reader', '-n', NS);
    expect(denied).toMatchObject({ status: 1, stderr: `error: failed to create token: serviceaccounts "reader" is forbidden: User "${SA_USER}" cannot create resource "serviceaccounts/token" in API group "" in the namespace "${NS}"\n` });
    expect(kubectl('auth', 'can-i', 'create', 'serviceaccounts', '--subresource=token', '--as', SA_USER, '-n', NS)).toMatchObject({ status: 1, stdout: 'no\n' });
    expect(kubectl('create', 'role', 'token-creator', '--verb=create', '--resource=serviceaccounts/token', '-n', NS)).toMatchObject({ status: 0 });
    expect(kubectl('create', 'rolebinding', 'reader-tokens', '--role=token-creator', `--serviceaccount=${NS}:reader`, '-n', NS)).toMatchObject({ status: 0 });
    expect(kubectl('auth', 'can-i', 'create', 'serviceaccounts', '--subresource=token', '--as', SA_USER, '-n', NS)).toMatchObject({ status: 0, stdout: 'yes\n' });
    const token = as(robot, 'create', 'token', 'reader', '-n', NS);
    expect(token.status).toBe(0);
    expect(token.stdout.split('.')).toHaveLength(3);
  }, 60_000);

  it('applies Role and binding YAML, and dry-runs cluster-scoped ones on the server', () => {
    const manifest = join(server.dir, 'rbac.yaml');
    writeFileSync(
      manifest,
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: cm-reader\n  namespace: ${NS}\nrules:\n- apiGroups: [""]\n  resources: ["configmaps"]\n  verbs: ["get"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader-cms\n  namespace: ${NS}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: cm-reader\nsubjects:\n- kind: ServiceAccount\n  name: reader\n  namespace: ${NS}\n`,
    );
    expect(kubectl('auth', 'can-i', 'get', 'configmaps', '--as', SA_USER, '-n', NS)).toMatchObject({ status: 1, stdout: 'no\n' });
    expect(kubectl('apply', '-f', manifest)).toMatchObject({ status: 0, stdout: 'role.rbac.authorization.k8s.io/cm-reader created\nrolebinding.rbac.authorization.k8s.io/reader-cms created\n' });
    expect(kubectl('auth', 'can-i', 'get', 'configmaps', '--as', SA_USER, '-n', NS)).toMatchObject({ status: 0, stdout: 'yes\n' });
    expect(kubectl('create', 'clusterrole', 'node-reader', '--verb=get,list', '--resource=nodes', '--dry-run=server')).toMatchObject({ status: 0, stdout: 'clusterrole.rbac.authorization.k8s.io/node-reader created (server dry run)\n' });
    expect(kubectl('get', 'clusterrole', 'node-reader')).toMatchObject({ status: 1, stderr: 'Error from server (NotFound): clusterroles.rbac.authorization.k8s.io "node-reader" not found\n' });
  }, 60_000);
});

describe('satoken serve --client-ca-file', () => {
  it('accepts client certificates of the extra CAs beside the cluster CA, and no others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satoken-e2e-'));
    const clock = new RealClock();
    const [extra, other] = [await createCertificateAuthority({ clock, commonName: 'corp-ca' }), await createCertificateAuthority({ clock, commonName: 'other-ca' })];
    writeFileSync(join(dir, 'corp-ca.crt'), extra.cert);
    const srv = await startServer(['--client-ca-file', join(dir, 'corp-ca.crt')], dir);
    try {
      const e = kubectlEnv(srv);
      const caData = readFileSync(join(dir, 'keys', 'ca.crt'), 'utf8');
      const kubeconfigFor = async (ca: typeof extra, file: string) => {
        const { cert, key } = await issueClientCertificate({ caCert: ca.cert, caKey: ca.key, user: 'carol', groups: ['corp'], clock, days: 1 });
        writeFileSync(join(dir, file), renderKubeconfig({ server: srv.url, caData, clientCertData: cert, clientKeyData: key }, 'satoken', 'carol'));
        return join(dir, file);
      };
      const who = run('/usr/bin/kubectl', ['--kubeconfig', await kubeconfigFor(extra, 'carol.kubeconfig'), 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo}'], e);
      expect(who.status).toBe(0);
      expect(JSON.parse(who.stdout)).toEqual({ groups: ['corp', 'system:authenticated'], username: 'carol', extra: { 'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^X509SHA256=[0-9a-f]{64}$/)] } });
      const stranger = run('/usr/bin/kubectl', ['--kubeconfig', await kubeconfigFor(other, 'stranger.kubeconfig'), 'auth', 'whoami'], e);
      expect(stranger).toMatchObject({ status: 1, stderr: 'error: You must be logged in to the server (Unauthorized)\n' });
      expect(run('/usr/bin/kubectl', ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], e).stdout).toBe('kubernetes-admin');
    } finally {
      expect(await srv.stop()).toBe(0);
      cleanup(dir);
    }
  }, 60_000);

  it('refuses to start with a file it cannot use, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satoken-e2e-'));
    try {
      const started = startServer(['--client-ca-file', join(dir, 'nope.crt')], dir);
      await expect(started).rejects.toThrow(`server exited with 1: error: unable to load client CA file "${join(dir, 'nope.crt')}": open ${join(dir, 'nope.crt')}: no such file or directory\n`);
    } finally {
      cleanup(dir);
    }
  }, 60_000);
});
