/**
 * The program under check as a child process: started in its own process group, its output
 * handed on line by line, stopped within a bound (SIGTERM to the group, SIGKILL after the grace).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Clock } from '../clock/index.js';
import { setupError } from './errors.js';
import { MOUNT_SCRIPT_FAILED } from './mount-script.js';

/** How the program ended, and when (check clock milliseconds). */
export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  /** the check stopped it at the end (rather than the program ending on its own) */
  stoppedByCheck: boolean;
}

export interface ProgramStart {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** wait for the mount script's `ready` on file descriptor 3 before counting the program as started */
  handshake: boolean;
  onOutput: (line: string, stream: 'stdout' | 'stderr') => void;
  clock: Clock;
}

/** Lines of a stream, the last one even without a newline. */
function lines(stream: Readable | null, each: (line: string) => void): void {
  if (!stream) return;
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      each(buf.slice(0, nl).replace(/\r$/, ''));
      buf = buf.slice(nl + 1);
    }
    // a program that prints without newlines does not grow this without bound
    if (buf.length > 64 * 1024) {
      each(buf);
      buf = '';
    }
  });
  stream.on('end', () => {
    if (buf) each(buf);
    buf = '';
  });
}

/**
 * A started program.
 * @example
 * const p = await ProgramProcess.start({ file: '/usr/bin/python3', args: ['app.py'], env, handshake: false, onOutput, clock });
 * const exit = await p.stop(5000);
 */
export class ProgramProcess {
  /** resolves when the program's process has ended */
  readonly exited: Promise<ProgramExit>;
  private ended: ProgramExit | undefined;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly clock: Clock,
    closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ) {
    this.exited = closed.then(({ code, signal }) => (this.ended = { code, signal, at: this.clock.now(), stoppedByCheck: this.stopping }));
  }

  /** How it ended, once it has. */
  get exit(): ProgramExit | undefined {
    return this.ended;
  }

  /**
   * Spawns the program; with a handshake, resolves once the mount script said `ready` (a
   * script failure is a set-up error carrying its message).
   */
  static async start(s: ProgramStart): Promise<ProgramProcess> {
    const child = spawn(s.file, s.args, { env: s.env, detached: true, stdio: ['ignore', 'pipe', 'pipe', ...(s.handshake ? (['pipe'] as const) : [])] });
    const setupLines: string[] = [];
    lines(child.stdout, (l) => s.onOutput(l, 'stdout'));
    lines(child.stderr, (l) => {
      if (l.startsWith('satoken reload-check: ')) setupLines.push(l.slice('satoken reload-check: '.length));
      else s.onOutput(l, 'stderr');
    });
    // 'exit', not 'close': a background child that keeps the pipes open does not hide the exit
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
    const spawned = new Promise<void>((ok, fail) => {
      child.once('spawn', () => ok());
      child.once('error', (e: NodeJS.ErrnoException) => fail(setupError(`cannot start ${s.file}: ${e.code === 'ENOENT' ? 'not found' : e.message}`, e)));
    });
    await spawned;
    const p = new ProgramProcess(child, s.clock, closed);
    if (!s.handshake) return p;
    const fd3 = child.stdio[3] as Readable | null;
    const ready = new Promise<boolean>((ok) => {
      let seen = false;
      lines(fd3, (l) => {
        if (l === 'ready' && !seen) {
          seen = true;
          ok(true);
        }
      });
      fd3?.once('close', () => ok(seen));
    });
    const outcome = await Promise.race([ready.then((r) => (r ? 'ready' : 'closed')), p.exited.then(() => 'exited' as const)]);
    if (outcome === 'ready') return p;
    const exit = await p.exited;
    if (exit.code === MOUNT_SCRIPT_FAILED && setupLines.length) throw setupError(`setting up the program's mount namespace: ${setupLines.join('; ')}`);
    if (outcome === 'closed' && !p.ended) return p;
    throw setupError(`the program's mount namespace could not be set up (exit ${exit.code ?? exit.signal}${setupLines.length ? `: ${setupLines.join('; ')}` : ''})`);
  }

  /**
   * Ends the program: SIGTERM to its process group, SIGKILL after `graceMs`; resolves with how it
   * ended (at once if it already had, after killing what it left in its group).
   */
  async stop(graceMs: number): Promise<ProgramExit> {
    if (this.ended) {
      // what it left running in its group goes too
      this.signal('SIGKILL');
      return this.ended;
    }
    this.stopping = true;
    this.signal('SIGTERM');
    const timer = this.clock.setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      this.clock.clearTimeout(timer);
      this.signal('SIGKILL');
    }
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // no such group: everything in it has ended
      if (!this.ended) this.child.kill(sig);
    }
  }
}
