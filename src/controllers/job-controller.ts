import { rfc3339 } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import type { KubeObject } from '../registry/types.js';
import { selectorFrom, selectorMatches } from '../registry/validation/label-selector.js';
import { claimObjects, controllerRefOf } from './controller-ref.js';
import { isPodReady, podPhase } from './pod-readiness.js';
import { type PodTemplate, podFromTemplate } from './pod-template.js';
import { podsToDelete } from './replicaset-controller.js';
import { omitEmpty, WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

const JOB = kindInfo('Job', 'batch')!;
const POD = kindInfo('Pod')!;
/** `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff` */
const BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 6 * 60_000;

interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  suspend?: boolean;
  selector?: unknown;
  template?: PodTemplate;
}

export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  conditions?: JobCondition[];
  uncountedTerminatedPods?: Record<string, unknown>;
}

const finished = (s: JobStatus) => (s.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

/**
 * The Job controller (pkg/controller/job), for NonIndexed Jobs:
 * - claims its pods by selector; keeps `min(parallelism, completions - succeeded)` active
 *   (pods from the template, `generateName: <job>-`), deleting the surplus;
 * - after a pod failure, waits the pod failure backoff (10 s doubling, at most 6 min) before it
 *   creates the replacement;
 * - counts active, ready, succeeded and failed pods into `status`, with `startTime`;
 * - finishes as Kubernetes 1.33 does: SuccessCriteriaMet then Complete (`CompletionsReached`,
 *   "Reached expected number of succeeded pods") with `completionTime`, or FailureTarget then
 *   Failed (`BackoffLimitExceeded`, "Job has reached the specified backoff limit";
 *   `DeadlineExceeded`, "Job was active longer than specified deadline"), deleting what still runs;
 * - a suspended Job has its active pods deleted and the Suspended condition (`JobSuspended`).
 * The kubelet agent finishes Job pods (src/kubelet/pod-lifecycle.ts). Pod tracking finalizers,
 * Indexed completion, pod failure and success policies are not emulated.
 */
export class JobController extends WorkloadController {
  readonly name = 'job-controller';

  constructor(o: WorkloadControllerOptions) {
    super(o, 'job-controller');
  }

  protected initialKeys(): string[] {
    return this.registry.list(JOB, undefined).items.map((j) => this.keyOf(j));
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === JOB) return [this.keyOf(e.object)];
    if (e.resource !== POD) return [];
    const keys = new Set<string>();
    for (const pod of [e.object, e.old]) {
      const ref = pod && controllerRefOf(pod);
      if (ref?.kind === 'Job' && ref.apiVersion === 'batch/v1') keys.add(`${pod!.metadata.namespace}/${ref.name}`);
    }
    return [...keys];
  }

  protected async reconcile(key: string): Promise<void> {
    const [ns, name] = this.splitKey(key);
    const job = this.registry.peek(JOB, ns, name);
    if (!job) return;
    const spec = (job.spec ?? {}) as JobSpec;
    const selector = selectorFrom(spec.selector);
    if (!selector) return;
    const status = structuredClone((job.status ?? {}) as JobStatus);
    const candidates = this.registry.list(POD, ns).items;
    const pods = await claimObjects(this.registry, job, JOB, POD, (p) => selectorMatches(selector, p.metadata.labels), candidates);
    if (job.metadata.deletionTimestamp) return;
    const now = this.clock.now();
    const at = rfc3339(now);
    const active = () => pods.filter((p) => !p.metadata.deletionTimestamp && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
    const succeeded = pods.filter((p) => podPhase(p) === 'Succeeded').length;
    const failedPods = pods.filter((p) => podPhase(p) === 'Failed');
    const failed = failedPods.length;

    if (finished(status)) {
      await this.deleteAll(job, active());
      return this.save(job, { ...status, active: 0, ready: 0, terminating: 0 });
    }
    if (spec.suspend) {
      await this.deleteAll(job, active());
      setCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', at);
      return this.save(job, counts(status, [], succeeded, failed));
    }
    if ((status.conditions ?? []).some((c) => c.type === 'Suspended' && c.status === 'True')) {
      setCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', at);
      status.startTime = at;
    }
    status.startTime ??= at;

    const completions = typeof spec.completions === 'number' ? spec.completions : undefined;
    const deadline = spec.activeDeadlineSeconds ? Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 : undefined;
    let failure: [string, string] | undefined;
    if (failed > (spec.backoffLimit ?? 6)) failure = ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'];
    else if (deadline !== undefined && now >= deadline) failure = ['DeadlineExceeded', 'Job was active longer than specified deadline'];
    if (failure) {
      await this.deleteAll(job, active());
      setCondition(status, 'FailureTarget', 'True', failure[0], failure[1], at);
      setCondition(status, 'Failed', 'True', failure[0], failure[1], at);
      this.events.warning(job, JOB, failure[0], failure[1]);
      return this.save(job, counts(status, [], succeeded, failed));
    }
    // NonIndexed without completions (a work queue): done once a pod succeeded and none runs
    const done = completions !== undefined ? succeeded >= completions : succeeded > 0 && active().length === 0;
    if (done) {
      await this.deleteAll(job, active());
      setCondition(status, 'SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', at);
      setCondition(status, 'Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', at);
      status.completionTime = at;
      this.events.normal(job, JOB, 'Completed', 'Job completed');
      return this.save(job, counts(status, [], succeeded, failed));
    }

    const want = Math.max(0, Math.min(spec.parallelism ?? 1, completions !== undefined ? completions - succeeded : succeeded > 0 ? 0 : (spec.parallelism ?? 1)));
    const running = active();
    if (running.length > want) {
      await this.deleteAll(job, podsToDelete(running, running.length - want));
    } else if (running.length < want) {
      const lastFailure = Math.max(0, ...failedPods.map((p) => finishedAt(p)));
      const wait = failed ? Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** (failed - 1)) : 0;
      if (failed && lastFailure + wait > now) this.later.at(key, lastFailure + wait);
      else {
        for (let i = running.length; i < want; i++) {
          try {
            const pod = await this.registry.create(POD, ns, podFromTemplate(spec.template, job, JOB));
            pods.push(pod);
            this.events.normal(job, JOB, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          } catch (e) {
            this.events.warning(job, JOB, 'FailedCreate', `Error creating: ${(e as Error).message}`);
            throw e;
          }
        }
      }
    }
    if (deadline !== undefined) this.later.at(key, deadline);
    await this.save(job, counts(status, active(), succeeded, failed));
  }

  private async deleteAll(job: KubeObject, pods: readonly KubeObject[]): Promise<void> {
    for (const p of pods) {
      try {
        await this.registry.delete(POD, p.metadata.namespace ?? '', p.metadata.name ?? '', { preconditions: { uid: p.metadata.uid ?? '' } });
        this.events.normal(job, JOB, 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (e) {
        if (!(isStatusError(e) && (e.reason === 'NotFound' || e.reason === 'Conflict'))) throw e;
      }
    }
  }

  private async save(job: KubeObject, status: JobStatus): Promise<void> {
    const current = this.registry.peek(JOB, job.metadata.namespace, job.metadata.name ?? '');
    if (!current || current.metadata.uid !== job.metadata.uid) return;
    await this.writeStatus(JOB, current, omitEmpty({ ...status, uncountedTerminatedPods: status.uncountedTerminatedPods ?? {} } as Record<string, unknown>, ['uncountedTerminatedPods', 'ready', 'terminating']));
  }
}

function counts(status: JobStatus, active: readonly KubeObject[], succeeded: number, failed: number): JobStatus {
  return { ...status, active: active.length, ready: active.filter(isPodReady).length, succeeded, failed, terminating: 0 };
}

/** Sets a Job condition; its transition time moves only when its status does. */
function setCondition(status: JobStatus, type: string, s: string, reason: string, message: string, at: string): void {
  const list = (status.conditions ??= []);
  const old = list.find((c) => c.type === type);
  if (old) {
    if (old.status !== s) old.lastTransitionTime = at;
    Object.assign(old, { status: s, reason, message, lastProbeTime: at });
  } else list.push({ type, status: s, lastProbeTime: at, lastTransitionTime: at, reason, message });
}

/** When a failed pod's containers finished (its status), else its creation. */
function finishedAt(p: KubeObject): number {
  const statuses = ((p.status as { containerStatuses?: Array<{ state?: { terminated?: { finishedAt?: string } } }> } | undefined)?.containerStatuses ?? []).map((c) => Date.parse(c.state?.terminated?.finishedAt ?? ''));
  const t = Math.max(...statuses.filter(Number.isFinite));
  return Number.isFinite(t) ? t : Date.parse(p.metadata.creationTimestamp ?? '') || 0;
}
