import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReloadCheckResult } from '../../src/reload-check/result.js';
import { PYTHON, requirePythonModules } from '../helpers/real-clients.js';
import { CLI, cleanup, startServer, type ServerProcess } from '../helpers/server-process.js';

// `satoken reload-check` end to end: the built CLI against `satoken serve`, with real programs.
// Windows are shorter than the defaults except for the Python client, which re-reads its token
// once a minute (kubernetes/config/incluster_config.py, _token_refresh_period).
const FIXTURES = join(__dirname, '..', 'reload-check', 'fixtures');
const NODE_CLIENT = join(FIXTURES, 'in-cluster-client.mjs');

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking the event loop; killed after `timeoutMs`. */
function satoken(args: string[], env: Record<string, string>, timeoutMs = 60_000, wrap: string[] = []): Promise<CliRun> {
  return new Promise((ok) => {
    const [file, ...pre] = wrap.length ? wrap : [process.execPath];
    const child = spawn(file!, [...pre, ...(wrap.length ? [process.execPath] : []), CLI, 'reload-check', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      ok({ status, stdout, stderr });
    });
  });
}

let server: ServerProcess;
let env: Record<string, string>;
beforeAll(async () => {
  requirePythonModules(['kubernetes.client']);
  server = await startServer();
  env = { KUBECONFIG: server.kubeconfig, HOME: join(server.dir, 'home') };
});
afterAll(async () => {
  await server?.stop();
  if (server) cleanup(server.dir);
});

const FAST = ['--warmup', '1s', '--window', '2s', '--rotations', '1'];

