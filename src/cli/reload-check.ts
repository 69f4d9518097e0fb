/**
 * `satoken reload-check [connection flags] [options] -- COMMAND [ARGS...]`: runs a program as if
 * in a pod against a running satoken server, rotates and invalidates its projected tokens, and
 * judges from the server's request recorder whether it picked the new ones up
 * (src/reload-check/ does the work). Exit 0 PASS, 1 FAIL, 2 usage or set-up error.
 */
import type { Command } from 'commander';
import { RealClock } from '../clock/index.js';
import { DEFAULT_ROTATIONS, DEFAULT_SERVICE_ACCOUNT, type TokenProjection } from '../reload-check/options.js';
import type { CheckProgress } from '../reload-check/run-check.js';
import { connectionOptions, resolveConnection, type ConnectionFlags } from './connection.js';
import { CliError } from './create-token.js';
import { parseGoDuration } from '../util/go-duration.js';
import { terminalProgress } from './progress.js';

const collect = (v: string, prev: string[]) => [...prev, v];

interface ReloadCheckFlags extends ConnectionFlags {
  serviceAccount: string;
  warmup: string;
  window: string;
  rotations: string;
  audience: string[];
  path: string[];
  tokenDir?: string;
  output?: string;
}

/** A Go duration flag as milliseconds: positive, whole milliseconds. */
function durationFlag(name: string, v: string): number {
  let ns: bigint;
  try {
    ns = parseGoDuration(v);
  } catch (e) {
    throw new CliError(`invalid argument "${v}" for "--${name}" flag: ${(e as Error).message}`, 2);
  }
  if (ns <= 0n) throw new CliError(`--${name} must be positive, got ${v}`, 2);
  if (ns % 1_000_000n !== 0n) throw new CliError(`--${name} cannot be expressed in units less than milliseconds`, 2);
  return Number(ns / 1_000_000n);
}

/** `--audience A --path P`, paired in order. */
function projectionsOf(f: ReloadCheckFlags): TokenProjection[] {
  if (f.audience.length !== f.path.length) throw new CliError(`each --audience needs its --path (the token file in the pod), got ${f.audience.length} --audience and ${f.path.length} --path`, 2);
  return f.audience.map((audience, i) => ({ audience, path: f.path[i]! }));
}

/** The one line the terminal shows while the check runs. */
export function progressLabel(p: CheckProgress, now: number, rotations: number): string {
  const left = p.until === undefined ? '' : `${Math.max(0, Math.ceil((p.until - now) / 1000))}s`;
  const phase =
    p.phase === 'warmup' ? `rotation ${p.rotation}/${rotations} in ${left}`
    : p.phase === 'window' ? `rotation ${p.rotation}/${rotations}: token ${(p.rotation ?? 1) - 1} invalidated in ${left}`
    : p.phase === 'watching' ? `watching after the last invalidation, ${left} left`
    : p.phase === 'stopping' ? 'stopping the program'
    : p.phase === 'judging' ? 'reading the last requests'
    : 'setting up the pod';
  const counts = `${p.requests} request${p.requests === 1 ? '' : 's'}${p.lastToken !== undefined ? ` (last with token ${p.lastToken})` : ''}${p.rejected ? `, ${p.rejected} rejected` : ''}`;
  return `${phase} · ${counts}`;
}

/**
 * Registers `satoken reload-check`.
 * @example
 * registerReloadCheckCommand(program); // satoken reload-check -- python3 app.py
 */
