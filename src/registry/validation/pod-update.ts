import { type FieldError, forbidden, invalid, required } from '../../errors/index.js';
import type { Pod } from '../types.js';
import { RenderedFieldError, goSyntax, goTypes } from './go-syntax.js';
import { labelValue } from '../../util/name-validation.js';
import { validateObjectMetaUpdate } from './object-meta.js';
import { validateTolerations } from './pod-containers.js';
import { MIRROR_POD_ANNOTATION } from './pod-spec.js';
import { podSpecDiff } from './pod-spec-diff.js';
import { validatePodMetadataAndSpec } from './pod.js';
import { Fields, type Obj, isObj, semanticEqual } from './typed-fields.js';

/**
 * ValidatePodUpdate (pkg/apis/core/validation/validation.go, Kubernetes 1.33). A pod's spec is
 * immutable but for:
 * - `spec.containers[*].image` and `spec.initContainers[*].image` (never empty, no surrounding spaces)
 * - `spec.activeDeadlineSeconds`: set from nil, or lowered, never removed or raised
 * - `spec.tolerations`: additions, and `tolerationSeconds` of existing ones
 * - `spec.schedulingGates`: removals only; while any remain, `spec.nodeSelector` and the required
 *   node affinity may gain entries
 * - `spec.terminationGracePeriodSeconds`: 1 where it was negative
 * Anything else is `spec: Forbidden: pod updates may not change fields other than ...` followed
 * by the diff of the two specs. `spec.nodeName` is set through the binding subresource only.
 */
export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];
export const POD_UPDATE_FORBIDDEN = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}`;
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const MAX_INT32 = 2147483647;

function specOf(p: Pod): Obj {
  return isObj(p.spec) ? (p.spec as Obj) : {};
}

/** ValidatePodSpecificAnnotationUpdates: the mirror-pod and AppArmor annotations are fixed at creation. */
function validateAnnotationUpdates(next: Pod, old: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const na = next.metadata.annotations ?? {};
  const oa = old.metadata.annotations ?? {};
  for (const [k, v] of Object.entries(oa)) {
    if (k in na && na[k] === v) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbidden(`metadata.annotations[${k}]`, 'may not remove or update AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbidden(`metadata.annotations[${k}]`, 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(na)) {
    if (k in oa) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbidden(`metadata.annotations[${k}]`, 'may not add AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbidden(`metadata.annotations[${k}]`, 'may not add mirror pod annotation'));
  }
  return errs;
}

/** ValidateContainerUpdates: same number of containers (else stop), images present and trimmed. */
function validateContainerUpdates(next: unknown, old: unknown, path: string): { errs: FieldError[]; stop: boolean } {
  const n = Array.isArray(next) ? next : [];
  const o = Array.isArray(old) ? old : [];
  if (n.length !== o.length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = isObj(c) && typeof c.image === 'string' ? c.image : '';
    if (!image) errs.push(required(`${path}[${i}].image`, ''));
    if (image.trim() !== image) errs.push(invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** validateOnlyAddedTolerations: each old toleration still present, `tolerationSeconds` aside. */
function validateOnlyAddedTolerations(next: unknown, old: unknown, path: string): FieldError[] {
  const n = (Array.isArray(next) ? next : []).filter(isObj);
  for (const o of (Array.isArray(old) ? old : []).filter(isObj)) {
    const found = n.some((t) => semanticEqual({ ...o, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(new Fields(), next, path);
}

function validateOnlyDeletedSchedulingGates(next: unknown, old: unknown, path: string): FieldError[] {
  const gates = (Array.isArray(next) ? next : []).map((g) => (isObj(g) && typeof g.name === 'string' ? g.name : ''));
  const before = new Set((Array.isArray(old) ? old : []).map((g) => (isObj(g) ? g.name : undefined)));
  const added = new Map<string, number>();
  gates.forEach((g, i) => added.set(g, i));
  for (const g of before) if (typeof g === 'string') added.delete(g);
  return [...added].map(([g, i]) => forbidden(`${path}[${i}].name`, `only deletion is allowed, but found new scheduling gate '${g}'`));
}

function requiredTerms(spec: Obj): Obj[] | undefined {
  const na = isObj(spec.affinity) && isObj(spec.affinity.nodeAffinity) ? spec.affinity.nodeAffinity : undefined;
  const req = na && isObj(na.requiredDuringSchedulingIgnoredDuringExecution) ? na.requiredDuringSchedulingIgnoredDuringExecution : undefined;
  return req ? (Array.isArray(req.nodeSelectorTerms) ? req.nodeSelectorTerms.filter(isObj) : []) : undefined;
}

/** validateNodeAffinityMutation for gated pods: existing required terms may only gain requirements. */
function validateNodeAffinityMutation(next: Obj, old: Obj, path: string): FieldError[] {
  const oldTerms = requiredTerms(old);
  if (!oldTerms) return [];
  const newTerms = requiredTerms(next) ?? [];
  const termsPath = `${path}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
  if (oldTerms.length > 0 && oldTerms.length !== newTerms.length) {
    return [invalid(termsPath, newTerms, 'no additions/deletions to non-empty NodeSelectorTerms list are allowed')];
  }
  const errs: FieldError[] = [];
  oldTerms.forEach((o, i) => {
    const n = newTerms[i] ?? {};
    const ok = (['matchExpressions', 'matchFields'] as const).every((k) => {
      const ol = Array.isArray(o[k]) ? (o[k] as unknown[]) : [];
      const nl = Array.isArray(n[k]) ? (n[k] as unknown[]) : [];
      return nl.length >= ol.length && semanticEqual(nl.slice(0, ol.length), ol);
    });
    const emptyOld = !(Array.isArray(o.matchExpressions) && o.matchExpressions.length) && !(Array.isArray(o.matchFields) && o.matchFields.length);
    const emptyNew = !(Array.isArray(n.matchExpressions) && n.matchExpressions.length) && !(Array.isArray(n.matchFields) && n.matchFields.length);
    if (!ok || (emptyOld && !emptyNew)) errs.push(invalid(`${termsPath}[${i}]`, n, 'only additions are allowed (no mutations or deletions)'));
  });
  return errs;
}

