import { type FieldError, forbidden, invalid } from '../../errors/index.js';
import type { Pod } from '../types.js';
import { validateKubeFinalizers } from './object-meta.js';
import { validatePodSpec, validatePodSpecificAnnotations } from './pod-spec.js';
import { Fields, type Obj } from './typed-fields.js';

/**
 * Pod validation on create (ValidatePodCreate, pkg/apis/core/validation/validation.go): the
 * shared validatePodMetadataAndSpec plus what only a new pod is refused for. ObjectMeta's common
 * rules run in the registry for every kind.
 */

/** validatePodMetadataAndSpec, without the ObjectMeta checks the registry runs for every kind. */
export function validatePodMetadataAndSpec(pod: Pod, f: Fields = new Fields()): FieldError[] {
  const errs: FieldError[] = [...validateKubeFinalizers(pod.metadata)];
  const spec = podSpecOf(pod, f);
  if (!spec) return f.errs;
  const annotations = f.strMap(pod.metadata.annotations, 'metadata.annotations');
  errs.push(...validatePodSpecificAnnotations(annotations, spec, 'metadata.annotations'));
  errs.push(...validatePodSpec(f, spec, 'spec', pod.metadata.name ?? ''));
  if (!spec.serviceAccountName) {
    for (const [vi, vol] of f.objList(spec.volumes, 'spec.volumes')) {
      const projected = vol.projected && typeof vol.projected === 'object' ? (vol.projected as Obj) : undefined;
      (Array.isArray(projected?.sources) ? projected.sources : []).forEach((s: unknown, si: number) => {
        if (s && typeof s === 'object' && (s as Obj).serviceAccountToken) {
          errs.push(forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      });
    }
  }
  for (const field of ['containers', 'initContainers']) {
    for (const [i, c] of f.objList(spec[field], `spec.${field}`)) {
      if (typeof c.image === 'string' && c.image.trim() !== c.image) errs.push(invalid(`spec.${field}[${i}].image`, c.image, 'must not have leading or trailing whitespace'));
    }
  }
  return [...f.errs, ...errs];
}

/** The pod's spec as an object (a missing spec reads as an empty one, as Go's decoder leaves it). */
export function podSpecOf(pod: Pod, f: Fields): Obj | undefined {
  if (pod.spec === undefined || pod.spec === null) return {};
  return f.obj(pod.spec, 'spec');
}

/** ValidatePodCreate. */
export function validatePodCreate(pod: Pod): FieldError[] {
  const f = new Fields();
  const errs = validatePodMetadataAndSpec(pod, f);
  const spec = (pod.spec && typeof pod.spec === 'object' ? pod.spec : {}) as Obj;
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (spec.nodeName && Array.isArray(spec.schedulingGates) && spec.schedulingGates.length) {
    errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}
