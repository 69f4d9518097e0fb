import { FieldError, invalid, notSupported, required } from '../../errors/index.js';
import { goQuote } from '../../util/go-format.js';
import { knownTimeZone, parseCronError } from './cron-schedule.js';
import { RenderedFieldError, goTypes, invalidGo, labelSelectorType, tooMany } from './go-syntax.js';
import { selectorFrom, selectorMatches, validateLabelSelector } from './label-selector.js';
import { dns1123Label, qualifiedName } from '../../util/name-validation.js';
import { FIELD_IMMUTABLE } from './object-meta.js';
import { validatePodTemplateSpec } from './pod-spec.js';
import { type Fields, type Obj, isObj, semanticEqual } from './typed-fields.js';
import { nonNegative } from './workloads-apps.js';

/**
 * batch/v1 validation (pkg/apis/batch/validation/validation.go, pkg/registry/batch/job and
 * cronjob strategies): Job and CronJob, their generated selector and labels, the pod failure and
 * success policies, the schedule and time zone, and what a Job's update may not change.
 */
export const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID = 'controller-uid';
export const LEGACY_JOB_NAME = 'job-name';
const ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

/** generateSelector (the Job strategy's PrepareForCreate): labels naming the Job and its UID, and a selector on the UID. */
export function generateJobSelector(job: Obj): void {
  const spec = isObj(job.spec) ? job.spec : undefined;
  const meta = isObj(job.metadata) ? job.metadata : {};
  if (!spec || spec.manualSelector === true) return;
  if (spec.template === undefined || spec.template === null) spec.template = {};
  if (!isObj(spec.template)) return;
  if (spec.template.metadata === undefined || spec.template.metadata === null) spec.template.metadata = {};
  const tmeta = spec.template.metadata;
  if (!isObj(tmeta)) return;
  if (!isObj(tmeta.labels)) tmeta.labels = {};
  const labels = tmeta.labels as Record<string, unknown>;
  for (const k of [LEGACY_JOB_NAME, JOB_NAME]) if (!(k in labels)) labels[k] = meta.name ?? '';
  for (const k of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) if (!(k in labels)) labels[k] = meta.uid ?? '';
  if (!isObj(spec.selector)) spec.selector = {};
  const sel = spec.selector as Obj;
  if (!isObj(sel.matchLabels)) sel.matchLabels = {};
  const ml = sel.matchLabels as Record<string, unknown>;
  if (!(CONTROLLER_UID in ml)) ml[CONTROLLER_UID] = meta.uid ?? '';
}

/** ValidateHasLabel. */
function hasLabel(labels: Record<string, string> | undefined, key: string, value: string): FieldError[] {
  const path = `spec.template.metadata.labels[${key}]`;
  if (!labels || !(key in labels)) return [required(path, `must be '${value}'`)];
  return labels[key] !== value ? [invalidGo(path, labels, goTypes.stringMap, `must be '${value}'`)] : [];
}

/** validateGeneratedSelector. */
function validateGeneratedSelector(f: Fields, job: Obj, requirePrefixed: boolean): FieldError[] {
  const spec = isObj(job.spec) ? job.spec : {};
  if (spec.manualSelector === true || !isObj(spec.selector)) return [];
  const meta = isObj(job.metadata) ? job.metadata : {};
  const uid = typeof meta.uid === 'string' ? meta.uid : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  const errs: FieldError[] = [];
  if (!uid) errs.push(required('metadata.uid', ''));
  const t = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata : {};
  const labels = f.strMap(t.labels, 'spec.template.metadata.labels');
  errs.push(...hasLabel(labels, LEGACY_CONTROLLER_UID, uid), ...hasLabel(labels, LEGACY_JOB_NAME, name));
  const expected: Record<string, string> = { [LEGACY_CONTROLLER_UID]: uid, [LEGACY_JOB_NAME]: name };
  if (requirePrefixed) {
    errs.push(...hasLabel(labels, CONTROLLER_UID, uid), ...hasLabel(labels, JOB_NAME, name));
    Object.assign(expected, { [CONTROLLER_UID]: uid, [JOB_NAME]: name });
  }
  const sel = selectorFrom(spec.selector);
  if (sel && !selectorMatches(sel, expected)) errs.push(invalidGo('spec.selector', spec.selector, labelSelectorType, '`selector` not auto-generated'));
  return errs;
}