/** ValidatePodUpdate, whole: what a pod update is checked for beyond ValidateObjectMeta. */
export function validatePodUpdate(next: Pod, old: Pod): FieldError[] {
  return validatePodUpdateRules(next, old, validatePodMetadataAndSpec(next, new Fields(podValidationOptions(old))));
}

/** GetValidationOptionsFromPodSpecAndMeta: what the old pod already had stays allowed. */
export function podValidationOptions(old: Pod | undefined): { allowInvalidNodeAffinityValues?: boolean } {
  if (!old) return {};
  const terms = requiredTerms(specOf(old)) ?? [];
  const invalidValue = terms.some((t) =>
    (Array.isArray(t.matchExpressions) ? t.matchExpressions : []).some((r: unknown) => isObj(r) && Array.isArray(r.values) && r.values.some((v: unknown) => typeof v === 'string' && labelValue(v).length > 0)),
  );
  return invalidValue ? { allowInvalidNodeAffinityValues: true } : {};
}

/**
 * ValidatePodUpdate without validatePodMetadataAndSpec, for a registry that runs the create
 * validation on every write already (the pod strategy's validate).
 */
export function validatePodUpdateRules(next: Pod, old: Pod, specErrors: FieldError[] = []): FieldError[] {
  const errs = [...validateObjectMetaUpdate(next.metadata, old.metadata), ...specErrors, ...validateAnnotationUpdates(next, old)];
  const ns = specOf(next);
  const os = specOf(old);
  for (const field of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(ns[field], os[field], `spec.${field}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const nads = ns.activeDeadlineSeconds;
  const oads = os.activeDeadlineSeconds;
  if (nads !== undefined && nads !== null) {
    if (typeof nads === 'number' && (nads < 0 || nads > MAX_INT32)) {
      errs.push(invalid('spec.activeDeadlineSeconds', nads, `must be between 0 and ${MAX_INT32}, inclusive`));
      return errs;
    }
    if (typeof oads === 'number' && typeof nads === 'number' && oads < nads) {
      errs.push(invalid('spec.activeDeadlineSeconds', nads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oads !== undefined && oads !== null) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(ns.tolerations, os.tolerations, 'spec.tolerations'));
  errs.push(...validateOnlyDeletedSchedulingGates(ns.schedulingGates, os.schedulingGates, 'spec.schedulingGates'));
  if (semanticEqual(ns, os)) return errs;

  // munge the fields that may change to their old values, then compare what is left
  const munged: Obj = structuredClone(ns);
  for (const field of ['containers', 'initContainers']) {
    const olds = Array.isArray(os[field]) ? (os[field] as unknown[]) : [];
    if (Array.isArray(munged[field])) {
      munged[field] = (munged[field] as unknown[]).map((c, i) => (isObj(c) ? { ...c, image: isObj(olds[i]) ? olds[i].image : undefined } : c));
    }
  }
  munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  munged.schedulingGates = os.schedulingGates;
  munged.tolerations = os.tolerations;
  // the deprecated alias is rewritten from serviceAccountName on every write
  munged.serviceAccount = os.serviceAccount;
  if (typeof os.terminationGracePeriodSeconds === 'number' && os.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  }
  if (Array.isArray(os.schedulingGates) && os.schedulingGates.length > 0) {
    if (!semanticEqual(munged.nodeSelector, os.nodeSelector)) {
      const oldSel = isObj(os.nodeSelector) ? os.nodeSelector : {};
      const newSel = isObj(munged.nodeSelector) ? munged.nodeSelector : {};
      if (Object.entries(oldSel).some(([k, v]) => newSel[k] !== v)) {
        errs.push(new RenderedFieldError('FieldValueInvalid', 'spec.nodeSelector', goSyntax(munged.nodeSelector ?? null, goTypes.stringMap), 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
      }
      munged.nodeSelector = os.nodeSelector;
    }
    const oldNA = isObj(os.affinity) ? os.affinity.nodeAffinity : undefined;
    const newNA = isObj(munged.affinity) ? munged.affinity.nodeAffinity : undefined;
    if (!semanticEqual(oldNA, newNA)) {
      errs.push(...validateNodeAffinityMutation(munged, os, 'spec.affinity.nodeAffinity'));
      if (!isObj(munged.affinity)) munged.affinity = oldNA === undefined ? undefined : { nodeAffinity: oldNA };
      else if (!isObj(os.affinity) && !munged.affinity.podAffinity && !munged.affinity.podAntiAffinity) munged.affinity = undefined;
      else munged.affinity = { ...munged.affinity, nodeAffinity: oldNA };
    }
  }
  if (!semanticEqual(munged, os)) {
    errs.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n${podSpecDiff(os, munged)}`));
  }
  return errs;
}
