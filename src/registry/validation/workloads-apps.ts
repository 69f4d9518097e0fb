import { type FieldError, forbidden, invalid, notSupported, required } from '../../errors/index.js';
import { appsTypes, goTypes, invalidGo, labelSelectorType, notSupportedGo } from './go-syntax.js';
import { selectorEmpty, selectorFrom, selectorMatches, validateLabelMap, validateLabelSelector } from './label-selector.js';
import { FIELD_IMMUTABLE, IS_NEGATIVE, validateAnnotations } from './object-meta.js';
import { validatePodSpecificAnnotations, validatePodTemplateSpec } from './pod-spec.js';
import { type Fields, type Obj, isObj, semanticEqual } from './typed-fields.js';

/**
 * apps/v1 validation (pkg/apis/apps/validation/validation.go and the registry strategies of
 * pkg/registry/apps): Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision. Pod
 * templates are validated as pods are, at `spec.template.spec...`.
 */
const PERCENT_RE = /^[0-9]+%$/;
const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

export function nonNegative(f: Fields, v: unknown, path: string): FieldError[] {
  const n = f.int(v, path);
  return n !== undefined && n < 0 ? [invalid(path, n, IS_NEGATIVE)] : [];
}

/** ValidatePositiveIntOrPercent. */
function positiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return PERCENT_RE.test(v) ? [] : [invalidGo(path, v, goTypes.intOrString, PERCENT_MSG)];
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, IS_NEGATIVE)] : [];
  if (v === undefined || v === null) return [];
  return [invalidGo(path, v, goTypes.intOrString, "must be an integer or percentage (e.g '5%')")];
}

/** getIntOrPercentValue. */
function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return PERCENT_RE.test(v) ? Number(v.slice(0, -1)) : /^-?[0-9]+$/.test(v) ? Number(v) : 0;
  return 0;
}

function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  return typeof v === 'string' && PERCENT_RE.test(v) && Number(v.slice(0, -1)) > 100 ? [invalidGo(path, v, goTypes.intOrString, 'must not be greater than 100%')] : [];
}

/**
 * The selector and template checks the replicated kinds share: selector required (but for the
 * DaemonSet), valid and non-empty, matching the template's labels.
 */
