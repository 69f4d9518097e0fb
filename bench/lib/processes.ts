/**
 * Child processes for the HTTP and start-up benchmarks: the built `satoken serve`, and baseline
 * servers written as plain JavaScript so that no loader stands between them and node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const READY_TIMEOUT_MS = 20_000;

/** A plain node:http server answering every POST with a small JSON body (the framework-free ceiling). */
export const PLAIN_HTTP_SERVER = `
import { createServer } from 'node:http';
const s = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const out = JSON.stringify({ kind: 'TokenReview', spec: body.spec ?? {}, status: { authenticated: true } });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
s.listen(0, '127.0.0.1', () => console.log('ready http://127.0.0.1:' + s.address().port));
process.on('SIGTERM', () => s.close(() => process.exit(0)));
`;

/**
 * The express baseline: express 5, \`express.json()\`, one POST route echoing the spec with a
 * status of the size a TokenReview answer has.
 */
export const EXPRESS_JSON_SERVER = `
import express from 'express';
const app = express();
app.disable('x-powered-by');
app.disable('etag');
const user = { username: 'system:serviceaccount:default:bench', uid: '0b5e1e5c-6e5e-4d2a-9c1e-6a1f0e4a2b3c', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] };
app.post('/echo', express.json({ limit: '3mb' }), (req, res) => {
  res.status(201).json({ kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: req.body.spec, status: { authenticated: true, user, audiences: ['https://kubernetes.default.svc.cluster.local'] } });
});
const s = app.listen(0, '127.0.0.1', () => console.log('ready http://127.0.0.1:' + s.address().port));
process.on('SIGTERM', () => s.close(() => process.exit(0)));
`;

export interface Child {
  child: ChildProcess;
  pid: number;
  /** the URL from the ready line */
  url: string;
  /** milliseconds from spawn to the ready line */
  readyMs: number;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Spawns a process and waits for a stdout line matching `ready` (group 1: the URL).
 * `stderrFile`: send stderr to this file instead of a pipe (for the logging benchmark).
 */
export async function spawnUntilReady(args: string[], ready: RegExp, opts: { cwd?: string; stderrFile?: string } = {}): Promise<Child> {
  const errFd = opts.stderrFile ? openSync(opts.stderrFile, 'a') : undefined;
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', errFd ?? 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const { url, readyMs } = await new Promise<{ url: string; readyMs: number }>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`not ready in ${READY_TIMEOUT_MS} ms: ${args.join(' ')}\n${err}`));
    }, READY_TIMEOUT_MS);
    child.stdout!.on('data', (c: Buffer) => {
      const readyAt = performance.now();
      out += c.toString();
      const m = out.split('\n').map((l) => ready.exec(l)).find(Boolean);
      if (m) {
        clearTimeout(timer);
        ok({ url: m[1]!, readyMs: readyAt - t0 });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code} before ready: ${args.join(' ')}\n${err}`));
    });
  });
  child.stdout!.resume();
  return {
    child,
    pid: child.pid!,
    url,
    readyMs,
    stderr: () => err,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null || child.signalCode !== null) return ok();
        const kill = setTimeout(() => child.kill('SIGKILL'), 6000);
        child.once('exit', () => {
          clearTimeout(kill);
          ok();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** A node process running an inline ES module that prints `ready <url>`. */
export function startInline(source: string): Promise<Child> {
  return spawnUntilReady(['--input-type=module', '-e', source], /^ready (\S+)/);
}

export interface SatokenServer extends Child {
  /** the admin's bearer token, from the kubeconfig `serve` wrote */
  adminToken: string;
  dir: string;
}

/** A fresh directory for a server's data and keys. */
export function scratchDir(prefix = 'satoken-bench-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * `satoken serve` from dist/ on a free port, with its data and keys under `dir` (reused when
 * given: keys exist then). Extra flags follow the defaults (`--http`, `--log-level`...).
 */
export async function startSatoken(flags: string[], opts: { dir?: string; stderrFile?: string } = {}): Promise<SatokenServer> {
  const dir = opts.dir ?? scratchDir();
  mkdirSync(dir, { recursive: true });
  const args = [CLI, 'serve', '--secure-port', '0', '--data-dir', join(dir, 'data'), '--keys-dir', join(dir, 'keys'), ...flags];
  const c = await spawnUntilReady(args, /^satoken ready: (\S+) \(kubeconfig: .+\)$/, { cwd: dir, ...(opts.stderrFile ? { stderrFile: opts.stderrFile } : {}) });
  const kubeconfig = readFileSync(join(dir, 'data', 'kubeconfig'), 'utf8');
  const adminToken = /^\s*token:\s*(\S+)\s*$/m.exec(kubeconfig)?.[1];
  if (!adminToken) throw new Error('no admin token in the kubeconfig');
  return { ...c, adminToken, dir };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** CPU seconds (user + system, all threads) a live process has used so far, from /proc. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** USER_HZ; 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** The newest modification time of the files under a directory (recursively). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Why dist/ cannot be trusted for this run, or undefined when it is built and newer than src/. */
export function distProblem(): string | undefined {
  if (!existsSync(CLI)) return 'dist/cli/main.js is missing: run `npm run build` first';
  if (newestMtime(join(ROOT, 'src')) > statSync(CLI).mtimeMs) return 'src/ changed after the last build: figures from dist/ may be stale (run `npm run build`)';
  return undefined;
}
