/**
 * How the program sees its volumes: bind-mounted at their pod paths in a private mount
 * namespace (Linux; rootless through a user namespace when not root), or, where that is not
 * possible or `--token-dir` asks for it, in a plain directory that mirrors the pod paths and that
 * the environment names.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { setupError } from './errors.js';
import { MOUNT_SCRIPT } from './mount-script.js';
import type { VolumeMountPlan } from './volume-set.js';

export type Isolation =
  /** a private mount namespace; `rootless`: inside a user namespace that maps the caller to root */
  | { mode: 'mount-namespace'; rootless: boolean; unshare: string }
  /** a directory mirroring the pod paths; `reason` says why no namespace was used */
  | { mode: 'token-dir'; dir: string; reason: string };

/** What the isolation decision needs of the machine (fakes in tests). */
export interface IsolationProbe {
  platform: NodeJS.Platform;
  /** the effective uid (undefined off POSIX) */
  uid: number | undefined;
  /** where util-linux `unshare` is, if anywhere */
  unshare: string | undefined;
  /** runs `unshare ARGS...`; true when it exited 0 */
  run(file: string, args: string[]): { ok: boolean; stderr: string };
}

/** The probe of this machine. */
export function machineProbe(env: NodeJS.ProcessEnv = process.env): IsolationProbe {
  return {
    platform: process.platform,
    uid: typeof process.geteuid === 'function' ? process.geteuid() : undefined,
    unshare: findExecutable('unshare', env.PATH ?? '', process.cwd()) ?? (isExecutable('/usr/bin/unshare') ? '/usr/bin/unshare' : undefined),
    run(file, args) {
      const r = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
      return { ok: r.status === 0, stderr: (r.stderr ?? '').trim() };
    },
  };
}

/** `unshare`'s arguments for a namespace of the given kind. */
export function unshareArgs(rootless: boolean): string[] {
  return [...(rootless ? ['--user', '--map-root-user'] : []), '--mount', '--propagation', 'private'];
}

/**
 * Picks the isolation:
 * - `tokenDir` given: that directory;
 * - Linux with util-linux `unshare`: a mount namespace, as root directly (falling back to a
 *   user namespace if the plain one is refused, as in an unprivileged container), otherwise
 *   rootless through a user namespace; the probe mounts a tmpfs inside the namespace, so a
 *   namespace that cannot mount is not taken;
 * - otherwise a temporary directory, with the reason.
 * @example
 * chooseIsolation(undefined, machineProbe(), () => mkdtempSync('/tmp/rc-'));
 */
export function chooseIsolation(tokenDir: string | undefined, probe: IsolationProbe, tempDir: () => string): Isolation {
  if (tokenDir !== undefined) return { mode: 'token-dir', dir: resolve(tokenDir), reason: '--token-dir' };
  const fallback = (reason: string): Isolation => ({ mode: 'token-dir', dir: tempDir(), reason });
  if (probe.platform !== 'linux') return fallback(`mount namespaces are Linux's (this is ${probe.platform})`);
  if (!probe.unshare) return fallback('util-linux unshare was not found');
  const attempts = probe.uid === 0 ? [false, true] : [true];
  let why = '';
  for (const rootless of attempts) {
    const scratch = tempDir();
    try {
      const r = probe.run(probe.unshare, [...unshareArgs(rootless), '--', '/bin/sh', '-c', 'mount -t tmpfs satoken-probe "$1"', 'probe', scratch]);
      if (r.ok) return { mode: 'mount-namespace', rootless, unshare: probe.unshare };
      why = r.stderr.split('\n')[0] || 'unshare failed';
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return fallback(`no private mount namespace here (${why})`);
}

/**
 * The process to start: the program itself (token-dir), or `unshare` running the mount script
 * that bind-mounts each volume and then execs the program.
 * @example
 * launchSpec(isolation, mounts, stage, '/usr/bin/python3', ['app.py']); // { file: '/usr/bin/unshare', args: [...], handshake: true }
 */
export function launchSpec(isolation: Isolation, mounts: readonly VolumeMountPlan[], stageDir: string, program: string, args: readonly string[]): { file: string; args: string[]; handshake: boolean } {
  if (isolation.mode === 'token-dir') return { file: program, args: [...args], handshake: false };
  const mountArgs = mounts.flatMap((m) => [m.hostDir, m.mountPath, m.readOnly ? 'ro' : 'rw']);
  return {
    file: isolation.unshare,
    args: [...unshareArgs(isolation.rootless), '--', '/bin/sh', '-c', MOUNT_SCRIPT, 'satoken-reload-check', stageDir, String(mounts.length), ...mountArgs, '--', program, ...args],
    handshake: true,
  };
}

/**
 * The program's absolute path: a name with a slash is taken relative to `cwd`, a bare name is
 * looked up on `path` (as execvp does); a set-up error when it is not an executable file.
 * @example
 * resolveCommand('python3', process.env.PATH ?? '', process.cwd()); // '/usr/bin/python3'
 */
export function resolveCommand(command: string, path: string, cwd: string): string {
  if (command.includes('/')) {
    const full = isAbsolute(command) ? command : resolve(cwd, command);
    if (!isExecutable(full)) throw setupError(`command not found or not executable: ${command}`);
    return full;
  }
  const found = findExecutable(command, path, cwd);
  if (!found) throw setupError(`command not found: ${command}`);
  return found;
}

function findExecutable(name: string, path: string, cwd: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    const full = resolve(cwd, dir || '.', name);
    if (isExecutable(full)) return full;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A new private temporary directory for one check. */
export function checkTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'satoken-reload-check-'));
}