function validateSelectorAndTemplate(f: Fields, spec: Obj, kind: string, opts: { requireSelector: boolean; fullTemplate: boolean; badSelector: string }): FieldError[] {
  const errs: FieldError[] = [];
  const sel = f.obj(spec.selector, 'spec.selector');
  if (!sel && opts.requireSelector) errs.push(required('spec.selector', ''));
  if (sel) {
    errs.push(...validateLabelSelector(f, sel, 'spec.selector'));
    const n = Object.keys(isObj(sel.matchLabels) ? sel.matchLabels : {}).length + (Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0);
    if (n === 0) errs.push(invalidGo('spec.selector', sel, labelSelectorType, `empty selector is invalid for ${kind}`));
  }
  const template = f.obj(spec.template, 'spec.template') ?? {};
  const tmeta = f.obj(template.metadata, 'spec.template.metadata') ?? {};
  const tlabels = f.strMap(tmeta.labels, 'spec.template.metadata.labels');
  const selector = selectorFrom(spec.selector);
  if (!selector) {
    if (opts.badSelector !== 'skip') errs.push(invalidGo('spec.selector', spec.selector, labelSelectorType, opts.badSelector));
  } else if (!selectorEmpty(selector) && !selectorMatches(selector, tlabels)) {
    errs.push(invalidGo('spec.template.metadata.labels', tlabels ?? null, goTypes.stringMap, '`selector` does not match template `labels`'));
  }
  if (opts.fullTemplate) {
    errs.push(...validatePodTemplateSpec(f, template, 'spec.template'));
  } else {
    // ValidatePodTemplateSpecForStatefulSet checks the template's metadata only
    const annotations = f.strMap(tmeta.annotations, 'spec.template.metadata.annotations');
    errs.push(...validateLabelMap(tlabels, 'spec.template.labels'), ...validateAnnotations(annotations, 'spec.template.annotations'));
    errs.push(...validatePodSpecificAnnotations(annotations, isObj(template.spec) ? template.spec : {}, 'spec.template.annotations'));
  }
  const tspec = isObj(template.spec) ? template.spec : {};
  if (tspec.restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', tspec.restartPolicy ?? '', ['Always']));
  if (tspec.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kind === 'deployment' ? 'ReplicaSet' : kind === 'statefulset' ? 'StatefulSet' : 'DaemonSet'} is not Supported`));
  }
  return errs;
}

function specOf(f: Fields, obj: Obj): Obj {
  return f.obj(obj.spec, 'spec') ?? {};
}

/** ValidateDeploymentSpec. */
export function validateDeployment(f: Fields, obj: Obj): FieldError[] {
  const spec = specOf(f, obj);
  const errs = [...nonNegative(f, spec.replicas, 'spec.replicas')];
  errs.push(...validateSelectorAndTemplate(f, spec, 'deployment', { requireSelector: true, fullTemplate: true, badSelector: 'invalid label selector' }));
  const strategy = f.obj(spec.strategy, 'spec.strategy') ?? {};
  const ru = f.obj(strategy.rollingUpdate, 'spec.strategy.rollingUpdate');
  switch (strategy.type) {
    case 'Recreate':
      if (ru) errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate':
      if (!ru) errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
      else {
        const p = 'spec.strategy.rollingUpdate';
        errs.push(...positiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...positiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
        if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
          errs.push(invalidGo(`${p}.maxUnavailable`, ru.maxUnavailable ?? 0, goTypes.intOrString, 'may not be 0 when `maxSurge` is 0'));
        }
        errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      }
      break;
    default:
      errs.push(notSupportedGo('spec.strategy', strategy, appsTypes.deploymentStrategy, ['Recreate', 'RollingUpdate']));
  }
  const minReady = f.int(spec.minReadySeconds, 'spec.minReadySeconds') ?? 0;
  errs.push(...nonNegative(f, spec.minReadySeconds, 'spec.minReadySeconds'), ...nonNegative(f, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = f.int(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds');
  if (pds !== undefined) {
    errs.push(...nonNegative(f, pds, 'spec.progressDeadlineSeconds'));
    if (pds <= minReady) errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** ValidateReplicaSetSpec (whose empty-selector message says "deployment", as Kubernetes' does). */
export function validateReplicaSet(f: Fields, obj: Obj): FieldError[] {
  const spec = specOf(f, obj);
  const errs = [...nonNegative(f, spec.replicas, 'spec.replicas'), ...nonNegative(f, spec.minReadySeconds, 'spec.minReadySeconds')];
  errs.push(...validateSelectorAndTemplate(f, spec, 'deployment', { requireSelector: true, fullTemplate: true, badSelector: 'invalid label selector' }));
  return errs;
}

/** ValidateStatefulSetSpec: the template's pod spec is not validated here (Kubernetes defers it to the pods). */
export function validateStatefulSet(f: Fields, obj: Obj): FieldError[] {
  const spec = specOf(f, obj);
  const errs: FieldError[] = [];
  const pmp = f.str(spec.podManagementPolicy, 'spec.podManagementPolicy') ?? '';
  if (pmp === '') errs.push(required('spec.podManagementPolicy', ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = f.obj(spec.updateStrategy, 'spec.updateStrategy') ?? {};
  const ru = f.obj(us.rollingUpdate, 'spec.updateStrategy.rollingUpdate');
  switch (us.type ?? '') {
    case '':
      errs.push(required('spec.updateStrategy', ''));
      break;
    case 'OnDelete':
      if (ru) errs.push(invalidGo('spec.updateStrategy.rollingUpdate', ru, appsTypes.rollingUpdateStatefulSet, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (ru) {
        const p = 'spec.updateStrategy.rollingUpdate';
        errs.push(...nonNegative(f, ru.partition, `${p}.partition`));
        if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
          errs.push(...positiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
          if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalidGo(`${p}.maxUnavailable`, ru.maxUnavailable, goTypes.intOrString, 'cannot be 0'));
          errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
        }
      }
      break;
    default:
      errs.push(invalidGo('spec.updateStrategy', us, appsTypes.statefulSetUpdateStrategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const pvc = f.obj(spec.persistentVolumeClaimRetentionPolicy, 'spec.persistentVolumeClaimRetentionPolicy');
  if (pvc) {
    for (const k of ['whenDeleted', 'whenScaled']) {
      if (pvc[k] !== 'Retain' && pvc[k] !== 'Delete') errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, pvc[k] ?? '', ['Retain', 'Delete']));
    }
  }
  errs.push(...nonNegative(f, spec.replicas, 'spec.replicas'), ...nonNegative(f, spec.minReadySeconds, 'spec.minReadySeconds'));
  const ordinals = f.obj(spec.ordinals, 'spec.ordinals');
  if (ordinals) errs.push(...nonNegative(f, ordinals.start, 'spec.ordinals.start'));
  errs.push(...validateSelectorAndTemplate(f, spec, 'statefulset', { requireSelector: true, fullTemplate: false, badSelector: '' }));
  return errs;
}

/** ValidateDaemonSetSpec (a missing selector fails only as a selector that matches nothing). */
export function validateDaemonSet(f: Fields, obj: Obj): FieldError[] {
  const spec = specOf(f, obj);
  const errs = validateSelectorAndTemplate(f, spec, 'daemonset', { requireSelector: false, fullTemplate: true, badSelector: 'skip' });
  errs.push(...nonNegative(f, spec.minReadySeconds, 'spec.minReadySeconds'));
  const us = f.obj(spec.updateStrategy, 'spec.updateStrategy') ?? {};
  const p = 'spec.updateStrategy';
  if (us.type === 'RollingUpdate') {
    const ru = f.obj(us.rollingUpdate, `${p}.rollingUpdate`);
    if (!ru) errs.push(required(`${p}.rollingUpdate`, ''));
    else {
      const rp = `${p}.rollingUpdate`;
      errs.push(...positiveIntOrPercent(ru.maxUnavailable, `${rp}.maxUnavailable`), ...positiveIntOrPercent(ru.maxSurge, `${rp}.maxSurge`));
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${rp}.maxUnavailable`), ...notMoreThan100Percent(ru.maxSurge, `${rp}.maxSurge`));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalidGo(`${rp}.maxSurge`, ru.maxSurge, goTypes.intOrString, 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(required(`${rp}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
    }
  } else if (us.type !== 'OnDelete') {
    errs.push(notSupportedGo(p, us, appsTypes.daemonSetUpdateStrategy, ['RollingUpdate', 'OnDelete']));
  }
  errs.push(...nonNegative(f, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

/** ValidateControllerRevision: data is mandatory, revision not negative. */
export function validateControllerRevision(f: Fields, obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data === undefined || obj.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative(f, obj.revision, 'revision'));
  return errs;
}

/** The selector of Deployments, ReplicaSets and DaemonSets is immutable in apps/v1 (the strategies' ValidateUpdate). */
export function validateSelectorImmutable(next: Obj, old: Obj): FieldError[] {
  const ns = isObj(next.spec) ? next.spec.selector : undefined;
  const os = isObj(old.spec) ? old.spec.selector : undefined;
  return semanticEqual(ns, os) ? [] : [invalidGo('spec.selector', ns ?? null, labelSelectorType, FIELD_IMMUTABLE)];
}

/** ValidateStatefulSetUpdate: only replicas, ordinals, template, updateStrategy, PVC retention and minReadySeconds change. */
export function validateStatefulSetUpdate(next: Obj, old: Obj): FieldError[] {
  const ns = isObj(next.spec) ? { ...next.spec } : {};
  const os = isObj(old.spec) ? old.spec : {};
  for (const k of ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy']) ns[k] = os[k];
  return semanticEqual(ns, os)
    ? []
    : [forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

/** ValidateControllerRevisionUpdate: data is immutable. */
export function validateControllerRevisionUpdate(next: Obj, old: Obj): FieldError[] {
  return semanticEqual(next.data, old.data) ? [] : [invalid('data', next.data ?? null, FIELD_IMMUTABLE)];
}
