import { INT_OR_STRING } from './k8s-intstr-schema.js';
import { LABEL_SELECTOR, OBJECT_META } from './k8s-meta-schema.js';
import { POD_TEMPLATE_SPEC } from './k8s-pod-template-schema.js';
import { f, message } from './proto-schema.js';

/*
 * apps/v1 Deployment and batch/v1 Job and CronJob (k8s.io/api apps/v1 and batch/v1
 * generated.proto), as `kubectl create deployment|job|cronjob` send them. Statuses are skipped:
 * a create resets them and kubectl sends them empty.
 */

const ROLLING_UPDATE_DEPLOYMENT = message('RollingUpdateDeployment', [f.ptr('maxUnavailable', 1, INT_OR_STRING), f.ptr('maxSurge', 2, INT_OR_STRING)]);

const DEPLOYMENT_STRATEGY = message('DeploymentStrategy', [f.str('type', 1), f.ptr('rollingUpdate', 2, ROLLING_UPDATE_DEPLOYMENT)]);

/**
 * apps/v1 Deployment (`kubectl create deployment`).
 *
 * @example
 * DEPLOYMENT.fields.map((x) => x.json); // ['metadata', 'spec']
 */
export const DEPLOYMENT = message('Deployment', [
  f.str('metadata', 1, OBJECT_META),
  f.str(
    'spec',
    2,
    message('DeploymentSpec', [
      f.ptr('replicas', 1, 'int32'),
      f.ptr('selector', 2, LABEL_SELECTOR),
      f.always('template', 3, POD_TEMPLATE_SPEC),
      f.str('strategy', 4, DEPLOYMENT_STRATEGY),
      f.str('minReadySeconds', 5, 'int32'),
      f.ptr('revisionHistoryLimit', 6, 'int32'),
      f.str('paused', 7, 'bool'),
      f.ptr('progressDeadlineSeconds', 9, 'int32'),
    ]),
  ),
]);

const JOB_SPEC = message('JobSpec', [
  f.ptr('parallelism', 1, 'int32'),
  f.ptr('completions', 2, 'int32'),
  f.ptr('activeDeadlineSeconds', 3, 'int64'),
  f.ptr('backoffLimit', 7, 'int32'),
  f.ptr('selector', 4, LABEL_SELECTOR),
  f.ptr('manualSelector', 5, 'bool'),
  f.always('template', 6, POD_TEMPLATE_SPEC),
  f.ptr('ttlSecondsAfterFinished', 8, 'int32'),
  f.ptr('completionMode', 9, 'string'),
  f.ptr('suspend', 10, 'bool'),
]);

/**
 * batch/v1 Job (`kubectl create job`).
 *
 * @example
 * JOB.fields.map((x) => x.json); // ['metadata', 'spec']
 */
export const JOB = message('Job', [f.str('metadata', 1, OBJECT_META), f.str('spec', 2, JOB_SPEC)]);

/**
 * batch/v1 CronJob (`kubectl create cronjob`).
 *
 * @example
 * CRON_JOB.fields.map((x) => x.json); // ['metadata', 'spec']
 */
export const CRON_JOB = message('CronJob', [
  f.str('metadata', 1, OBJECT_META),
  f.str(
    'spec',
    2,
    message('CronJobSpec', [
      f.always('schedule', 1),
      f.ptr('timeZone', 8, 'string'),
      f.ptr('startingDeadlineSeconds', 2, 'int64'),
      f.str('concurrencyPolicy', 3),
      f.ptr('suspend', 4, 'bool'),
      f.always('jobTemplate', 5, message('JobTemplateSpec', [f.str('metadata', 1, OBJECT_META), f.str('spec', 2, JOB_SPEC)])),
      f.ptr('successfulJobsHistoryLimit', 6, 'int32'),
      f.ptr('failedJobsHistoryLimit', 7, 'int32'),
    ]),
  ),
]);
