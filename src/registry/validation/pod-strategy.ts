import { errors, type FieldError, forbidden } from '../../errors/index.js';
import { defaultPod } from '../defaults/pod.js';
import type { KubeObject, Pod } from '../types.js';
import { dns1123Subdomain } from '../../util/name-validation.js';
import { validatePodMetadataAndSpec } from './pod.js';
import { podValidationOptions, validatePodUpdateRules } from './pod-update.js';
import { cmpQuantity, parseQuantity } from './quantity.js';
import type { Strategy } from './strategy.js';
import { Fields, type Obj, isObj } from './typed-fields.js';

/**
 * The pod's REST strategy (pkg/registry/core/pod/strategy.go) over the validators:
 * - PrepareForCreate: status reset to Pending with the pod's QoS class (and the
 *   SchedulingGated condition while gates remain)
 * - PrepareForUpdate: status and generation kept (status has its own subresource)
 * - defaulting (after a shape check, so that admission never walks a string as a list)
 * - Validate: validatePodMetadataAndSpec, plus ValidatePodCreate's create-only rules on create
 * - ValidateUpdate: the rest of ValidatePodUpdate (immutability, the Forbidden diff)
 */
const creating = new WeakSet<object>();
/** next → old, for the options an update's validation takes from the old pod */
const updating = new WeakMap<object, Pod>();
const LIST_FIELDS = ['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'imagePullSecrets', 'tolerations'];
const CONTAINER_LIST_FIELDS = ['volumeMounts', 'env', 'envFrom', 'ports'];

/** Kubernetes' qos.ComputePodQOS for the pod's containers (requests default to limits). */
export function podQOS(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  let any = false;
  let guaranteed = true;
  const containers = [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...(Array.isArray(spec.containers) ? spec.containers : [])];
  for (const c of containers) {
    const res = isObj(c) && isObj(c.resources) ? c.resources : {};
    const limits = isObj(res.limits) ? res.limits : {};
    const requests = { ...limits, ...(isObj(res.requests) ? res.requests : {}) };
    for (const r of ['cpu', 'memory']) {
      const req = parseQuantity(requests[r]);
      const lim = parseQuantity(limits[r]);
      if ((req && req.num !== 0n) || (lim && lim.num !== 0n)) any = true;
      if (!lim || lim.num === 0n || !req || cmpQuantity(req, lim) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed && containers.length > 0 ? 'Guaranteed' : 'Burstable';
}

/**
 * What Go's decoder would refuse outright (a spec that is not an object, lists that are not
 * lists) is refused here, before admission reads the pod; `null` list entries become the empty
 * object Go decodes them to.
 */
function normalizeShape(pod: Pod): void {
  const f = new Fields();
  if (pod.spec === undefined || pod.spec === null) return;
  const spec = f.obj(pod.spec, 'spec');
  if (spec) {
    for (const k of LIST_FIELDS) {
      const list = f.arr(spec[k], `spec.${k}`);
      if (list) spec[k] = list.map((e) => (e === null ? {} : e));
      list?.forEach((e, i) => f.obj(e, `spec.${k}[${i}]`));
    }
    for (const k of ['containers', 'initContainers', 'ephemeralContainers']) {
      (Array.isArray(spec[k]) ? (spec[k] as unknown[]) : []).forEach((c, i) => {
        if (!isObj(c)) return;
        for (const l of CONTAINER_LIST_FIELDS) {
          const list = f.arr(c[l], `spec.${k}[${i}].${l}`);
          if (list) c[l] = list.map((e) => (e === null ? {} : e));
          list?.forEach((e, j) => f.obj(e, `spec.${k}[${i}].${l}[${j}]`));
        }
        f.str(c.name, `spec.${k}[${i}].name`);
      });
    }
    (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v, i) => {
      if (!isObj(v)) return;
      f.str(v.name, `spec.volumes[${i}].name`);
      const projected = f.obj(v.projected, `spec.volumes[${i}].projected`);
      const sources = projected ? f.arr(projected.sources, `spec.volumes[${i}].projected.sources`) : undefined;
      if (projected && sources) projected.sources = sources.map((e) => (e === null ? {} : e));
    });
    f.str(spec.serviceAccountName, 'spec.serviceAccountName');
    f.bool(spec.automountServiceAccountToken, 'spec.automountServiceAccountToken');
  }
  if (f.errs.length) throw errors.invalid('Pod', pod.metadata.name ?? '', f.errs);
}

/** PodScheduled=False while scheduling gates remain (applyWaitingForSchedulingGatesCondition). */
function schedulingGatedCondition(spec: Obj): Obj[] | undefined {
  if (!(Array.isArray(spec.schedulingGates) && spec.schedulingGates.length)) return undefined;
  return [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: null, reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }];
}

/** ValidatePodCreate's rules beyond validatePodMetadataAndSpec. */
function createOnly(pod: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const spec = isObj(pod.spec) ? (pod.spec as Obj) : {};
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (spec.nodeName && Array.isArray(spec.schedulingGates) && spec.schedulingGates.length) errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  return errs;
}

export const podStrategy: Strategy = {
  nameValidator: dns1123Subdomain,
  prepareForCreate(obj: KubeObject) {
    const pod = obj as Pod;
    normalizeShape(pod);
    creating.add(pod);
    const spec = isObj(pod.spec) ? (pod.spec as Obj) : {};
    const status: Obj = { phase: 'Pending' };
    const conditions = schedulingGatedCondition(spec);
    if (conditions) status.conditions = conditions;
    status.qosClass = podQOS(spec);
    pod.status = status;
  },
  prepareForUpdate(next: KubeObject, old: KubeObject) {
    normalizeShape(next as Pod);
    (next as Pod).status = (old as Pod).status;
    updating.set(next, old as Pod);
    if (old.metadata.generation !== undefined) next.metadata.generation = old.metadata.generation;
    else delete next.metadata.generation;
  },
  defaults(obj: KubeObject) {
    if (obj.spec === undefined || obj.spec === null || isObj(obj.spec)) defaultPod(obj);
  },
  validate(obj: KubeObject) {
    const pod = obj as Pod;
    const old = updating.get(pod);
    updating.delete(pod);
    const errs = validatePodMetadataAndSpec(pod, new Fields(podValidationOptions(old)));
    if (creating.has(pod)) {
      creating.delete(pod);
      errs.push(...createOnly(pod));
    }
    return errs;
  },
  validateUpdate(next: KubeObject, old: KubeObject) {
    return validatePodUpdateRules(next as Pod, old as Pod);
  },
};
