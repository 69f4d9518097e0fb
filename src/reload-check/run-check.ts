/**
 * A reload check from start to verdict:
 * 1. check the options and find the command (before touching the server);
 * 2. make sure the server can be reached and its request recorder read; the namespace and the
 *    service account exist (created when missing);
 * 3. pick how the program sees its volumes (a private mount namespace, else a token directory);
 * 4. generation 0: a pod, its volumes written with the kubelet's code; verify that an in-cluster
 *    client would trust the server (TLS against the volume's ca.crt, for the host it dials);
 * 5. follow the recorder, start the program;
 * 6. for each rotation: after the warmup write the next generation (a new pod, new tokens,
 *    swapped in atomically); after the window delete the previous generation's pod, which
 *    invalidates exactly its tokens; watch for the warmup again;
 * 7. stop the program, collect the last recorded requests, delete the pods left, judge.
 * Every wait is bounded; the program's exit or `signal` ends the schedule early.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../audit/types.js';
import type { Clock } from '../clock/index.js';
import { checkPod, projectionVolumes } from './check-pod.js';
import { CHECK_USER_AGENT, type CheckCluster } from './cluster.js';
import { ReloadCheckError, setupError } from './errors.js';
import { chooseIsolation, type Isolation, type IsolationProbe, checkTempDir, launchSpec, machineProbe, resolveCommand } from './isolation.js';
import { type GenerationFacts, judge, presentedCredential } from './judge.js';
import { type ReloadCheckOptions, SERVICE_ACCOUNT_DIR, checkSettings } from './options.js';
import { programEnv, serviceAddress, verifyServing } from './program-env.js';
import { type ProgramExit, ProgramProcess } from './program-process.js';
import type { IsolationReport, ReloadCheckResult } from './result.js';
import { VolumeSet, type WrittenToken, mirroredDir } from './volume-set.js';
import type { Pod } from '../registry/types.js';

/** How long the program gets to end after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 5_000;
/** How long the recorder gets, after the program ended, to hand over its last requests. */
const SETTLE_MS = 500;

/** What the check shows while it runs (the CLI draws it on a terminal). */
export interface CheckProgress {
  phase: 'setting up' | 'warmup' | 'window' | 'watching' | 'stopping' | 'judging';
  rotation?: number;
  /** when the phase ends (check clock ms) */
  until?: number;
  /** accepted requests of the program so far, and with which token the last one was made */
  requests: number;
  lastToken?: number;
  rejected: number;
}

/** What a check needs of its surroundings. */
export interface CheckDeps {
  cluster: CheckCluster;
  /** the real clock: the program lives in real time */
  clock: Clock;
  probe?: IsolationProbe;
  /** the environment the program inherits (default process.env) */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onProgress?: (p: CheckProgress) => void;
}

const runSuffix = () => randomBytes(4).toString('hex').slice(0, 5);

/**
 * Runs a reload check (see the module comment for the steps).
 * @example
 * const result = await runReloadCheck({ command: 'python3', args: ['app.py'] }, { cluster: httpCluster(conn), clock: new RealClock() });
 */