describe('satoken reload-check against satoken serve', () => {
  it('passes the kubernetes Python client (load_incluster_config, unmodified) through a rotation and an invalidation', async () => {
    const r = await satoken(['--warmup', '2s', '--window', '70s', '--rotations', '1', '-o', 'json', '--', PYTHON, join(FIXTURES, 'in_cluster_python.py')], env, 150_000);
    expect(r.stderr).toContain('[program] kubernetes 22.6.0 in-cluster');
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ReloadCheckResult;
    expect(result.verdict).toBe('PASS');
    expect(result.isolation).toMatchObject({ mode: 'mount-namespace', mounts: ['/var/run/secrets/kubernetes.io/serviceaccount'] });
    // the client read token 0, re-read the file within its minute and used token 1 before token 0 died
    const [g0, g1] = result.generations;
    expect(g0!.requests.length).toBeGreaterThan(0);
    expect(g1!.requests.length).toBeGreaterThan(0);
    expect(g1!.requests.every((q) => q.code === 201 && q.requestURI === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && q.userAgent?.startsWith('OpenAPI-Generator/22.6.0/python'))).toBe(true);
    expect(result.rotations[0]).toMatchObject({ rotation: 1, staleRequests: [], passed: true });
    expect(result.rotations[0]!.firstUseOfNewToken!.offsetMs).toBeLessThan(result.rotations[0]!.invalidatedOffsetMs!);
    expect(result.rejectedRequests).toEqual([]);
  }, 160_000);

  it('fails a program that reads its token once, exit 1, naming the stale token and the first rejected request', async () => {
    const r = await satoken([...FAST, '--', process.execPath, NODE_CLIENT], { ...env, MODE: 'naive' });
    expect(r.status, r.stderr).toBe(1);
    // the program's own output, prefixed
    expect(r.stdout).toContain('[program] GET /api 200');
    expect(r.stdout).toContain('[program] GET /api 401');
    const jti0 = /token 0 written \(jti ([0-9a-f-]{36})\)/.exec(r.stdout)?.[1];
    expect(jti0).toBeDefined();
    expect(r.stdout).toMatch(new RegExp(`invalidation 1: token 0 \\(jti ${jti0}\\) invalidated, pod reload-check-[0-9a-f]{5}-0 deleted; last used \\+\\d+\\.\\ds`));
    expect(r.stdout).toMatch(/ {2}request with invalidated token 0: get \/api → 401/);
    expect(r.stdout).toMatch(new RegExp(`\\nFAIL: rotation 1: the program kept using token 0 \\(jti ${jti0}\\) after it was invalidated at \\+\\d+\\.\\ds; first request with it after that: \\+\\d+\\.\\ds get /api → 401, rejected\\n$`));
    // never the token itself
    expect(r.stdout + r.stderr).not.toMatch(/eyJ[\w-]+\.eyJ/);
  }, 60_000);

  it('says the same in -o json: failure kind, rotation, stale token by jti, first stale request', async () => {
    const r = await satoken([...FAST, '-o', 'json', '--', process.execPath, NODE_CLIENT], { ...env, MODE: 'naive' });
    expect(r.status, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as ReloadCheckResult;
    expect(result.verdict).toBe('FAIL');
    expect(result.failure).toMatchObject({ kind: 'stale-token', rotation: 1, staleToken: { generation: 0, jti: result.generations[0]!.tokens[0]!.jti }, firstStaleRequest: { verb: 'get', requestURI: '/api', code: 401, token: 0 } });
    expect(result.failure!.firstStaleRequest!.offsetMs).toBeGreaterThanOrEqual(result.generations[0]!.invalidatedOffsetMs! - 100);
    expect(result.generations[1]!.requests).toEqual([]);
    expect(result.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['token-written', 'started', 'first-request', 'rotation', 'invalidation', 'stale-request', 'stopped', 'ended']));
    // -o json keeps standard output for the JSON: the program's lines went to standard error
    expect(r.stderr).toContain('[program] GET /api 401');
  }, 60_000);

  it('passes a program that re-reads the file before each request, with two rotations', async () => {
    const r = await satoken(['--warmup', '1s', '--window', '2s', '--rotations', '2', '-o', 'json', '--', process.execPath, NODE_CLIENT], { ...env, MODE: 'reread' });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ReloadCheckResult;
    expect(result.verdict).toBe('PASS');
    expect(result.rotations.map((x) => [x.rotation, x.passed, x.staleRequests.length])).toEqual([
      [1, true, 0],
      [2, true, 0],
    ]);
    expect(result.generations.map((g) => g.requests.length > 0)).toEqual([true, true, true]);
    // one pod per generation, each deleted in turn, the last one at the end
    expect(new Set(result.generations.map((g) => g.pod.uid)).size).toBe(3);
  }, 60_000);

  it('fails a program that makes no request at all, and says so', async () => {
    const r = await satoken(['--warmup', '1s', '--window', '1s', '--rotations', '1', '--', 'sleep', '30'], env);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\nFAIL: the program made no request at all \(it ran until the check stopped it\); does it use the in-cluster configuration\?\n$/);
  }, 60_000);

  it('fails a program that ends before the rotations are done', async () => {
    const r = await satoken(['--warmup', '1s', '--window', '2s', '--rotations', '2', '-o', 'json', '--', process.execPath, '--input-type=module', '-e', `setTimeout(() => process.exit(3), 1500); await import(${JSON.stringify(NODE_CLIENT)});`], { ...env, MODE: 'reread' });
    expect(r.status, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as ReloadCheckResult;
    expect(result.failure?.kind).toBe('exited-early');
    expect(result.program).toMatchObject({ exitCode: 3, stoppedByCheck: false });
    expect(result.summary).toMatch(/^the program exited with code 3 at \+\d+\.\ds, before rotation 1 of 2 could be judged/);
  }, 60_000);

  it('writes --token-dir volumes under the directory at their pod paths and names it in SATOKEN_TOKEN_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-token-dir-'));
    try {
      const r = await satoken([...FAST, '--token-dir', dir, '-o', 'json', '--', process.execPath, NODE_CLIENT], { ...env, MODE: 'reread' });
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as ReloadCheckResult;
      expect(result.isolation).toEqual({ mode: 'token-dir', dir, reason: '--token-dir', mounts: ['/var/run/secrets/kubernetes.io/serviceaccount'] });
      const sa = join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
      // the kubelet's layout: the visible names are links through ..data
      expect(readdirSync(sa).sort()).toEqual(expect.arrayContaining(['..data', 'ca.crt', 'namespace', 'token']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('projects an extra audience at --path, bound to the same pod, rotated with it', async () => {
    const path = '/var/run/secrets/eks.amazonaws.com/serviceaccount/token';
    const show = `const c = JSON.parse(Buffer.from(require('fs').readFileSync(${JSON.stringify(path)}, 'utf8').split('.')[1], 'base64url')); console.log('aud=' + c.aud.join(',') + ' pod=' + c['kubernetes.io'].pod.name); setTimeout(() => {}, 60000)`;
    const r = await satoken(['--warmup', '1s', '--window', '1s', '--rotations', '1', '--audience', 'sts.amazonaws.com', '--path', path, '-o', 'json', '--', process.execPath, '-e', show], env);
    const result = JSON.parse(r.stdout) as ReloadCheckResult;
    // in the container's order: the pod's own mount, then the one admission added
    expect(result.isolation.mounts).toEqual(['/var/run/secrets/eks.amazonaws.com/serviceaccount', '/var/run/secrets/kubernetes.io/serviceaccount']);
    expect(result.generations[0]!.tokens.map((t) => [t.path, t.audiences])).toEqual([
      // no audience asked: the API server's, as the TokenRequest answered
      ['/var/run/secrets/kubernetes.io/serviceaccount/token', ['https://kubernetes.default.svc.cluster.local']],
      [path, ['sts.amazonaws.com']],
    ]);
    expect(r.stderr).toContain(`[program] aud=sts.amazonaws.com pod=${result.generations[0]!.pod.name}`);
    // the program made no API request: a FAIL that says so
    expect(result.failure?.kind).toBe('no-requests');
  }, 60_000);

  it('leaves the host untouched: no /var/run/secrets outside the namespace, the volume read-only inside it', async () => {
    const before = existsSync('/run/secrets');
    const probe = "const fs = require('fs'); try { fs.writeFileSync('/var/run/secrets/kubernetes.io/serviceaccount/x', 'x'); console.log('writable'); } catch (e) { console.log(e.code); } setTimeout(() => {}, 60000)";
    const r = await satoken(['--warmup', '1s', '--window', '1s', '--rotations', '1', '--', process.execPath, '-e', probe], env);
    expect(r.stdout).toContain('[program] EROFS');
    expect(existsSync('/run/secrets')).toBe(before);
  }, 60_000);

  it('runs rootless through a user namespace when not root', async () => {
    if (!existsSync('/usr/bin/setpriv') || process.getuid?.() !== 0) return expect.fail('needs root and setpriv to run the check as nobody');
    // a kubeconfig and HOME nobody can read
    const home = mkdtempSync(join(tmpdir(), 'rc-nobody-'));
    chmodSync(home, 0o777);
    copyFileSync(server.kubeconfig, join(home, 'kubeconfig'));
    chmodSync(join(home, 'kubeconfig'), 0o644);
    try {
      const r = await satoken([...FAST, '-o', 'json', '--', process.execPath, NODE_CLIENT], { KUBECONFIG: join(home, 'kubeconfig'), HOME: home, MODE: 'naive' }, 60_000, ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']);
      expect(r.status, r.stderr).toBe(1);
      const result = JSON.parse(r.stdout) as ReloadCheckResult;
      expect(result.isolation).toMatchObject({ mode: 'mount-namespace', rootless: true });
      expect(result.failure?.kind).toBe('stale-token');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('satoken reload-check set-up errors: exit 2, one line', () => {
  it('no server', async () => {
    const r = await satoken(['--server', 'https://127.0.0.1:1', '--insecure-skip-tls-verify', '--', 'sleep', '1'], { HOME: tmpdir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: cannot reach the server at https://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n');
    expect(r.stdout).toBe('');
  });

  it('no kubeconfig at all', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'rc-empty-'));
    try {
      const r = await satoken(['--', 'sleep', '1'], { HOME: empty, KUBECONFIG: '' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('error: no server found: pass --server or --kubeconfig, set KUBECONFIG, or run `satoken serve` here first (it writes .satoken/kubeconfig)\n');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('command not found', async () => {
    const r = await satoken(['--', 'no-such-program-xyz'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: command not found: no-such-program-xyz\n');
  });

  it('a plain-HTTP server: in-cluster clients speak HTTPS only', async () => {
    const r = await satoken(['--server', 'http://127.0.0.1:1', '--', 'sleep', '1'], { HOME: tmpdir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: in-cluster clients speak HTTPS only, and http://127.0.0.1:1 is plain HTTP: run satoken serve without --http\n');
  });

  it.each([
    [['--window', '0s'], 'error: --window must be positive, got 0s\n'],
    [['--warmup', '5x'], 'error: invalid argument "5x" for "--warmup" flag: time: unknown unit "x" in duration "5x"\n'],
    [['--rotations', '0'], 'error: rotations must be an integer from 1 to 100, got 0\n'],
    [['--audience', 'sts.amazonaws.com'], 'error: each --audience needs its --path (the token file in the pod), got 1 --audience and 0 --path\n'],
    [['--audience', 'a', '--path', 'relative/token'], 'error: projection 1: the path must be absolute (where the program reads the token), got "relative/token"\n'],
    [['-o', 'yaml'], 'error: unknown output format "yaml": only json\n'],
  ])('usage: %j', async (flags, message) => {
    const r = await satoken([...flags, '--', 'sleep', '1'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(message);
  });

  it('credentials that may not read the recorder', async () => {
    // a service account's token: authenticated, but not cluster-admin
    const token = spawnSync(process.execPath, [CLI, 'create', 'token', 'default'], { env: { ...process.env, ...env }, encoding: 'utf8' }).stdout.trim();
    const kc = join(server.dir, 'sa-kubeconfig');
    writeFileSync(kc, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: ${JSON.stringify(server.url)}, certificate-authority: ${JSON.stringify(join(server.dir, 'keys', 'ca.crt'))}}}]\nusers: [{name: u, user: {token: ${JSON.stringify(token)}}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    const r = await satoken(['--kubeconfig', kc, '--', 'sleep', '1'], { HOME: tmpdir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: these credentials may not read the server's request recorder \(\/debug\/audit\/events answered 403: .*\): run the check with the admin kubeconfig satoken serve wrote\n$/);
  });
});