/** ValidateJob: metadata-dependent rules, the spec, the selector, and indexed pods' hostnames. */
export function validateJob(f: Fields, job: Obj, requirePrefixed: boolean): FieldError[] {
  const spec = f.obj(job.spec, 'spec') ?? {};
  const errs = [...validateGeneratedSelector(f, job, requirePrefixed), ...validateJobSpec(f, spec, 'spec')];
  const meta = isObj(job.metadata) ? job.metadata : {};
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    const host = `${String(meta.name ?? '')}-${spec.completions - 1}`;
    if (dns1123Label(host).length) errs.push(invalid('metadata.name', meta.name ?? '', `will not able to create pod with invalid DNS label: ${host}`));
  }
  return errs;
}

/** ValidateJobSpec: validateJobSpec, a required valid selector that matches the template. */
function validateJobSpec(f: Fields, spec: Obj, path: string): FieldError[] {
  const errs = validateJobSpecCommon(f, spec, path);
  const sel = f.obj(spec.selector, `${path}.selector`);
  if (!sel) errs.push(required(`${path}.selector`, ''));
  else errs.push(...validateLabelSelector(f, sel, `${path}.selector`));
  const selector = selectorFrom(spec.selector);
  const t = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata : {};
  const labels = isObj(t.labels) ? (t.labels as Record<string, string>) : undefined;
  if (selector && !selectorMatches(selector, labels)) errs.push(invalidGo(`${path}.template.metadata.labels`, labels ?? null, goTypes.stringMap, '`selector` does not match template `labels`'));
  return errs;
}

