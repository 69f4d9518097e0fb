import { FieldError, invalid, required, forbidden } from '../../errors/index.js';
import { goQuote } from '../../util/go-format.js';
import { parseApiVersion } from '../kinds.js';
import type { ObjectMeta } from '../types.js';
import { type GoType, RenderedFieldError, goSyntax } from './go-syntax.js';
import { type NameValidator, dns1123Label, labelValue, maskTrailingDash, qualifiedName } from '../../util/name-validation.js';
import { semanticEqual } from './typed-fields.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';

/**
 * ValidateObjectMeta (apimachinery/pkg/api/validation/objectmeta.go): name or generateName,
 * namespace presence by scope, generation, labels, annotations, owner references, finalizers.
 */
export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean, nameValidator: NameValidator): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const msg of nameValidator(maskTrailingDash(meta.generateName))) errs.push(invalid('metadata.generateName', meta.generateName, msg));
  }
  if (!meta.name) {
    errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameValidator(meta.name)) errs.push(invalid('metadata.name', meta.name, msg));
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace', ''));
    else for (const msg of dns1123Label(meta.namespace)) errs.push(invalid('metadata.namespace', meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) errs.push(invalid('metadata.generation', meta.generation, IS_NEGATIVE));
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  return errs;
}

export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of qualifiedName(k)) errs.push(invalid(path, k, msg));
    if (typeof v !== 'string') errs.push(invalid(`${path}`, v, 'label values must be strings'));
    else for (const msg of labelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of qualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push(new FieldError('FieldValueTooLong', path, '', `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`));
  }
  return errs;
}

const ptrBool: GoType = { k: 'ptr', name: '*bool', elem: { k: 'bool' } };
const ownerReferenceType: GoType = {
  k: 'struct',
  name: 'v1.OwnerReference',
  fields: [
    ['APIVersion', 'apiVersion', { k: 'string' }],
    ['Kind', 'kind', { k: 'string' }],
    ['Name', 'name', { k: 'string' }],
    ['UID', 'uid', { k: 'string' }],
    ['Controller', 'controller', ptrBool],
    ['BlockOwnerDeletion', 'blockOwnerDeletion', ptrBool],
  ],
};

/** ValidateOwnerReferences: each reference complete, no Event owners, at most one controller. */
export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const raw of refs) {
    const ref = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const s = (k: string) => (typeof ref[k] === 'string' ? (ref[k] as string) : '');
    const gv = parseApiVersion(s('apiVersion'));
    if (!gv.version) errs.push(invalid(`${path}.apiVersion`, s('apiVersion'), 'version must not be empty'));
    if (!s('kind')) errs.push(invalid(`${path}.kind`, s('kind'), 'must not be empty'));
    if (!s('name')) errs.push(invalid(`${path}.name`, s('name'), 'must not be empty'));
    if (!s('uid')) errs.push(invalid(`${path}.uid`, s('uid'), 'must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && s('kind') === 'Event') {
      errs.push(new RenderedFieldError('FieldValueInvalid', path, goSyntax(ref, ownerReferenceType), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const cur = `${s('kind')}/${s('name')}`;
      if (firstController) {
        const all = `[]v1.OwnerReference{${refs.map((r) => goSyntax(r, ownerReferenceType)).join(', ')}}`;
        errs.push(new RenderedFieldError('FieldValueInvalid', path, all, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

/** ValidateFinalizers: qualified names, and not both orphan and foregroundDeletion. */
export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  if (!Array.isArray(finalizers)) return [];
  const errs: FieldError[] = [];
  for (const f of finalizers) {
    const name = typeof f === 'string' ? f : '';
    for (const msg of qualifiedName(name)) errs.push(invalid(path, name, msg));
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    const rendered = `[]string{${finalizers.map((f) => goQuote(String(f))).join(', ')}}`;
    errs.push(new RenderedFieldError('FieldValueInvalid', path, rendered, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/**
 * validateKubeFinalizerName, which the core-group ValidateObjectMeta adds (and so every apps and
 * batch kind): a finalizer without a `/` must be one of Kubernetes' own.
 */
export function validateKubeFinalizers(meta: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(meta.finalizers) ? meta.finalizers : []).forEach((f, i) => {
    if (typeof f === 'string' && !f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(invalid(`metadata.finalizers[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

/**
 * ValidateObjectMetaAccessorUpdate, the parts an update adds to ValidateObjectMeta (which the
 * registry runs on every write): no new finalizers once deletion started, the identity fields
 * and the deletion fields unchanged, generation never decremented.
 */
export function validateObjectMetaUpdate(next: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const before = new Set(old.finalizers ?? []);
    const extra = [...new Set((next.finalizers ?? []).filter((f) => !before.has(f)))].sort();
    if (extra.length) errs.push(forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map(goQuote).join(', ')}}`));
  }
  if ((next.generation ?? 0) < (old.generation ?? 0)) errs.push(invalid('metadata.generation', next.generation ?? 0, 'must not be decremented'));
  const immutable: Array<[keyof ObjectMeta, string]> = [
    ['name', 'metadata.name'],
    ['namespace', 'metadata.namespace'],
    ['uid', 'metadata.uid'],
    ['creationTimestamp', 'metadata.creationTimestamp'],
    ['deletionTimestamp', 'metadata.deletionTimestamp'],
    ['deletionGracePeriodSeconds', 'metadata.deletionGracePeriodSeconds'],
  ];
  for (const [k, path] of immutable) {
    if (!semanticEqual(next[k] ?? null, old[k] ?? null)) errs.push(invalid(path, next[k] ?? null, FIELD_IMMUTABLE));
  }
  return errs;
}
