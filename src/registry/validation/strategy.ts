import type { FieldError } from '../../errors/index.js';
import type { KubeObject } from '../types.js';
import type { NameValidator } from '../../util/name-validation.js';

/**
 * One strategy per kind: the name rule, defaulting, and create/update validation
 * (the per-kind `rest.RESTCreateStrategy` of kube-apiserver). The one validator per kind.
 */
export interface Strategy {
  nameValidator: NameValidator;
  /** defaulting applied on create and update */
  defaults?(obj: KubeObject): void;
  /** PrepareForCreate: reset what clients may not set (status) */
  prepareForCreate?(obj: KubeObject): void;
  /** PrepareForUpdate: keep what the main resource may not change (status) */
  prepareForUpdate?(next: KubeObject, old: KubeObject): void;
  validate?(obj: KubeObject): FieldError[];
  validateUpdate?(next: KubeObject, old: KubeObject): FieldError[];
  /** ValidateXStatusUpdate beyond the object metadata (an update through `/status`) */
  validateStatusUpdate?(next: KubeObject, old: KubeObject): FieldError[];
  /**
   * What the REST storage allocates after validation (a Service's cluster IP and node ports);
   * `peers` lists the objects of the kind that exist. Returns the allocation errors.
   */
  allocate?(obj: KubeObject, old: KubeObject | undefined, peers: () => readonly KubeObject[]): FieldError[];
}
