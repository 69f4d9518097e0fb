import { FieldError, invalid, required, forbidden } from '../../errors/index.js';
import type { ObjectMeta } from '../types.js';
import { type NameValidator, labelValue, maskTrailingDash, qualifiedName } from './names.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * ValidateObjectMeta (apimachinery/pkg/api/validation/objectmeta.go): name or generateName,
 * namespace presence by scope, labels and annotations.
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
  } else if (meta.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
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
