import type pino from 'pino';
import type { Clock, TimerHandle } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import { semanticEqual } from '../registry/semantic-equal.js';
import type { Pod } from '../registry/types.js';
import { fnv32a } from '../util/fnv.js';
import type { KubeletApi } from './kubelet-api.js';
import { containerIdsFor, creatingStatus, type PodRun, runFromStatus, runningStatus, terminatedStatus } from './pod-status.js';

/** How long a run-to-completion pod's containers run before they exit, in seconds (default 0) */
export const RUN_SECONDS_ANNOTATION = 'kubelet.satoken.dev/run-seconds';
/** The exit code its containers exit with (default 0: Succeeded; any other: Failed, or restarted under OnFailure) */
export const EXIT_CODE_ANNOTATION = 'kubelet.satoken.dev/exit-code';

export interface PodCompletion {
  runMs: number;
  exitCode: number;
}

/**
 * Whether and how a pod's containers finish, in an emulator that runs no container. As kwok's
 * default `pod-complete` stage does, the pods a Job controls finish; any other pod with
 * restartPolicy Never or OnFailure finishes only when it carries the run-seconds annotation;
 * restartPolicy Always pods run until deleted. The annotations (usually set on the Job's
 * template) choose how long they run and the exit code.
 * @example
 * completionOf(jobPod); // { runMs: 0, exitCode: 0 }
 */
export function completionOf(pod: Pod): PodCompletion | undefined {
  const policy = (pod.spec?.restartPolicy as string | undefined) ?? 'Always';
  if (policy === 'Always') return undefined;
  const a = pod.metadata.annotations ?? {};
  const seconds = a[RUN_SECONDS_ANNOTATION] === undefined ? undefined : Number(a[RUN_SECONDS_ANNOTATION]);
  const jobPod = (pod.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'Job' && r.apiVersion === 'batch/v1');
  if (!jobPod && seconds === undefined) return undefined;
  const code = Number(a[EXIT_CODE_ANNOTATION] ?? '0');
  return { runMs: Number.isFinite(seconds) && seconds! > 0 ? seconds! * 1000 : 0, exitCode: Number.isInteger(code) && code >= 0 && code <= 255 ? code : 1 };
}

export interface PodLifecycleOptions {
  nodeName: string;
  hostIP: string;
  clock: Clock;
  api: KubeletApi;
  logger?: pino.Logger;
  /** a pod's containers exited for good: its volumes can go */
  onTerminated(uid: string): void;
}

/**
 * The kubelet's pod workers and status manager, for an emulated runtime: a pod whose volumes are
 * set up "starts" (Running, ready, a pod IP from the node's range, container IDs), one whose
 * volumes fail stays Pending in ContainerCreating, and a run-to-completion pod finishes as
 * {@link completionOf} says (OnFailure pods with a failing exit code restart instead). The
 * status is written through `pods/<name>/status` only when it differs from what the API holds,
 * so a status someone else changed (the node lifecycle controller marking pods not ready) is
 * put right at the next sync. After an agent restart, a pod's run is read back from its status.
 */
export class PodLifecycle {
  private readonly runs = new Map<string, PodRun>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly latest = new Map<string, Pod>();
  private readonly subnet: number;
  private nextHost = 2;
  private stopped = false;

  constructor(private readonly o: PodLifecycleOptions) {
    this.subnet = (fnv32a(new TextEncoder().encode(o.nodeName)) % 254) + 1;
  }

  /** Reports the pod's status after a volume sync (`volumesReady`: every projected volume is set up). */
  async sync(pod: Pod, volumesReady: boolean): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    this.latest.set(uid, pod);
    if (this.stopped || pod.metadata.deletionTimestamp) return;
    const current = (pod.status ?? {}) as Record<string, unknown>;
    const phase = current.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.o.onTerminated(uid);
      return;
    }
    let run = this.runs.get(uid);
    if (!run) {
      run = runFromStatus(pod);
      if (!run && !volumesReady) return this.write(pod, creatingStatus(pod, current, this.o.hostIP, this.o.clock.now()));
      run ??= { startedAt: this.o.clock.now(), podIP: this.allocateIP(), hostIP: this.o.hostIP, containerIDs: containerIdsFor(pod), restarts: 0 };
      this.runs.set(uid, run);
    }
    const final = run.finishedAt !== undefined && !this.restarting(pod, run);
    await this.write(pod, final ? terminatedStatus(pod, current, run, this.o.clock.now()) : runningStatus(pod, current, run, this.o.clock.now()));
    if (final) this.o.onTerminated(uid);
    else this.scheduleCompletion(pod, run);
  }

  /** The pod went away: its timer and run are forgotten. */
  forget(uid: string): void {
    this.o.clock.clearTimeout(this.timers.get(uid));
    this.timers.delete(uid);
    this.runs.delete(uid);
    this.latest.delete(uid);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.o.clock.clearTimeout(t);
    this.timers.clear();
  }

  private restarting(pod: Pod, run: PodRun): boolean {
    return (pod.spec?.restartPolicy as string | undefined) === 'OnFailure' && (run.exitCode ?? 0) !== 0;
  }

  /** Arms the timer at which a run-to-completion pod's containers exit. */
  private scheduleCompletion(pod: Pod, run: PodRun): void {
    const uid = pod.metadata.uid ?? '';
    const completion = completionOf(pod);
    if (!completion || this.timers.has(uid)) return;
    const from = run.restarts > 0 && run.finishedAt !== undefined ? run.finishedAt : run.startedAt;
    const delay = Math.max(0, from + completion.runMs - this.o.clock.now());
    this.timers.set(
      uid,
      this.o.clock.setTimeout(() => {
        this.timers.delete(uid);
        const latest = this.latest.get(uid);
        if (!latest || this.stopped) return;
        run.finishedAt = this.o.clock.now();
        run.exitCode = completion.exitCode;
        if (this.restarting(latest, run)) run.restarts++;
        void this.sync(latest, true).catch((e: unknown) => this.o.logger?.warn({ pod: uid, err: (e as Error).message }, 'pod status update failed'));
      }, delay),
    );
  }

  /** An address in 10.244.<n>.0/24 (n from the node's name) no pod of this kubelet holds. */
  private allocateIP(): string {
    const used = new Set([...this.runs.values()].map((r) => r.podIP));
    for (let i = 0; i < 253; i++) {
      const ip = `10.244.${this.subnet}.${this.nextHost}`;
      this.nextHost = this.nextHost >= 254 ? 2 : this.nextHost + 1;
      if (!used.has(ip)) return ip;
    }
    return `10.244.${this.subnet}.${this.nextHost}`;
  }

  /** Writes `status` when it differs from the pod's; a conflict re-reads the pod and tries again. */
  private async write(pod: Pod, status: Record<string, unknown>): Promise<void> {
    let target = pod;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (semanticEqual(status, target.status)) return;
      try {
        const written = await this.o.api.updatePodStatus({ ...target, status });
        this.latest.set(pod.metadata.uid ?? '', written);
        return;
      } catch (e) {
        if (isStatusError(e) && e.reason === 'NotFound') return;
        if (!(isStatusError(e) && e.reason === 'Conflict')) throw e;
        const fresh = await this.o.api.getPod(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
        if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
        target = fresh;
      }
    }
  }
}
