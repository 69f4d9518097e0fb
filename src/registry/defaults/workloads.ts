import { isObj, type Obj } from '../validation/typed-fields.js';
import { defaultPodSpec } from './pod.js';

/**
 * Defaulting of the workload kinds (pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go
 * and the generated walkers): the kind's own fields, and SetDefaults_PodSpec with the container
 * and volume defaults on its pod template (not SetDefaults_Pod: templates get no
 * enableServiceLinks and no requests from limits). A template's metadata carries
 * `creationTimestamp: null`, as kube-apiserver writes a zero metav1.Time.
 */
function specOf(obj: Obj): Obj | undefined {
  if (obj.spec === undefined || obj.spec === null) obj.spec = {};
  return isObj(obj.spec) ? obj.spec : undefined;
}

/** The template's defaults; a missing template is an empty one, as Go's zero value. */
export function defaultTemplate(holder: Obj): void {
  if (holder.template === undefined || holder.template === null) holder.template = {};
  const t = holder.template;
  if (!isObj(t)) return;
  if (t.metadata === undefined || t.metadata === null) t.metadata = {};
  if (isObj(t.metadata) && !('creationTimestamp' in t.metadata)) t.metadata.creationTimestamp = null;
  if (t.spec === undefined || t.spec === null) t.spec = {};
  if (isObj(t.spec)) defaultPodSpec(t.spec);
}

const setIfMissing = (o: Obj, k: string, v: unknown) => {
  if (o[k] === undefined || o[k] === null) o[k] = v;
};

/** SetDefaults_Deployment: 1 replica, RollingUpdate 25%/25%, 10 revisions, 600 s progress deadline. */
export function defaultDeployment(obj: Obj): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfMissing(spec, 'replicas', 1);
  setIfMissing(spec, 'strategy', {});
  const strategy = spec.strategy;
  if (isObj(strategy)) {
    if (!strategy.type) strategy.type = 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      setIfMissing(strategy, 'rollingUpdate', {});
      if (isObj(strategy.rollingUpdate)) {
        setIfMissing(strategy.rollingUpdate, 'maxUnavailable', '25%');
        setIfMissing(strategy.rollingUpdate, 'maxSurge', '25%');
      }
    }
  }
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  setIfMissing(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

/** SetDefaults_ReplicaSet: 1 replica. */
export function defaultReplicaSet(obj: Obj): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfMissing(spec, 'replicas', 1);
  defaultTemplate(spec);
}

/** SetDefaults_StatefulSet: OrderedReady, RollingUpdate with partition 0, Retain PVCs, 1 replica, 10 revisions. */
export function defaultStatefulSet(obj: Obj): void {
  const spec = specOf(obj);
  if (!spec) return;
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  setIfMissing(spec, 'updateStrategy', {});
  const us = spec.updateStrategy;
  if (isObj(us)) {
    if (!us.type) {
      us.type = 'RollingUpdate';
      setIfMissing(us, 'rollingUpdate', {});
    }
    if (us.type === 'RollingUpdate' && isObj(us.rollingUpdate)) setIfMissing(us.rollingUpdate, 'partition', 0);
  }
  setIfMissing(spec, 'persistentVolumeClaimRetentionPolicy', {});
  if (isObj(spec.persistentVolumeClaimRetentionPolicy)) {
    const p = spec.persistentVolumeClaimRetentionPolicy;
    if (!p.whenDeleted) p.whenDeleted = 'Retain';
    if (!p.whenScaled) p.whenScaled = 'Retain';
  }
  setIfMissing(spec, 'replicas', 1);
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

/** SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, 10 revisions. */
export function defaultDaemonSet(obj: Obj): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfMissing(spec, 'updateStrategy', {});
  const us = spec.updateStrategy;
  if (isObj(us)) {
    if (!us.type) us.type = 'RollingUpdate';
    if (us.type === 'RollingUpdate') {
      setIfMissing(us, 'rollingUpdate', {});
      if (isObj(us.rollingUpdate)) {
        setIfMissing(us.rollingUpdate, 'maxUnavailable', 1);
        setIfMissing(us.rollingUpdate, 'maxSurge', 0);
      }
    }
  }
  setIfMissing(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

/**
 * SetDefaults_Job: completions and parallelism 1 when neither is set, backoffLimit 6,
 * NonIndexed completion, not suspended, no manual selector, pods replaced once terminating or
 * failed (only once failed under a podFailurePolicy); the Job's labels are its template's
 * when it has none.
 */
export function defaultJob(obj: Obj): void {
  const spec = specOf(obj);
  if (!spec) return;
  defaultJobSpec(spec);
  const meta = isObj(obj.metadata) ? obj.metadata : undefined;
  const t = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata : undefined;
  if (meta && t && isObj(t.labels) && !(isObj(meta.labels) && Object.keys(meta.labels).length)) meta.labels = { ...t.labels };
}

function defaultJobSpec(spec: Obj): void {
  if ((spec.completions === undefined || spec.completions === null) && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfMissing(spec, 'parallelism', 1);
  setIfMissing(spec, 'backoffLimit', 6);
  setIfMissing(spec, 'completionMode', 'NonIndexed');
  setIfMissing(spec, 'suspend', false);
  setIfMissing(spec, 'manualSelector', false);
  setIfMissing(spec, 'podReplacementPolicy', spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
  defaultTemplate(spec);
}

/** SetDefaults_CronJob: Allow, not suspended, 3 successful and 1 failed job kept; the job template's pod template defaulted. */
export function defaultCronJob(obj: Obj): void {
  const spec = specOf(obj);
  if (!spec) return;
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  setIfMissing(spec, 'suspend', false);
  setIfMissing(spec, 'successfulJobsHistoryLimit', 3);
  setIfMissing(spec, 'failedJobsHistoryLimit', 1);
  setIfMissing(spec, 'jobTemplate', {});
  const jt = spec.jobTemplate;
  if (isObj(jt)) {
    if (jt.metadata === undefined || jt.metadata === null) jt.metadata = {};
    if (isObj(jt.metadata) && !('creationTimestamp' in jt.metadata)) jt.metadata.creationTimestamp = null;
    setIfMissing(jt, 'spec', {});
    if (isObj(jt.spec)) defaultTemplate(jt.spec);
  }
}
