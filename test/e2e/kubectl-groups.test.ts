import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * kubectl 1.33 against `satoken serve` for the groups beside the identity ones (issue 14 items 1
 * and 5): discovery, RBAC on apps resources, the typed create commands (protobuf bodies), scale
 * through `/scale`, node status through `/status`, Tables per kind, and `get -w` rows.
 */
let server: ServerProcess;
let env: Record<string, string>;
const kubectl = (...args: string[]) => run('kubectl', args, env);

beforeAll(async () => {
  server = await startServer();
  env = kubectlEnv(server);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  cleanup(server.dir);
});

const file = (name: string, text: string) => {
  const p = join(server.dir, name);
  writeFileSync(p, text);
  return p;
};

describe('kubectl and the apps, batch, networking, policy and coordination groups', () => {
  it('lists the group-versions a 1.33 cluster serves for them, and no extensions', () => {
    const r = kubectl('api-versions');
    expect(r.stderr).toBe('');
    // testing.satoken.dev is satoken's own group (the cloud trust kinds), served like a CRD's group.
    expect(r.stdout).toBe(['apps/v1', 'authentication.k8s.io/v1', 'authorization.k8s.io/v1', 'batch/v1', 'coordination.k8s.io/v1', 'networking.k8s.io/v1', 'policy/v1', 'rbac.authorization.k8s.io/v1', 'testing.satoken.dev/v1alpha1', 'v1', ''].join('\n'));
  });

  it('lists the resources with their short names, and finds them by short name', () => {
    const r = kubectl('api-resources', '--api-group=apps');
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m);
    expect(kubectl('get', 'netpol').stderr).toBe('No resources found in default namespace.\n');
  });

  it('grants apps resources with a Role: create role --resource=deployments.apps, then can-i says yes', () => {
    expect(kubectl('create', 'role', 'dev', '--verb=get,list,watch', '--resource=deployments.apps,networkpolicies.networking.k8s.io')).toMatchObject({ status: 0, stdout: 'role.rbac.authorization.k8s.io/dev created\n' });
    expect(kubectl('create', 'rolebinding', 'dev', '--role=dev', '--user=dev-user')).toMatchObject({ status: 0 });
    expect(kubectl('auth', 'can-i', 'list', 'deployments.apps', '--as', 'dev-user')).toMatchObject({ status: 0, stdout: 'yes\n', stderr: '' });
    expect(kubectl('auth', 'can-i', 'list', 'networkpolicies', '--as', 'dev-user')).toMatchObject({ status: 0, stdout: 'yes\n' });
    expect(kubectl('auth', 'can-i', 'delete', 'deployments.apps', '--as', 'dev-user')).toMatchObject({ status: 1, stdout: 'no\n' });
  });

  it('creates a Deployment (a protobuf body), stores it at generation 1, and scales it through /scale', () => {
    expect(kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2')).toMatchObject({ status: 0, stdout: 'deployment.apps/web created\n', stderr: '' });
    const d = JSON.parse(kubectl('get', 'deploy', 'web', '-o', 'json').stdout);
    expect(d).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web', generation: 1, labels: { app: 'web' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } }, status: {} });
    expect(d.spec.template.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }]);
    expect(kubectl('scale', 'deployment', 'web', '--replicas=3')).toMatchObject({ status: 0, stdout: 'deployment.apps/web scaled\n' });
    const scaled = JSON.parse(kubectl('get', 'deploy', 'web', '-o', 'json').stdout);
    expect(scaled.spec.replicas).toBe(3);
    expect(scaled.metadata.generation).toBe(2);
    const scale = JSON.parse(kubectl('get', '--raw', '/apis/apps/v1/namespaces/default/deployments/web/scale').stdout);
    // the deployment controller creates the pods meanwhile; with no node they stay Pending, none available
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { selector: 'app=web' } });
    const table = kubectl('get', 'deploy', 'web', '-o', 'wide');
    expect(table.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\nweb\s+0\/3\s+\d\s+0\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web\n$/);
  });

  it('creates services, jobs, cron jobs, ingresses, PDBs and quotas with the typed create commands', () => {
    for (const [args, out] of [
      [['create', 'service', 'clusterip', 'web', '--tcp=80:8080'], 'service/web created\n'],
      [['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'], 'service/np created\n'],
      [['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi'], 'job.batch/once created\n'],
      [['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'echo', 'hi'], 'cronjob.batch/nightly created\n'],
      [['create', 'ingress', 'web', '--class=nginx', '--rule=a.example.com/=web:80'], 'ingress.networking.k8s.io/web created\n'],
      [['create', 'pdb', 'web', '--selector=app=web', '--min-available=1'], 'poddisruptionbudget.policy/web created\n'],
      [['create', 'quota', 'q', '--hard=pods=10,requests.cpu=2'], 'resourcequota/q created\n'],
    ] as const) {
      expect(kubectl(...args), args.join(' ')).toMatchObject({ status: 0, stdout: out, stderr: '' });
    }
    const svc = kubectl('get', 'svc', 'np');
    expect(svc.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nnp\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:30080\/TCP\s+\d+s\n$/);
    expect(kubectl('get', 'pdb', 'web').stdout).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+1\s+N\/A\s+0\s+\d+s\n$/);
    expect(kubectl('get', 'ingress', 'web').stdout).toMatch(/^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE\nweb\s+nginx\s+a\.example\.com\s+80\s+\d+s\n$/);
    // the job controller has started it (a DURATION since its startTime); no node runs its pod
    expect(kubectl('get', 'jobs').stdout).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nonce\s+Running\s+0\/1\s+\d+s\s+\d+s\n$/);
  });

  it('applies a NetworkPolicy and prints it as kubectl does against a cluster', () => {
    const np = file('np.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\nspec:\n  podSelector:\n    matchLabels:\n      app: db\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: web\n');
    expect(kubectl('apply', '-f', np)).toMatchObject({ status: 0, stdout: 'networkpolicy.networking.k8s.io/db created\n' });
    expect(kubectl('get', 'networkpolicies').stdout).toMatch(/^NAME\s+POD-SELECTOR\s+AGE\ndb\s+app=db\s+\d+s\n$/);
    expect(JSON.parse(kubectl('get', 'netpol', 'db', '-o', 'json').stdout).spec.policyTypes).toEqual(['Ingress']);
    const bad = file('bad.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - {}\n');
    const r = kubectl('apply', '-f', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('The NetworkPolicy "bad" is invalid: spec.ingress[0].from[0]: Required value: must specify a peer');
  });

  it('lists every workload kind across namespaces in one get', () => {
    const r = kubectl('get', 'deploy,sts,ds,jobs,cronjobs,svc,pvc', '-A');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndefault\s+deployment\.apps\/web\s+0\/3\s+\d\s+0\s+\d+s\n/);
    expect(r.stdout).toMatch(/\nNAMESPACE\s+NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\ndefault\s+cronjob\.batch\/nightly\s+0 3 \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s\n/);
    expect(r.stdout).toMatch(/\ndefault\s+service\/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s\n/);
  });

  it('reports a Node Ready once its status says so (nodes/status, as the kubelet writes it)', () => {
    const node = file('node.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\n');
    expect(kubectl('apply', '-f', node).status).toBe(0);
    expect(kubectl('get', 'nodes', 'node-9').stdout).toMatch(/\nnode-9\s+Unknown\s+<none>\s+\d+s\s+\n$/);
    const p = kubectl('patch', 'node', 'node-9', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.33.1"}}}');
    expect(p).toMatchObject({ status: 0, stdout: 'node/node-9 patched\n' });
    expect(kubectl('get', 'nodes', 'node-9').stdout).toMatch(/\nnode-9\s+Ready\s+<none>\s+\d+s\s+v1\.33\.1\n$/);
  });

  it('prints full rows for watch events with get -w (Tables with the columns sent once)', async () => {
    // only w1: the deployment's pods (Pending, no node) are there too
    const child = spawn('kubectl', ['get', 'pods', '-w', '-l', 'watch=w1'], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const until = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((ok) => setTimeout(ok, 50));
    };
    try {
      // the pod may show in the first list or as an ADDED event: a row either way
      const pod = file('w1.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: w1\n  labels:\n    watch: w1\nspec:\n  containers:\n  - name: app\n    image: busybox\n');
      expect(kubectl('apply', '-f', pod).status).toBe(0);
      await until(/\nw1\s+/);
      expect(kubectl('delete', 'pod', 'w1', '--wait=false').status).toBe(0);
      await until(/\nw1\s[^]*\nw1\s/);
    } finally {
      child.kill();
    }
    const lines = out.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('NAME'))).toHaveLength(1);
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    // one row when it appears, one for the DELETED event (satoken deletes at once, so no Terminating row)
    expect(lines.slice(1).map((l) => l.replace(/\d+s$/, 'Ns'))).toEqual(['w1     0/1     Pending   0          Ns', 'w1     0/1     Pending   0          Ns']);
  });
});
