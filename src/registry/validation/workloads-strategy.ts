import type { FieldError } from '../../errors/index.js';
import { defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultStatefulSet } from '../defaults/workloads.js';
import type { KubeObject } from '../types.js';
import { type NameValidator, dns1123Label, dns1123Subdomain } from '../../util/name-validation.js';
import { validateKubeFinalizers, validateObjectMetaUpdate } from './object-meta.js';
import type { Strategy } from './strategy.js';
import { Fields, type Obj, isObj, semanticEqual } from './typed-fields.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDeployment,
  validateReplicaSet,
  validateSelectorImmutable,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './workloads-apps.js';
import { CONTROLLER_UID, JOB_NAME, generateJobSelector, validateCronJob, validateCronJobName, validateJob, validateJobUpdate } from './workloads-batch.js';

/**
 * The REST strategies of the workload kinds (pkg/registry/apps/{deployment,replicaset,
 * statefulset,daemonset,controllerrevision} and pkg/registry/batch/{job,cronjob}):
 * - PrepareForCreate: a Job's selector and labels generated, a DaemonSet's template generation 1
 * - PrepareForUpdate: defaults, a DaemonSet's template generation bumped when its template changes
 * - Validate on every write, ValidateUpdate for what may not change
 * The status and the generation (emptied, kept, bumped) are registry/lifecycle.ts's, for every kind.
 */
const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';
const creating = new WeakSet<object>();
const updating = new WeakMap<object, Obj>();

interface WorkloadKind {
  nameValidator: NameValidator;
  defaults(o: Obj): void;
  validate(f: Fields, o: Obj, old: Obj | undefined, create: boolean): FieldError[];
  validateUpdate?(next: Obj, old: Obj): FieldError[];
  afterCreate?(o: Obj): void;
  afterUpdate?(next: Obj, old: Obj): void;
}

function strategy(kind: WorkloadKind): Strategy {
  return {
    nameValidator: kind.nameValidator,
    prepareForCreate(obj: KubeObject) {
      const o = obj as Obj & KubeObject;
      creating.add(o);
      kind.afterCreate?.(o);
    },
    prepareForUpdate(next: KubeObject, old: KubeObject) {
      const n = next as Obj & KubeObject;
      const o = old as Obj & KubeObject;
      updating.set(n, o);
      kind.defaults(n);
      kind.afterUpdate?.(n, o);
    },
    defaults: (obj: KubeObject) => kind.defaults(obj as Obj),
    validate(obj: KubeObject) {
      const create = creating.delete(obj);
      const old = updating.get(obj);
      updating.delete(obj);
      const f = new Fields();
      const errs = [...validateKubeFinalizers(obj.metadata), ...kind.validate(f, obj as Obj, old, create)];
      return [...f.errs, ...errs];
    },
    validateUpdate(next: KubeObject, old: KubeObject) {
      return [...validateObjectMetaUpdate(next.metadata, old.metadata), ...(kind.validateUpdate?.(next as Obj, old as Obj) ?? [])];
    },
  };
}

export const deploymentStrategy = strategy({
  nameValidator: dns1123Subdomain,
  defaults: defaultDeployment,
  validate: (f, o) => validateDeployment(f, o),
  validateUpdate: validateSelectorImmutable,
});

export const replicaSetStrategy = strategy({
  nameValidator: dns1123Subdomain,
  defaults: defaultReplicaSet,
  validate: (f, o) => validateReplicaSet(f, o),
  validateUpdate: validateSelectorImmutable,
});

export const statefulSetStrategy = strategy({
  nameValidator: dns1123Label,
  defaults: defaultStatefulSet,
  validate: (f, o) => validateStatefulSet(f, o),
  validateUpdate: validateStatefulSetUpdate,
});

function templateGeneration(o: Obj): number {
  const meta = isObj(o.metadata) ? o.metadata : {};
  const a = isObj(meta.annotations) ? meta.annotations : {};
  const n = Number(a[TEMPLATE_GENERATION]);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function setTemplateGeneration(o: Obj, n: number): void {
  const meta = (isObj(o.metadata) ? o.metadata : (o.metadata = {})) as Obj;
  meta.annotations = { ...(isObj(meta.annotations) ? meta.annotations : {}), [TEMPLATE_GENERATION]: String(n) };
}

export const daemonSetStrategy = strategy({
  nameValidator: dns1123Subdomain,
  defaults: defaultDaemonSet,
  validate: (f, o) => validateDaemonSet(f, o),
  validateUpdate: validateSelectorImmutable,
  afterCreate: (o) => setTemplateGeneration(o, Math.max(1, templateGeneration(o))),
  afterUpdate(n, o) {
    const ns = isObj(n.spec) ? n.spec : {};
    const os = isObj(o.spec) ? o.spec : {};
    const gen = templateGeneration(o);
    setTemplateGeneration(n, semanticEqual(ns.template, os.template) ? gen : gen + 1);
  },
});

export const controllerRevisionStrategy = strategy({
  nameValidator: dns1123Subdomain,
  defaults: () => undefined,
  validate: (f, o) => validateControllerRevision(f, o),
  validateUpdate: validateControllerRevisionUpdate,
});

/** validationOptionsForJob: the prefixed batch.kubernetes.io labels are required of new Jobs and of Jobs that have them. */
function requirePrefixedLabels(old: Obj | undefined): boolean {
  if (!old) return true;
  const spec = isObj(old.spec) ? old.spec : {};
  const t = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata : {};
  const labels = isObj(t.labels) ? t.labels : {};
  return JOB_NAME in labels && CONTROLLER_UID in labels;
}

export const jobStrategy = strategy({
  nameValidator: dns1123Subdomain,
  defaults: defaultJob,
  validate: (f, o, old) => validateJob(f, o, requirePrefixedLabels(old)),
  validateUpdate: validateJobUpdate,
  afterCreate(o) {
    if (o.spec === undefined || o.spec === null) o.spec = {};
    if (isObj(o.spec) && o.spec.manualSelector !== true) generateJobSelector(o);
  },
});

export const cronJobStrategy = strategy({
  nameValidator: dns1123Subdomain,
  defaults: defaultCronJob,
  validate: (f, o, old, create) => [...(create ? validateCronJobName(o) : []), ...validateCronJob(f, o, old && isObj(old.spec) ? old.spec : undefined)],
});

/** The workload kinds by name, for strategies.ts. */
export const WORKLOAD_STRATEGIES: Record<string, Strategy> = {
  Deployment: deploymentStrategy,
  ReplicaSet: replicaSetStrategy,
  StatefulSet: statefulSetStrategy,
  DaemonSet: daemonSetStrategy,
  ControllerRevision: controllerRevisionStrategy,
  Job: jobStrategy,
  CronJob: cronJobStrategy,
};
