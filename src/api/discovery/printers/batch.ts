import { formatLabelSelector } from '../../../registry/label-selector.js';
import type { KubeObject, LabelSelector } from '../../../registry/types.js';
import { ageSince, humanDuration } from '../human-duration.js';
import { AGE, CONTAINERS, IMAGES, NAME, type Printer, arr, col, containerCells, int, nameOf, rec, str, type TableColumnDefinition } from './columns.js';

/**
 * batch/v1 rows as printers.go prints them (kube-apiserver 1.33): printJob (STATUS from the
 * conditions, COMPLETIONS, DURATION) and printCronJob. A CronJob's `suspend` left out of a stored
 * object reads `False`, the server's default.
 */

const JOB_SELECTOR_DOC = 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors';

export const BATCH_COLUMNS: Record<string, TableColumnDefinition[]> = {
  Job: [
    NAME,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    AGE,
    CONTAINERS,
    IMAGES,
    col('Selector', 'string', JOB_SELECTOR_DOC, 1),
  ],
  CronJob: [
    NAME,
    col('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col(
      'Timezone',
      'string',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones',
    ),
    col('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.'),
    col('Active', 'integer', 'A list of pointers to currently running jobs.'),
    col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    AGE,
    CONTAINERS,
    IMAGES,
    col('Selector', 'string', JOB_SELECTOR_DOC, 1),
  ],
};

/** printers.go hasJobCondition: the first condition of that type decides. */
function jobCondition(o: KubeObject, type: string): boolean {
  const c = arr(rec(o.status).conditions).map(rec).find((x) => x.type === type);
  return c?.status === 'True';
}

function jobStatus(o: KubeObject): string {
  if (jobCondition(o, 'Complete')) return 'Complete';
  if (jobCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (jobCondition(o, 'Suspended')) return 'Suspended';
  if (jobCondition(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completions(o: KubeObject): string {
  const spec = rec(o.spec);
  const succeeded = int(rec(o.status).succeeded);
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  const parallelism = typeof spec.parallelism === 'number' ? spec.parallelism : 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(o: KubeObject, now: number): string {
  const status = rec(o.status);
  const start = Date.parse(str(status.startTime));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(str(status.completionTime));
  return humanDuration((Number.isNaN(end) ? now : end) - start);
}

export const BATCH_PRINTERS: Record<string, Printer> = {
  Job: (o, now) => [
    nameOf(o),
    jobStatus(o),
    completions(o),
    duration(o, now),
    ageSince(o.metadata.creationTimestamp, now),
    ...containerCells(rec(o.spec).template),
    formatLabelSelector(rec(o.spec).selector as LabelSelector),
  ],
  CronJob: (o, now) => {
    const spec = rec(o.spec);
    const jobSpec = rec(rec(spec.jobTemplate).spec);
    const last = str(rec(o.status).lastScheduleTime);
    return [
      nameOf(o),
      str(spec.schedule),
      typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
      spec.suspend === true ? 'True' : 'False',
      arr(rec(o.status).active).length,
      last ? ageSince(last, now) : '<none>',
      ageSince(o.metadata.creationTimestamp, now),
      ...containerCells(jobSpec.template),
      formatLabelSelector(jobSpec.selector as LabelSelector),
    ];
  },
};
