import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import { type Connection, loadKubeconfig } from '../../src/client/kubeconfig.js';
import { CLI, cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * kubectl 1.33 against `satoken serve` with a `satoken kubelet` agent (issue 14 item 4): a
 * Deployment becomes a ReplicaSet and pods, the scheduler binds them to the Ready node, the
 * kubelet writes their kube-api-access tokens and reports them Running, `kubectl rollout status`
 * completes for create, scale and an image change, deletion collects the ReplicaSets and pods,
 * and the node turns Unknown once its kubelet stops. The node monitor periods are short so the
 * test is quick: --node-monitor-grace-period 3s, a 2 s lease renewed every 0.5 s.
 */
let server: ServerProcess;
let env: Record<string, string>;
let admin: Connection;
let agent: ChildProcess;
let agentOut = '';
let agentErr = '';
let root: string;
const kubectl = (...args: string[]) => run('kubectl', args, env);
const file = (name: string, text: string) => {
  const p = join(server.dir, name);
  writeFileSync(p, text);
  return p;
};

async function until<T>(what: string, fn: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; kubelet stderr:\n${agentErr}\nserver stderr:\n${server.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface PodJson {
  metadata: { name: string; uid: string; labels: Record<string, string>; ownerReferences: Array<{ kind: string; name: string; controller: boolean }> };
  spec: { nodeName?: string; containers: Array<{ image: string }>; volumes: Array<{ name: string }> };
  status: { phase: string; podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

const pods = () => {
  const r = kubectl('get', 'pods', '-l', 'app=web', '-o', 'json');
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { items: PodJson[] }).items;
};

const nodeReady = () => kubectl('get', 'node', 'node-1', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}').stdout;

function rolloutStatus(): void {
  const r = kubectl('rollout', 'status', 'deployment/web', '--timeout=40s');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout.trim().split('\n').at(-1)).toBe('deployment "web" successfully rolled out');
}

beforeAll(async () => {
  server = await startServer(['--node-monitor-grace-period', '3s', '--node-monitor-period', '250ms']);
  env = kubectlEnv(server);
  admin = loadKubeconfig(server.kubeconfig);
  const home = join(server.dir, 'agent-home');
  mkdirSync(home, { recursive: true });
  const nodeKubeconfig = join(server.dir, 'node-1.kubeconfig');
  const made = run(process.execPath, [CLI, 'kubeconfig', '--user', 'system:node:node-1', '--group', 'system:nodes', '--out', nodeKubeconfig, '--keys-dir', join(server.dir, 'keys')], { KUBECONFIG: server.kubeconfig, HOME: home });
  expect(made.status, made.stderr).toBe(0);
  root = join(server.dir, 'kubelet');
  agent = spawn(process.execPath, [CLI, 'kubelet', '--node', 'node-1', '--root', root, '--kubeconfig', nodeKubeconfig, '--node-status-update-frequency', '500ms', '--node-lease-duration-seconds', '2', '--log-level', 'warn'], {
    cwd: server.dir,
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stdout!.on('data', (c: Buffer) => (agentOut += c.toString()));
  agent.stderr!.on('data', (c: Buffer) => (agentErr += c.toString()));
  await until('the kubelet ready line', () => agentOut.includes('satoken kubelet ready: '));
}, 60_000);

afterAll(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await server?.stop();
  if (server) cleanup(server.dir);
});

describe('kubectl, satoken serve and satoken kubelet: workloads that become pods that get tokens', () => {
  it('shows the kubelet node Ready, with its Lease in kube-node-lease', () => {
    expect(nodeReady()).toBe('True');
    const nodes = kubectl('get', 'nodes');
    expect(nodes.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nnode-1\s+Ready\s+<none>\s+\S+\s+v1\.33\.\d+\n$/);
    const lease = kubectl('get', 'lease', 'node-1', '-n', 'kube-node-lease', '-o', 'jsonpath={.spec.holderIdentity} {.spec.leaseDurationSeconds}');
    expect(lease.stdout).toBe('node-1 2');
  });

  it('creates a deployment whose rollout completes, its pods Running on node-1 with their token files', async () => {
    const created = kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2');
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('deployment.apps/web created\n');
    rolloutStatus();
    const rs = kubectl('get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}').stdout;
    expect(rs).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    const hash = rs.slice('web-'.length);
    const list = pods();
    expect(list).toHaveLength(2);
    for (const p of list) {
      expect(p.metadata.name).toMatch(new RegExp(`^${rs}-[a-z0-9]{5}$`));
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: rs, controller: true })]);
      expect(p.spec.nodeName).toBe('node-1');
      expect(p.status.phase).toBe('Running');
      expect(p.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
      const volume = p.spec.volumes.find((v) => v.name.startsWith('kube-api-access-'))!.name;
      const tokenFile = join(root, 'pods', p.metadata.uid, 'volumes', 'kubernetes.io~projected', volume, 'token');
      await until(`the token file of ${p.metadata.name}`, () => existsSync(tokenFile));
      const review = await apiRequest(admin, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: readFileSync(tokenFile, 'utf8') } });
      const status = review.json<{ status: { authenticated: boolean; user: { username: string; extra: Record<string, string[]> } } }>().status;
      expect(status.authenticated).toBe(true);
      expect(status.user.username).toBe('system:serviceaccount:default:default');
      expect(status.user.extra['authentication.kubernetes.io/pod-name']).toEqual([p.metadata.name]);
      expect(status.user.extra['authentication.kubernetes.io/node-name']).toEqual(['node-1']);
    }
    const get = kubectl('get', 'deployment', 'web');
    expect(get.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+\S+\n$/);
    const podsTable = kubectl('get', 'pods', '-l', 'app=web');
    expect(podsTable.stdout.trim().split('\n').slice(1)).toEqual(list.map((p) => expect.stringMatching(new RegExp(`^${p.metadata.name}\\s+1/1\\s+Running\\s+0\\s+\\S+$`))));
  });

  it('scales the deployment', () => {
    expect(kubectl('scale', 'deployment/web', '--replicas=4').stdout).toBe('deployment.apps/web scaled\n');
    rolloutStatus();
    const list = pods();
    expect(list).toHaveLength(4);
    expect(list.every((p) => p.status.phase === 'Running')).toBe(true);
  });

  it('rolls out an image change to a new ReplicaSet and scales the old one to zero', () => {
    const before = kubectl('get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}').stdout;
    expect(kubectl('set', 'image', 'deployment/web', 'nginx=nginx:1.28').stdout).toBe('deployment.apps/web image updated\n');
    rolloutStatus();
    const sets = kubectl('get', 'rs', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}{"\\n"}{end}').stdout.trim().split('\n');
    expect(sets).toHaveLength(2);
    expect(sets).toContain(`${before} 0 1`);
    const next = sets.find((l) => !l.startsWith(`${before} `))!;
    expect(next).toMatch(/^web-\S+ 4 2$/);
    const list = pods();
    expect(list).toHaveLength(4);
    expect(list.every((p) => p.spec.containers[0]!.image === 'nginx:1.28' && p.metadata.name.startsWith(next.split(' ')[0]!))).toBe(true);
    const history = kubectl('rollout', 'history', 'deployment/web');
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
  });

  it('collects the ReplicaSets and pods of a deleted deployment, and the kubelet removes their volumes', async () => {
    const uids = pods().map((p) => p.metadata.uid);
    expect(kubectl('delete', 'deployment', 'web').stdout).toBe('deployment.apps "web" deleted\n');
    await until('the pods to go', () => pods().length === 0);
    expect(kubectl('get', 'rs', '-l', 'app=web', '-o', 'name').stdout).toBe('');
    await until('the volumes to go', () => !existsSync(join(root, 'pods')) || uids.every((u) => !readdirSync(join(root, 'pods')).includes(u)));
  });

  it('rolls out a StatefulSet (db-0, db-1 in order) and an image change to it', () => {
    const manifest = file(
      'sts.yaml',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 2\n  serviceName: db\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: postgres:16\n',
    );
    expect(kubectl('apply', '-f', manifest).stdout).toBe('statefulset.apps/db created\n');
    let r = kubectl('rollout', 'status', 'statefulset/db', '--timeout=40s');
    expect(r.status, r.stderr).toBe(0);
    // partition defaults to 0, so kubectl takes its partitioned branch, as against a cluster
    expect(r.stdout.trim().split('\n').at(-1)).toBe('partitioned roll out complete: 2 new pods have been updated...');
    expect(kubectl('get', 'pods', '-l', 'app=db', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.hostname}.{.spec.subdomain}{"\\n"}{end}').stdout).toBe('db-0 Running db-0.db\ndb-1 Running db-1.db\n');
    expect(kubectl('set', 'image', 'statefulset/db', 'db=postgres:17').status).toBe(0);
    r = kubectl('rollout', 'status', 'statefulset/db', '--timeout=40s');
    expect(r.status, r.stderr).toBe(0);
    expect(kubectl('get', 'pods', '-l', 'app=db', '-o', 'jsonpath={.items[*].spec.containers[0].image}').stdout).toBe('postgres:17 postgres:17');
    expect(kubectl('get', 'controllerrevisions', '-l', 'app=db', '-o', 'name').stdout.trim().split('\n')).toHaveLength(2);
  });

  it('rolls out a DaemonSet to the node', () => {
    const manifest = file(
      'ds.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: logs\nspec:\n  selector:\n    matchLabels:\n      app: logs\n  template:\n    metadata:\n      labels:\n        app: logs\n    spec:\n      containers:\n      - name: agent\n        image: fluent-bit:3\n',
    );
    expect(kubectl('apply', '-f', manifest).stdout).toBe('daemonset.apps/logs created\n');
    const r = kubectl('rollout', 'status', 'daemonset/logs', '--timeout=40s');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('daemon set "logs" successfully rolled out');
    expect(kubectl('get', 'ds', 'logs').stdout).toMatch(/\nlogs\s+1\s+1\s+1\s+1\s+1\s+<none>\s+\S+\n$/);
  });

  it('runs a Job to completion (kubectl wait --for=condition=complete)', () => {
    expect(kubectl('create', 'job', 'once', '--image=busybox', '--', 'true').stdout).toBe('job.batch/once created\n');
    const r = kubectl('wait', '--for=condition=complete', 'job/once', '--timeout=40s');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('job.batch/once condition met\n');
    expect(kubectl('get', 'job', 'once').stdout).toMatch(/\nonce\s+Complete\s+1\/1\s+\d+s\s+\d+s\n$/);
    expect(kubectl('get', 'pods', '-l', 'job-name=once', '-o', 'jsonpath={.items[*].status.phase}').stdout).toBe('Succeeded');
  });

  it('marks the node Unknown (NotReady, tainted unreachable) once its kubelet stops', async () => {
    agent.kill('SIGTERM');
    await until('the node to turn Unknown', () => nodeReady() === 'Unknown');
    const reason = kubectl('get', 'node', 'node-1', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}: {.status.conditions[?(@.type=="Ready")].message}');
    expect(reason.stdout).toBe('NodeStatusUnknown: Kubelet stopped posting node status.');
    expect(kubectl('get', 'nodes').stdout).toMatch(/\nnode-1\s+NotReady\s+<none>/);
    await until('the unreachable taints', () => {
      const taints = kubectl('get', 'node', 'node-1', '-o', 'jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}').stdout;
      return taints.includes('node.kubernetes.io/unreachable:NoSchedule') && taints.includes('node.kubernetes.io/unreachable:NoExecute');
    });
  });
});
