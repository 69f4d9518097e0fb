import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cleanup, run, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let agent: ChildProcess;
let agentErr = '';

interface Line {
  level: number;
  msg: string;
  failures?: number;
  downForMs?: number;
  err?: string;
}
const lines = (): Line[] =>
  agentErr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

async function until(what: string, fn: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent stderr:\n${agentErr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await startServer();
  const home = join(server.dir, 'agent-home');
  mkdirSync(home, { recursive: true });
  const nodeKubeconfig = join(server.dir, 'node-1.kubeconfig');
  const made = run(process.execPath, [CLI, 'kubeconfig', '--user', 'system:node:node-1', '--group', 'system:nodes', '--out', nodeKubeconfig, '--keys-dir', join(server.dir, 'keys')], { KUBECONFIG: server.kubeconfig, HOME: home });
  expect(made.status, made.stderr).toBe(0);
  agent = spawn(process.execPath, [CLI, 'kubelet', '--node', 'node-1', '--root', join(server.dir, 'kubelet'), '--kubeconfig', nodeKubeconfig], { cwd: server.dir, env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  agent.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  agent.stderr!.on('data', (c: Buffer) => (agentErr += c.toString()));
  await until('the ready line', () => out.includes('satoken kubelet ready: '));
});

afterAll(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await server?.stop();
  if (server) cleanup(server.dir);
});

describe('satoken kubelet while its server is away', () => {
  it('logs the watch failure once per outage, not on every retry, and logs when it recovers', async () => {
    const port = new URL(server.url).port;
    expect(await server.stop()).toBe(0);
    // retries at about 0, 1, 3 and 7 s: wait for the third failed attempt (a debug line, not logged)
    await until('the first failure', () => lines().some((l) => l.msg.startsWith('pod watch failed')));
    await new Promise((r) => setTimeout(r, 3500));
    server = await startServer(['--secure-port', port], server.dir);
    await until('the recovery line', () => lines().some((l) => l.msg === 'pod watch recovered'), 40_000);
    const failures = lines().filter((l) => /^pod (watch|relist) (failed|refused)/.test(l.msg));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 40, msg: 'pod watch failed; retrying with backoff, logged again when it recovers' });
    expect(failures[0]!.err).toMatch(/ECONNREFUSED/);
    const recovered = lines().filter((l) => l.msg === 'pod watch recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.level).toBe(30);
    expect(recovered[0]!.failures).toBeGreaterThanOrEqual(3);
    expect(recovered[0]!.downForMs).toBeGreaterThanOrEqual(3000);
  }, 60_000);
});
