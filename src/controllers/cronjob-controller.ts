import { rfc3339 } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import { lazyModule } from '../util/lazy-module.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import type { KubeObject } from '../registry/types.js';
import { controllerRefOf, newControllerRef } from './controller-ref.js';
import { WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

/** cron-parser, loaded when a schedule is first read: a server without CronJobs does not pay its ~30 ms at start-up. */
const cronParser = lazyModule<typeof import('cron-parser')>('cron-parser');

const CRONJOB = kindInfo('CronJob', 'batch')!;
const JOB = kindInfo('Job', 'batch')!;
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** the controller gives up counting missed start times past this many (`TooManyMissedTimes`) */
const MAX_MISSED = 100;

interface CronJobSpec {
  schedule?: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: string;
  suspend?: boolean;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
}

/** A schedule and its zone: `TZ=`/`CRON_TZ=` prefixes read as the zone, as robfig/cron does. */
function scheduleOf(spec: CronJobSpec): { expr: string; tz: string } {
  let expr = (spec.schedule ?? '').trim();
  let tz = spec.timeZone ?? 'UTC';
  const m = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(expr);
  if (m) {
    tz = m[1]!;
    expr = m[2]!;
  }
  return { expr, tz };
}

/**
 * The schedule times after `from` up to `now`: the latest, and how many there were (at most
 * {@link MAX_MISSED} + 1 are counted); `next` is the first one after `now`.
 */
export function scheduledTimes(spec: CronJobSpec, from: number, now: number): { latest: number | undefined; missed: number; next: number } {
  const { expr, tz } = scheduleOf(spec);
  const it = cronParser().CronExpressionParser.parse(expr, { currentDate: new Date(from), tz });
  let latest: number | undefined;
  let missed = 0;
  for (;;) {
    const t = it.next().getTime();
    if (t > now) return { latest, missed, next: t };
    latest = t;
    if (++missed > MAX_MISSED) {
      // too many to walk: the most recent one is the one before now
      const back = cronParser().CronExpressionParser.parse(expr, { currentDate: new Date(now + 1), tz });
      const prev = back.prev().getTime();
      const after = cronParser().CronExpressionParser.parse(expr, { currentDate: new Date(now), tz }).next().getTime();
      return { latest: prev, missed, next: after };
    }
  }
}

const finishedCondition = (job: KubeObject) =>
  ((job.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;

/**
 * The CronJob controller (pkg/controller/cronjob, v2): at each scheduled time (in `timeZone`,
 * UTC by default) a Job `<cronjob>-<minutes since the epoch>` from the job template, with the
 * `batch.kubernetes.io/cronjob-scheduled-timestamp` annotation and a controller reference;
 * - `startingDeadlineSeconds`: a time missed by longer is skipped; more than 100 missed times
 *   gives the TooManyMissedTimes warning and starts the latest;
 * - `concurrencyPolicy`: Allow, Forbid (skips while a Job runs: JobAlreadyActive) and Replace
 *   (deletes the running Jobs first);
 * - `status.active` (references to the running Jobs), `lastScheduleTime`, `lastSuccessfulTime`;
 * - finished Jobs beyond the successful and failed history limits deleted, oldest first;
 * - the next run armed on the clock. Suspended CronJobs create nothing.
 * `@every` schedules are not evaluated (they are rejected with a FailedNeedsStart event).
 */
export class CronJobController extends WorkloadController {
  readonly name = 'cronjob-controller';

  constructor(o: WorkloadControllerOptions) {
    super(o, 'cronjob-controller');
  }

  protected initialKeys(): string[] {
    return this.registry.list(CRONJOB, undefined).items.map((c) => this.keyOf(c));
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === CRONJOB) return e.type === 'DELETED' ? [] : [this.keyOf(e.object)];
    if (e.resource !== JOB) return [];
    const ref = controllerRefOf(e.object);
    return ref?.kind === 'CronJob' && ref.apiVersion === 'batch/v1' ? [`${e.object.metadata.namespace}/${ref.name}`] : [];
  }

  protected async reconcile(key: string): Promise<void> {
    const [ns, name] = this.splitKey(key);
    const cj = this.registry.peek(CRONJOB, ns, name);
    if (!cj || cj.metadata.deletionTimestamp) return;
    const spec = (cj.spec ?? {}) as CronJobSpec;
    const status = structuredClone((cj.status ?? {}) as { active?: Array<Record<string, string>>; lastScheduleTime?: string; lastSuccessfulTime?: string });
    const jobs = this.registry.list(JOB, ns).items.filter((j) => controllerRefOf(j)?.uid === cj.metadata.uid);
    // what finished since the last look
    for (const j of jobs) {
      const done = finishedCondition(j);
      if (!done || !(status.active ?? []).some((a) => a.uid === j.metadata.uid)) continue;
      this.events.normal(cj, CRONJOB, 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${done}`);
      if (done === 'Complete') {
        const t = (j.status as { completionTime?: string } | undefined)?.completionTime;
        if (t && (!status.lastSuccessfulTime || Date.parse(t) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = t;
      }
    }
    let running = jobs.filter((j) => !finishedCondition(j) && !j.metadata.deletionTimestamp);
    await this.cleanupHistory(cj, spec, jobs);
    const now = this.clock.now();
    const { expr } = scheduleOf(spec);
    if (expr.startsWith('@every')) {
      this.events.warning(cj, CRONJOB, 'FailedNeedsStart', `unsupported schedule ${expr}: satoken does not evaluate @every schedules`);
      return this.saveStatus(cj, status, running);
    }
    const from = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : Date.parse(cj.metadata.creationTimestamp ?? '') || now;
    let times: ReturnType<typeof scheduledTimes>;
    try {
      times = scheduledTimes(spec, from, now);
    } catch (e) {
      this.events.warning(cj, CRONJOB, 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${(e as Error).message}`);
      return this.saveStatus(cj, status, running);
    }
    this.later.at(key, times.next + 100);
    if (spec.suspend || times.latest === undefined) return this.saveStatus(cj, status, running);
    if (times.missed > MAX_MISSED) {
      this.events.warning(cj, CRONJOB, 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    const scheduled = times.latest;
    if (spec.startingDeadlineSeconds !== undefined && scheduled + spec.startingDeadlineSeconds * 1000 < now) {
      this.events.warning(cj, CRONJOB, 'MissSchedule', `Missed scheduled time to start a job: ${rfc3339(scheduled)}`);
      return this.saveStatus(cj, status, running);
    }
    const jobName = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
    if (jobs.some((j) => j.metadata.name === jobName)) return this.saveStatus(cj, status, running);
    if (spec.concurrencyPolicy === 'Forbid' && running.length) {
      this.events.normal(cj, CRONJOB, 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return this.saveStatus(cj, status, running);
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const j of running) await this.deleteJob(cj, j);
      running = [];
    }
    const template = spec.jobTemplate ?? {};
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        namespace: ns,
        ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
        annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339(scheduled) },
        ownerReferences: [newControllerRef(cj, CRONJOB)],
      },
      spec: structuredClone(template.spec ?? {}),
    } as KubeObject;
    let created: KubeObject;
    try {
      created = await this.registry.create(JOB, ns, job);
    } catch (e) {
      if (isStatusError(e) && e.reason === 'AlreadyExists') return this.saveStatus(cj, status, running);
      this.events.warning(cj, CRONJOB, 'FailedCreate', `Error creating job: ${(e as Error).message}`);
      throw e;
    }
    this.events.normal(cj, CRONJOB, 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    status.lastScheduleTime = rfc3339(scheduled);
    await this.saveStatus(cj, status, [...running, created]);
  }

  /** `status.active` as ObjectReferences to the running Jobs; written when it changed. */
  private async saveStatus(cj: KubeObject, status: { active?: Array<Record<string, string>>; lastScheduleTime?: string; lastSuccessfulTime?: string }, running: KubeObject[]): Promise<void> {
    const active = running.map((j) => ({ kind: 'Job', namespace: j.metadata.namespace ?? '', name: j.metadata.name ?? '', uid: j.metadata.uid ?? '', apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion ?? '' }));
    const next: Record<string, unknown> = { ...status };
    if (active.length) next.active = active;
    else delete next.active;
    const stored = this.registry.peek(CRONJOB, cj.metadata.namespace, cj.metadata.name ?? '');
    if (stored && stored.metadata.uid === cj.metadata.uid) await this.writeStatus(CRONJOB, stored, next);
  }

  /** Finished Jobs beyond the history limits, oldest first. */
  private async cleanupHistory(cj: KubeObject, spec: CronJobSpec, jobs: KubeObject[]): Promise<void> {
    const byStart = (a: KubeObject, b: KubeObject) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? '');
    for (const [kind, limit] of [
      ['Complete', spec.successfulJobsHistoryLimit ?? 3],
      ['Failed', spec.failedJobsHistoryLimit ?? 1],
    ] as const) {
      const done = jobs.filter((j) => finishedCondition(j) === kind && !j.metadata.deletionTimestamp).sort(byStart);
      for (const j of done.slice(0, Math.max(0, done.length - limit))) await this.deleteJob(cj, j);
    }
  }

  private async deleteJob(cj: KubeObject, job: KubeObject): Promise<void> {
    try {
      await this.registry.delete(JOB, job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Background' });
      this.events.normal(cj, CRONJOB, 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    } catch (e) {
      if (!(isStatusError(e) && e.reason === 'NotFound')) throw e;
    }
  }
}