export async function runReloadCheck(options: ReloadCheckOptions, deps: CheckDeps): Promise<ReloadCheckResult> {
  const s = checkSettings(options);
  const env = deps.env ?? process.env;
  const cwd = deps.cwd ?? process.cwd();
  const clock = deps.clock;
  const cluster = deps.cluster;
  const program = resolveCommand(s.command, s.env.PATH ?? env.PATH ?? '', cwd);
  const volumesWanted = projectionVolumes(s.projections);
  const address = serviceAddress(cluster.server);
  const signal = options.signal;
  const aborted = () => new ReloadCheckError('ERR_RELOAD_CHECK_ABORTED', 'the reload check was interrupted');
  if (signal?.aborted) throw aborted();

  const progress: CheckProgress = { phase: 'setting up', requests: 0, rejected: 0 };
  const show = (p: Partial<CheckProgress>) => {
    Object.assign(progress, p);
    deps.onProgress?.({ ...progress });
  };
  show({});

  const notes: string[] = [];
  const setupStartedAt = clock.now();
  await cluster.checkRecorder();
  if (await cluster.ensureNamespace(s.namespace)) notes.push(`namespace ${s.namespace} did not exist: the check created it`);
  if (await cluster.ensureServiceAccount(s.namespace, s.serviceAccount)) notes.push(`service account ${s.namespace}/${s.serviceAccount} did not exist: the check created it (it stays; bind the roles your program needs to it)`);

  const temp = checkTempDir();
  const generations: GenerationFacts[] = [];
  const follow = new AbortController();
  let proc: ProgramProcess | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    follow.abort();
    await proc?.stop(STOP_GRACE_MS);
    for (const g of generations) {
      if (g.invalidation) continue;
      try {
        await cluster.deletePod(s.namespace, g.pod.name);
      } catch (e) {
        notes.push(`could not delete pod ${s.namespace}/${g.pod.name} at the end: ${(e as Error).message}`);
      }
    }
    rmSync(temp, { recursive: true, force: true });
  };
  const checkAbort = () => {
    if (signal?.aborted) throw aborted();
  };

  try {
    checkAbort();
    const isolation: Isolation = chooseIsolation(s.tokenDir, deps.probe ?? machineProbe(env), () => mkdtempSync(join(temp, 'scratch-')));
    if (isolation.mode === 'token-dir' && s.tokenDir === undefined) notes.push(`the volumes were written to ${isolation.dir}, not bind-mounted at their pod paths: ${isolation.reason}; an unmodified in-cluster client will not find them there`);
    const volumes = new VolumeSet(
      { getToken: (ns, sa, tr) => cluster.requestToken(ns, sa, tr), getConfigMap: (ns, n) => cluster.getConfigMap(ns, n), getSecret: (ns, n) => cluster.getSecret(ns, n) },
      clock,
      (mountPath, i) => (isolation.mode === 'token-dir' ? mirroredDir(isolation.dir, mountPath) : join(temp, 'volumes', String(i))),
    );
    const runId = `reload-check-${runSuffix()}`;
    const isServiceAccountToken = (t: WrittenToken) => t.path.startsWith(`${SERVICE_ACCOUNT_DIR}/`);
    const newGeneration = async (generation: number): Promise<{ facts: GenerationFacts; pod: Pod }> => {
      const pod = await cluster.createPod(checkPod({ runId, generation, namespace: s.namespace, serviceAccount: s.serviceAccount, command: s.command, volumes: volumesWanted }));
      const facts: GenerationFacts = { generation, pod: { name: pod.metadata.name!, uid: pod.metadata.uid ?? '' }, tokens: [], writtenAt: 0 };
      generations.push(facts);
      const tokens = await volumes.write(pod);
      // the kube-api-access token first: it is the one the timeline names
      facts.tokens = [...tokens.filter(isServiceAccountToken), ...tokens.filter((t) => !isServiceAccountToken(t))];
      facts.writtenAt = clock.now();
      return { facts, pod };
    };

    const { facts: g0, pod: pod0 } = await newGeneration(0);
    checkAbort();
    const saMount = volumes.mounts.find((m) => m.mountPath === SERVICE_ACCOUNT_DIR);
    if (!saMount) throw setupError(`pod ${s.namespace}/${g0.pod.name} got no service-account volume at ${SERVICE_ACCOUNT_DIR} (automountServiceAccountToken: false on ${s.namespace}/${s.serviceAccount}?)`);
    await verifyServing(address, readFileSync(join(saMount.hostDir, 'ca.crt'), 'utf8'));
    checkAbort();

    // interrupted: the signal aborts, or the recorder's stream is lost
    let streamError: unknown;
    let onStreamError: (e: unknown) => void = () => undefined;
    const interrupted = new Promise<never>((_ok, fail) => {
      signal?.addEventListener('abort', () => fail(aborted()), { once: true });
      onStreamError = fail;
    });
    interrupted.catch(() => undefined);

    // the program's requests, as the recorder sees them
    const events: AuditEvent[] = [];
    const ours = new Map<string, number>();
    const countLive = (ev: AuditEvent) => {
      for (const g of generations) for (const t of g.tokens) ours.set(`JTI=${t.jti}`, g.generation);
      const cred = presentedCredential(ev, ours);
      if (cred) show({ requests: progress.requests + 1, lastToken: ours.get(cred)! });
      else if (ev.responseStatus?.code === 401 && !ev.user.username && ev.userAgent !== CHECK_USER_AGENT) show({ rejected: progress.rejected + 1 });
    };
    cluster
      .followRequests(
        setupStartedAt,
        (ev) => {
          events.push(ev);
          countLive(ev);
        },
        follow.signal,
      )
      .catch((e: unknown) => {
        streamError = e;
        onStreamError(e);
      });

    const { env: childEnv, skipped } = programEnv({ base: env, pod: pod0, address, tokenDir: isolation.mode === 'token-dir' ? isolation.dir : undefined, mounts: volumes.mounts, extra: s.env });
    if (skipped.length) notes.push(`the pod's env ${skipped.join(', ')} come from sources the check does not resolve (only value and fieldRef): left unset`);
    const stage = join(temp, 'stage');
    mkdirSync(stage, { recursive: true });
    const launch = launchSpec(isolation, volumes.mounts, stage, program, s.args);
    proc = await ProgramProcess.start({ file: launch.file, args: launch.args, env: childEnv, handshake: launch.handshake, onOutput: options.onOutput ?? (() => undefined), clock });
    const running = proc;
    const startedAt = clock.now();

    // waits until `at`, or less if the program ends; throws if interrupted
    const waitUntil = async (at: number): Promise<boolean> => {
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      const elapsed = new Promise<'time'>((ok) => (timer = clock.setTimeout(() => ok('time'), Math.max(0, at - clock.now()))));
      try {
        return (await Promise.race([elapsed, running.exited.then(() => 'exit' as const), interrupted])) === 'time';
      } finally {
        clock.clearTimeout(timer);
      }
    };

    let last = startedAt;
    for (let r = 1; r <= s.rotations; r++) {
      show({ phase: 'warmup', rotation: r, until: last + s.warmupMs });
      if (!(await waitUntil(last + s.warmupMs))) break;
      const { facts: g } = await newGeneration(r);
      show({ phase: 'window', rotation: r, until: g.writtenAt + s.windowMs });
      if (!(await waitUntil(g.writtenAt + s.windowMs))) break;
      const old = generations[r - 1]!;
      const sent = clock.now();
      await cluster.deletePod(s.namespace, old.pod.name);
      old.invalidation = { startedAt: sent, doneAt: clock.now() };
      last = old.invalidation.doneAt;
    }
    if (generations.at(-2)?.invalidation && !running.exit) {
      show({ phase: 'watching', until: last + s.warmupMs });
      await waitUntil(last + s.warmupMs);
    }
    show({ phase: 'stopping', until: clock.now() + STOP_GRACE_MS });
    const exit: ProgramExit = await running.stop(STOP_GRACE_MS);
    const endedAt = clock.now();
    show({ phase: 'judging', until: endedAt + SETTLE_MS });
    await new Promise<void>((ok) => clock.setTimeout(ok, SETTLE_MS));
    if (streamError) throw streamError;
    events.push(...(await cluster.listRequests(setupStartedAt)));

    const isolationReport: IsolationReport =
      isolation.mode === 'mount-namespace'
        ? { mode: 'mount-namespace', rootless: isolation.rootless, mounts: volumes.mounts.map((m) => m.mountPath) }
        : { mode: 'token-dir', dir: isolation.dir, reason: isolation.reason, mounts: volumes.mounts.map((m) => m.mountPath) };
    await cleanup();
    return judge({
      command: [s.command, ...s.args],
      server: cluster.server,
      namespace: s.namespace,
      serviceAccount: s.serviceAccount,
      isolation: isolationReport,
      settings: { warmupMs: s.warmupMs, windowMs: s.windowMs, rotations: s.rotations },
      startedAt,
      endedAt,
      generations,
      events,
      exit,
      notes,
    });
  } catch (e) {
    await cleanup().catch(() => undefined);
    throw e;
  }
}