export function registerReloadCheckCommand(program: Command): void {
  connectionOptions(
    program
      .command('reload-check')
      .argument('<command>', 'the program to run (after --)')
      .argument('[args...]', 'its arguments')
      .description('run a program as if in a pod, rotate and invalidate its projected token, and judge whether it reloads it (exit 0 PASS, 1 FAIL, 2 set-up error)')
      .option('-n, --namespace <ns>', 'namespace of the pod (default: the context\'s, else "default"; created if missing)')
      .option('--service-account <name>', 'service account the program runs as (created if missing)', DEFAULT_SERVICE_ACCOUNT)
      .option('--warmup <duration>', 'time before the first rotation, and watched after each invalidation', '10s')
      .option('--window <duration>', 'how long a rotated-out token stays valid before it is invalidated (the guideline: a re-read at least once a minute)', '1m30s')
      .option('--rotations <n>', 'how many rotations', String(DEFAULT_ROTATIONS))
      .option('--audience <aud>', 'an extra projected token for this audience, e.g. sts.amazonaws.com (repeatable; pairs with --path)', collect, [])
      .option('--path <file>', 'where the program reads that token, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token', collect, [])
      .option('--token-dir <dir>', 'write the volumes under DIR (mirroring their pod paths; $SATOKEN_TOKEN_DIR names it) instead of bind-mounting them in a private mount namespace')
      .option('-o, --output <format>', 'json: the result for scripts (the program\'s output then goes to standard error)'),
  )
    .addHelpText(
      'after',
      `
On Linux the program runs in a private mount namespace (a user namespace too when not root) with
its volumes bind-mounted at /var/run/secrets/kubernetes.io/serviceaccount (and any --path), and
KUBERNETES_SERVICE_HOST/PORT pointing at the server: unmodified in-cluster clients work. Each
token generation is bound to its own pod; deleting that pod invalidates exactly that token.
The verdict comes from the server's request recorder, so the credentials must be an admin's.

Examples:
  satoken reload-check -- python3 app.py
  satoken reload-check --window 70s --rotations 1 -o json -- node watcher.js
  satoken reload-check --audience sts.amazonaws.com --path /var/run/secrets/eks.amazonaws.com/serviceaccount/token -- node s3-lister.js
`,
    )
    .action(async (command: string, args: string[], f: ReloadCheckFlags) => {
      if (f.output !== undefined && f.output !== 'json') throw new CliError(`unknown output format "${f.output}": only json`, 2);
      const warmupMs = durationFlag('warmup', f.warmup);
      const windowMs = durationFlag('window', f.window);
      if (!/^\d{1,3}$/.test(f.rotations)) throw new CliError(`--rotations must be a whole number, got ${JSON.stringify(f.rotations)}`, 2);
      const rotations = Number(f.rotations);
      const projections = projectionsOf(f);
      let conn;
      try {
        conn = resolveConnection({ ...f, namespace: undefined });
      } catch (e) {
        if (e instanceof CliError) throw new CliError(e.message, 2, e.hint);
        throw e;
      }
      const namespace = f.namespace || conn.namespace || 'default';
      const json = f.output === 'json';
      // the check loads when it runs, not at every start of the CLI
      const [{ runReloadCheck }, { httpCluster }, { ReloadCheckError }, { goDurationText, renderResult }] = await Promise.all([
        import('../reload-check/run-check.js'),
        import('../reload-check/cluster.js'),
        import('../reload-check/errors.js'),
        import('../reload-check/render.js'),
      ]);
      const clock = new RealClock();
      const progress = terminalProgress(process.stderr, 'satoken reload-check');
      let state: CheckProgress = { phase: 'setting up', requests: 0, rejected: 0 };
      const redraw = () => progress.step(progressLabel(state, clock.now(), rotations));
      const ticker = clock.setInterval(redraw, 1000);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const result = await runReloadCheck(
          {
            command,
            args,
            namespace,
            serviceAccount: f.serviceAccount,
            warmupMs,
            windowMs,
            rotations,
            projections,
            ...(f.tokenDir !== undefined ? { tokenDir: f.tokenDir } : {}),
            signal: abort.signal,
            onOutput: (line, stream) => {
              progress.done();
              (stream === 'stdout' && !json ? process.stdout : process.stderr).write(`[program] ${line}\n`);
              redraw();
            },
          },
          {
            cluster: httpCluster(conn),
            clock,
            onProgress: (p) => {
              // once set up (a set-up error stays the one line printed): what runs, for how long
              if (state.phase === 'setting up' && p.phase !== 'setting up') {
                progress.done();
                process.stderr.write(`satoken reload-check: ${[command, ...args].join(' ')} started; the check takes about ${goDurationText(warmupMs + rotations * (windowMs + warmupMs))} (warmup ${goDurationText(warmupMs)}, window ${goDurationText(windowMs)}, ${rotations} rotation${rotations === 1 ? '' : 's'})\n`);
              }
              state = p;
              redraw();
            },
          },
        );
        progress.done();
        process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result));
        if (result.verdict === 'FAIL') process.exitCode = 1;
      } catch (e) {
        progress.done();
        if (e instanceof ReloadCheckError) throw new CliError(e.message, e.code === 'ERR_RELOAD_CHECK_ABORTED' ? 130 : 2);
        throw e;
      } finally {
        clock.clearInterval(ticker);
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });
}
