import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface ServerProcess {
  url: string;
  kubeconfig: string;
  dir: string;
  child: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the built `satoken serve` on a free port with its own data and keys directories. */
export async function startServer(args: string[] = [], dir = mkdtempSync(join(tmpdir(), 'satoken-e2e-'))): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--secure-port', '0', '--data-dir', join(dir, 'data'), '--keys-dir', join(dir, 'keys'), '--log-level', 'warn', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const ready = await new Promise<string>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`server not ready in 20 s: ${err}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('satoken ready: '));
      if (line) {
        clearTimeout(t);
        ok(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      fail(new Error(`server exited with ${code}: ${err}`));
    });
  });
  const m = /^satoken ready: (\S+) \(kubeconfig: (.+)\)$/.exec(ready)!;
  return {
    url: m[1]!,
    kubeconfig: m[2]!,
    dir,
    child,
    stderr: () => err,
    stop: (signal = 'SIGTERM') =>
      new Promise((ok) => {
        if (child.exitCode !== null || child.signalCode !== null) return ok(child.exitCode);
        child.once('exit', (code) => ok(code));
        child.kill(signal);
      }),
  };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with its own HOME and kubectl cache, so runs never share discovery caches. */
export function run(cmd: string, args: string[], env: Record<string, string>, input?: string): Run {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function kubectlEnv(server: ServerProcess): Record<string, string> {
  const home = join(server.dir, 'home');
  return { KUBECONFIG: server.kubeconfig, HOME: home, KUBECACHEDIR: join(home, '.kube', 'cache'), KUBECTL_COMMAND_HEADERS: 'false' };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