/** validateJobSpec (shared with a CronJob's job template). */
function validateJobSpecCommon(f: Fields, spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    errs.push(...nonNegative(f, spec[k], `${path}.${k}`));
  }
  const completions = f.int(spec.completions, `${path}.completions`);
  const parallelism = f.int(spec.parallelism, `${path}.parallelism`);
  const perIndex = f.int(spec.backoffLimitPerIndex, `${path}.backoffLimitPerIndex`);
  const maxFailed = f.int(spec.maxFailedIndexes, `${path}.maxFailedIndexes`);
  if (maxFailed !== undefined && perIndex === undefined) errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  const managedBy = f.str(spec.managedBy, `${path}.managedBy`);
  if (managedBy !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[-A-Za-z0-9_.~!$&'()*+,;=:@/]+$/.test(managedBy)) {
      errs.push(invalid(`${path}.managedBy`, managedBy, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    }
    if (managedBy.length > 63) errs.push(new FieldError('FieldValueTooLong', `${path}.managedBy`, managedBy, 'may not be longer than 63'));
  }
  const mode = f.str(spec.completionMode, `${path}.completionMode`);
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (completions === undefined) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > 100000) errs.push(invalid(`${path}.parallelism`, parallelism, 'must be less than or equal to 100000 when completion mode is Indexed'));
      if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) errs.push(invalid(`${path}.maxFailedIndexes`, maxFailed, 'must be less than or equal to completions'));
      if (maxFailed !== undefined && maxFailed > 100000) errs.push(invalid(`${path}.maxFailedIndexes`, maxFailed, 'must be less than or equal to 100000'));
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (perIndex !== undefined) errs.push(invalid(`${path}.backoffLimitPerIndex`, perIndex, 'requires indexed completion mode'));
    if (maxFailed !== undefined) errs.push(invalid(`${path}.maxFailedIndexes`, maxFailed, 'requires indexed completion mode'));
  }
  const pfp = f.obj(spec.podFailurePolicy, `${path}.podFailurePolicy`);
  if (pfp) errs.push(...validatePodFailurePolicy(f, pfp, spec, `${path}.podFailurePolicy`));
  const sp = f.obj(spec.successPolicy, `${path}.successPolicy`);
  if (sp) {
    if (mode !== 'Indexed') errs.push(new RenderedFieldError('FieldValueInvalid', `${path}.successPolicy`, `batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{...}}`, 'requires indexed completion mode'));
    else {
      const rules = f.objList(sp.rules, `${path}.successPolicy.rules`);
      if (!rules.length) errs.push(required(`${path}.successPolicy.rules`, 'at least one rules must be specified when the successPolicy is specified'));
      if (rules.length > 20) errs.push(tooMany(`${path}.successPolicy.rules`, rules.length, 20));
      for (const [i, r] of rules) {
        const rp = `${path}.successPolicy.rules[${i}]`;
        if ((r.succeededCount === undefined || r.succeededCount === null) && (r.succeededIndexes === undefined || r.succeededIndexes === null)) {
          errs.push(required(rp, 'at least one of succeededCount or succeededIndexes must be specified'));
        }
        const count = f.int(r.succeededCount, `${rp}.succeededCount`);
        if (count !== undefined) {
          errs.push(...nonNegative(f, count, `${rp}.succeededCount`));
          if (completions !== undefined && count > completions) errs.push(invalid(`${rp}.succeededCount`, count, `must be less than or equal to ${completions} (the number of specified completions)`));
        }
      }
    }
  }
  const prp = f.str(spec.podReplacementPolicy, `${path}.podReplacementPolicy`);
  if (prp !== undefined) {
    if (pfp && prp !== 'Failed') errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ['Failed']));
    else if (!pfp && prp !== 'Failed' && prp !== 'TerminatingOrFailed') errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ['Failed', 'TerminatingOrFailed']));
  }
  const template = f.obj(spec.template, `${path}.template`) ?? {};
  errs.push(...validatePodTemplateSpec(f, template, `${path}.template`));
  const rp = isObj(template.spec) ? template.spec.restartPolicy : undefined;
  if (rp === 'Always' || rp === '' || rp === undefined || rp === null) {
    errs.push(required(`${path}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  } else if (rp !== 'OnFailure' && rp !== 'Never') {
    errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp, ['OnFailure', 'Never']));
  } else if (pfp && rp !== 'Never') {
    errs.push(invalid(`${path}.template.spec.restartPolicy`, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

function validatePodFailurePolicy(f: Fields, pfp: Obj, spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = f.objList(pfp.rules, `${path}.rules`);
  if (rules.length > 20) errs.push(tooMany(`${path}.rules`, rules.length, 20));
  const names = new Set<string>();
  const t = isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : {};
  for (const l of [t.containers, t.initContainers]) for (const c of Array.isArray(l) ? l : []) if (isObj(c) && typeof c.name === 'string') names.add(c.name);
  for (const [i, rule] of rules) {
    const rp = `${path}.rules[${i}]`;
    const action = f.str(rule.action, `${rp}.action`) ?? '';
    if (action === '') errs.push(required(`${rp}.action`, `valid values: ["${ACTIONS.join('" "')}"]`));
    else if (action === 'FailIndex') {
      if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) errs.push(invalid(`${rp}.action`, action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!ACTIONS.includes(action)) errs.push(notSupported(`${rp}.action`, action, ACTIONS));
    const onExit = f.obj(rule.onExitCodes, `${rp}.onExitCodes`);
    const onConditions = f.objList(rule.onPodConditions, `${rp}.onPodConditions`);
    if (onExit) {
      const ep = `${rp}.onExitCodes`;
      const op = f.str(onExit.operator, `${ep}.operator`) ?? '';
      if (op === '') errs.push(required(`${ep}.operator`, 'valid values: ["In" "NotIn"]'));
      else if (op !== 'In' && op !== 'NotIn') errs.push(notSupported(`${ep}.operator`, op, ['In', 'NotIn']));
      const cn = f.str(onExit.containerName, `${ep}.containerName`);
      if (cn !== undefined && !names.has(cn)) errs.push(invalid(`${ep}.containerName`, cn, 'must be one of the container or initContainer names in the pod template'));
      const values = (f.arr(onExit.values, `${ep}.values`) ?? []).map((v) => (typeof v === 'number' ? v : 0));
      if (!values.length) errs.push(new RenderedFieldError('FieldValueInvalid', `${ep}.values`, '[]int32(nil)', 'at least one value is required'));
      else if (values.length > 255) errs.push(tooMany(`${ep}.values`, values.length, 255));
      const seen = new Set<number>();
      values.forEach((v, j) => {
        if (op === 'In' && v === 0) errs.push(invalid(`${ep}.values[${j}]`, v, 'must not be 0 for the In operator'));
        if (seen.has(v)) errs.push(new RenderedFieldError('FieldValueDuplicate', `${ep}.values[${j}]`, String(v), ''));
        seen.add(v);
      });
      if (values.some((v, j) => j > 0 && values[j - 1]! > v)) errs.push(new RenderedFieldError('FieldValueInvalid', `${ep}.values`, `[]int32{${values.join(', ')}}`, 'must be ordered'));
    }
    if (onConditions.length > 20) errs.push(tooMany(`${rp}.onPodConditions`, onConditions.length, 20));
    for (const [j, pat] of onConditions) {
      const pp = `${rp}.onPodConditions[${j}]`;
      const type = f.str(pat.type, `${pp}.type`) ?? '';
      for (const m of qualifiedName(type)) errs.push(invalid(`${pp}.type`, type, m));
      const status = f.str(pat.status, `${pp}.status`) ?? '';
      if (status === '') errs.push(required(`${pp}.status`, 'valid values: ["False" "True" "Unknown"]'));
      else if (!['False', 'True', 'Unknown'].includes(status)) errs.push(notSupported(`${pp}.status`, status, ['False', 'True', 'Unknown']));
    }
    if (onExit && onConditions.length) errs.push(new RenderedFieldError('FieldValueInvalid', rp, '', 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExit && !onConditions.length) errs.push(new RenderedFieldError('FieldValueInvalid', rp, '', 'specifying one of OnExitCodes and OnPodConditions is required'));
  }
  return errs;
}

/** ValidateJobSpecUpdate's immutability rules (ValidateJobSpec itself runs as the create validation does). */
export function validateJobUpdate(next: Obj, old: Obj): FieldError[] {
  const ns = isObj(next.spec) ? next.spec : {};
  const os = isObj(old.spec) ? old.spec : {};
  const errs: FieldError[] = [];
  const indexed = ns.completionMode === 'Indexed';
  if (!semanticEqual(ns.completions, os.completions, 'completions')) {
    if (!indexed) errs.push(invalid('spec.completions', ns.completions ?? null, FIELD_IMMUTABLE));
    else if (typeof ns.completions === 'number' && ns.completions !== ns.parallelism) {
      errs.push(invalid('spec.completions', ns.completions, 'can only be modified in tandem with spec.parallelism'));
    }
  }
  if (!semanticEqual(ns.selector, os.selector)) errs.push(invalidGo('spec.selector', ns.selector ?? null, labelSelectorType, FIELD_IMMUTABLE));
  const oldTemplate: Obj = structuredClone(isObj(os.template) ? os.template : {});
  const newTemplate: Obj = isObj(ns.template) ? ns.template : {};
  const status = isObj(old.status) ? old.status : {};
  if (os.suspend === true && !status.startTime) {
    // suspended Jobs that never started may change their scheduling directives
    const ot = isObj(oldTemplate.spec) ? oldTemplate.spec : (oldTemplate.spec = {});
    const nt = isObj(newTemplate.spec) ? newTemplate.spec : {};
    for (const k of ['nodeSelector', 'tolerations', 'schedulingGates']) (ot as Obj)[k] = nt[k];
    const na = isObj(nt.affinity) ? nt.affinity.nodeAffinity : undefined;
    if (isObj(ot.affinity)) ot.affinity = { ...ot.affinity, nodeAffinity: na };
    else if (na !== undefined) ot.affinity = { nodeAffinity: na };
    if (isObj(ot.affinity) && Object.values(ot.affinity).every((v) => v === undefined) && !isObj(nt.affinity)) ot.affinity = undefined;
    const om = isObj(oldTemplate.metadata) ? oldTemplate.metadata : (oldTemplate.metadata = {});
    const nm = isObj(newTemplate.metadata) ? newTemplate.metadata : {};
    (om as Obj).labels = nm.labels;
    (om as Obj).annotations = nm.annotations;
  }
  if (!semanticEqual(newTemplate, oldTemplate)) errs.push(new RenderedFieldError('FieldValueInvalid', 'spec.template', `core.PodTemplateSpec${JSON.stringify(newTemplate)}`, FIELD_IMMUTABLE));
  for (const k of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!semanticEqual(ns[k], os[k], k)) errs.push(invalid(`spec.${k}`, ns[k] ?? null, FIELD_IMMUTABLE));
  }
  return errs;
}

/** ValidateCronJobCreate's name limit: the controller appends an 11-character suffix. */
export function validateCronJobName(obj: Obj): FieldError[] {
  const name = isObj(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  return name.length > 52 ? [invalid('metadata.name', name, 'must be no more than 52 characters')] : [];
}

/** validateCronJobSpec. `old` is the spec before an update (a TZ in the schedule stays allowed if it was there). */
export function validateCronJob(f: Fields, obj: Obj, old: Obj | undefined): FieldError[] {
  const spec = f.obj(obj.spec, 'spec') ?? {};
  const errs: FieldError[] = [];
  const schedule = f.str(spec.schedule, 'spec.schedule') ?? '';
  const timeZone = f.str(spec.timeZone, 'spec.timeZone');
  if (!schedule) errs.push(required('spec.schedule', ''));
  else {
    const err = parseCronError(schedule);
    if (err) errs.push(invalid('spec.schedule', schedule, err));
    const allowTZ = old !== undefined && typeof old.schedule === 'string' && old.schedule.includes('TZ');
    if (allowTZ && schedule.includes('TZ') && timeZone !== undefined) errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ && schedule.includes('TZ')) errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  errs.push(...nonNegative(f, spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (timeZone !== undefined && (old === undefined || old.timeZone !== timeZone)) errs.push(...validateTimeZone(timeZone));
  const cp = f.str(spec.concurrencyPolicy, 'spec.concurrencyPolicy') ?? '';
  if (cp === '') errs.push(required('spec.concurrencyPolicy', ''));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  const jt = f.obj(spec.jobTemplate, 'spec.jobTemplate') ?? {};
  const jspec = f.obj(jt.spec, 'spec.jobTemplate.spec') ?? {};
  errs.push(...validateJobSpecCommon(f, jspec, 'spec.jobTemplate.spec'));
  if (jspec.selector !== undefined && jspec.selector !== null) errs.push(invalidGo('spec.jobTemplate.spec.selector', jspec.selector, labelSelectorType, '`selector` will be auto-generated'));
  if (jspec.manualSelector === true) errs.push(new RenderedFieldError('FieldValueNotSupported', 'spec.jobTemplate.spec.manualSelector', 'true', `supported values: ${['nil', 'false'].map(goQuote).join(', ')}`));
  errs.push(...nonNegative(f, spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'), ...nonNegative(f, spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone. */
function validateTimeZone(tz: string): FieldError[] {
  if (tz === '') return [invalid('spec.timeZone', tz, 'timeZone must be nil or non-empty string')];
  if (tz.split('/').some((p) => p === '.' || p === '..' || p.startsWith('-') || !TZ_PART.test(p))) return [invalid('spec.timeZone', tz, `unknown time zone ${tz}`)];
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(invalid('spec.timeZone', tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (!knownTimeZone(tz)) errs.push(invalid('spec.timeZone', tz, `unknown time zone ${tz}`));
  return errs;
}

