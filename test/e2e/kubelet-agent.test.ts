import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import { type Connection, loadKubeconfig } from '../../src/client/kubeconfig.js';
import { CLI, cleanup, run, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let admin: Connection;
let node: Connection;
let agent: ChildProcess;
let agentOut = '';
let agentErr = '';
let root: string;

const api = (conn: Connection, method: string, path: string, body?: unknown) => apiRequest(conn, method, path, body);

async function until<T>(what: string, fn: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent stderr:\n${agentErr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function review(token: string): Promise<{ authenticated?: boolean; error?: string; user?: { username: string; extra?: Record<string, string[]> } }> {
  const res = await api(admin, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
  expect(res.status).toBe(201);
  return res.json<{ status: never }>().status;
}

beforeAll(async () => {
  server = await startServer();
  admin = loadKubeconfig(server.kubeconfig);
  const home = join(server.dir, 'agent-home');
  mkdirSync(home, { recursive: true });
  const nodeKubeconfig = join(server.dir, 'node-1.kubeconfig');
  const env = { KUBECONFIG: server.kubeconfig, HOME: home };
  const made = run(process.execPath, [CLI, 'kubeconfig', '--user', 'system:node:node-1', '--group', 'system:nodes', '--out', nodeKubeconfig, '--keys-dir', join(server.dir, 'keys')], env);
  expect(made.status, made.stderr).toBe(0);
  node = loadKubeconfig(nodeKubeconfig);
  // the Node authorizer allows a node to list and watch exactly its own pods, and no one else's
  expect((await api(node, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1')).status).toBe(200);
  expect((await api(node, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-2')).status).toBe(403);
  expect((await api(node, 'GET', '/api/v1/pods')).status).toBe(403);
  root = join(server.dir, 'kubelet');
  agent = spawn(process.execPath, [CLI, 'kubelet', '--node', 'node-1', '--root', root, '--kubeconfig', nodeKubeconfig], { cwd: server.dir, env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  agent.stdout!.on('data', (c: Buffer) => (agentOut += c.toString()));
  agent.stderr!.on('data', (c: Buffer) => (agentErr += c.toString()));
  await until('the ready line', () => agentOut.includes('satoken kubelet ready: '));
});

afterAll(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await server?.stop();
  if (server) cleanup(server.dir);
});

describe('satoken kubelet, a real agent process against satoken serve, as system:node:node-1', () => {
  let podUid = '';
  let dir = '';
  let token = '';

  it('prints its ready line and registers its Node', async () => {
    expect(agentOut).toBe(`satoken kubelet ready: node node-1, root ${root} (server ${server.url})\n`);
    const n = await api(admin, 'GET', '/api/v1/nodes/node-1');
    expect(n.status).toBe(200);
    const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string] ?? process.arch;
    expect(n.json<{ metadata: { labels: Record<string, string> } }>().metadata.labels).toEqual({ 'beta.kubernetes.io/arch': arch, 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch, 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' });
  });

  it('writes the projected kube-api-access volume of a pod scheduled to its node, with a pod-bound token that authenticates', async () => {
    expect((await api(admin, 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'app' } })).status).toBe(201);
    const created = await api(admin, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'web' }, spec: { serviceAccountName: 'app', nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] } });
    expect(created.status).toBe(201);
    podUid = created.json<{ metadata: { uid: string } }>().metadata.uid;
    const projected = join(root, 'pods', podUid, 'volumes', 'kubernetes.io~projected');
    const volume = await until('the volume', () => existsSync(projected) && readdirSync(projected).find((v) => v.startsWith('kube-api-access-')));
    dir = join(projected, volume);
    token = await until('the token file', () => existsSync(join(dir, 'token')) && readFileSync(join(dir, 'token'), 'utf8'));
    expect(readFileSync(join(dir, 'namespace'), 'utf8')).toBe('default');
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(readFileSync(join(server.dir, 'keys', 'ca.crt'), 'utf8'));
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { 'kubernetes.io': { pod: { name: string; uid: string }; node: { name: string } } };
    expect(claims['kubernetes.io'].pod).toEqual({ name: 'web', uid: podUid });
    expect(claims['kubernetes.io'].node.name).toBe('node-1');
    const status = await review(token);
    expect(status.authenticated).toBe(true);
    expect(status.user!.username).toBe('system:serviceaccount:default:app');
    expect(status.user!.extra!['authentication.kubernetes.io/pod-uid']).toEqual([podUid]);
    expect(agentErr).toContain('"msg":"volume mounted"');
  });

  it('removes the files when the pod is deleted, and the token stops authenticating', async () => {
    expect((await api(admin, 'DELETE', '/api/v1/namespaces/default/pods/web')).status).toBe(200);
    await until('the pod directory to go', () => !existsSync(join(root, 'pods', podUid)));
    expect(existsSync(dir)).toBe(false);
    expect((await review(token)).error).toBe('[invalid bearer token, service account token has been invalidated]');
    expect(agentErr).toContain('"msg":"pod volumes removed"');
  });

  it('never logs a token, and stops cleanly on SIGTERM', async () => {
    expect(agentErr).not.toContain(token.split('.')[2]!);
    const code = await new Promise<number | null>((ok) => {
      agent.once('exit', (c) => ok(c));
      agent.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(agentErr).toContain('"msg":"kubelet stopped"');
  });
});

describe('the HTTP pod watch (list, watch, relist on ERROR 410, re-watch after a disconnect)', () => {
  it('follows a scripted server and emits every change once, deletions found by relisting included', async () => {
    const { createServer } = await import('node:http');
    const { RealClock } = await import('../../src/clock/index.js');
    const { httpKubeletApi } = await import('../../src/kubelet/http-api.js');
    const pod = (name: string, rv: string) => ({ metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: rv }, spec: { nodeName: 'node-1', containers: [] } });
    const requests: string[] = [];
    let lists = 0;
    let watches = 0;
    const fake = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      expect(url.searchParams.get('fieldSelector')).toBe('spec.nodeName=node-1');
      const line = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
      if (url.searchParams.get('watch') !== 'true') {
        requests.push('list');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(++lists === 1 ? { metadata: { resourceVersion: '5' }, items: [pod('a', '1')] } : { metadata: { resourceVersion: '10' }, items: [pod('b', '9')] }));
        return;
      }
      requests.push(`watch rv=${url.searchParams.get('resourceVersion')}`);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      if (++watches === 1) {
        line('MODIFIED', pod('a', '6'));
        line('ADDED', pod('b', '7'));
        line('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 5 (8)' });
      } else if (watches === 2) {
        line('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '11' } });
        setTimeout(() => res.socket?.destroy(), 20);
      } else line('DELETED', pod('b', '12'));
    });
    await new Promise<void>((ok) => fake.listen(0, '127.0.0.1', ok));
    const port = (fake.address() as { port: number }).port;
    const events: string[] = [];
    const api = httpKubeletApi({ conn: { server: `http://127.0.0.1:${port}` }, clock: new RealClock(), backoff: { initialMs: 20, maxMs: 100 } });
    const stop = await api.watchPods('node-1', {
      added: (p) => events.push(`added ${p.metadata.name}@${p.metadata.resourceVersion}`),
      modified: (p) => events.push(`modified ${p.metadata.name}@${p.metadata.resourceVersion}`),
      deleted: (p) => events.push(`deleted ${p.metadata.name}`),
    });
    try {
      await until('the scripted events', () => events.length >= 6, 5000);
      // as client-go's DeltaFIFO.Replace: the listed items first, then deletions of what the list lacks
      expect(events).toEqual(['added a@1', 'modified a@6', 'added b@7', 'modified b@9', 'deleted a', 'deleted b']);
      expect(requests).toEqual(['list', 'watch rv=5', 'list', 'watch rv=10', 'watch rv=11']);
    } finally {
      stop();
      fake.closeAllConnections();
      await new Promise((ok) => fake.close(ok));
    }
  });
});
