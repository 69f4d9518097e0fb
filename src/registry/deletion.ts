import { errors, FieldError, invalid } from '../errors/index.js';
import type { ResourceInfo } from './kinds.js';
import type { ObjectMeta } from './types.js';

/**
 * How a DELETE treats the object's dependents (metav1.DeletionPropagation), and the finalizers
 * that carry the choice to the garbage collector, as kube-apiserver's generic store decides them
 * (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
 * `deletionFinalizersForGarbageCollection`, `shouldOrphanDependents`, `shouldDeleteDependents`):
 * - `Orphan` puts the `orphan` finalizer on the object: the collector removes the object's
 *   owner references from its dependents, then the finalizer, and the object goes;
 * - `Foreground` puts `foregroundDeletion`: the collector deletes the dependents that block
 *   their owner's deletion, then removes the finalizer;
 * - `Background` adds nothing: the object goes at once, the collector deletes the dependents
 *   whose owners are all gone.
 * Without a policy, a finalizer already on the object decides, else the kind's default
 * (Job in batch/v1: Orphan, for backwards compatibility; every other kind: Background).
 */
export type DeletionPropagation = 'Orphan' | 'Background' | 'Foreground';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** The garbage-collection part of DeleteOptions. */
export interface DeletePolicy {
  propagationPolicy?: string;
  /** deprecated: true is Orphan, false is Background */
  orphanDependents?: boolean;
}

const POLICIES: readonly string[] = ['Foreground', 'Background', 'Orphan'];

/**
 * ValidateDeleteOptions' propagation rules (apimachinery/pkg/apis/meta/v1/validation): a 422 on
 * `DeleteOptions.meta.k8s.io`.
 * @example
 * validateDeletePolicy({ propagationPolicy: 'Later' });
 * // throws: DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Later": supported values: "Foreground", "Background", "Orphan", "nil"
 */
export function validateDeletePolicy(p: DeletePolicy): void {
  const errs: FieldError[] = [];
  if (p.orphanDependents !== undefined && p.propagationPolicy !== undefined) {
    errs.push(invalid('propagationPolicy', p.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (p.propagationPolicy !== undefined && !POLICIES.includes(p.propagationPolicy)) {
    errs.push(new FieldError('FieldValueNotSupported', 'propagationPolicy', p.propagationPolicy, 'supported values: "Foreground", "Background", "Orphan", "nil"'));
  }
  if (errs.length) throw errors.invalid('DeleteOptions', '', errs, 'meta.k8s.io');
}

/** The kind's DefaultGarbageCollectionPolicy when deleted through its served version. */
function defaultOrphans(info: ResourceInfo): boolean {
  return info.group === 'batch' && info.kind === 'Job';
}

function orphans(info: ResourceInfo, finalizers: readonly string[], p: DeletePolicy): boolean {
  if (p.orphanDependents !== undefined) return p.orphanDependents;
  if (p.propagationPolicy === 'Orphan') return true;
  if (p.propagationPolicy === 'Background' || p.propagationPolicy === 'Foreground') return false;
  for (const f of finalizers) {
    if (f === ORPHAN_FINALIZER) return true;
    if (f === FOREGROUND_FINALIZER) return false;
  }
  return defaultOrphans(info);
}

function foreground(finalizers: readonly string[], p: DeletePolicy): boolean {
  if (p.orphanDependents !== undefined) return false;
  if (p.propagationPolicy === 'Foreground') return true;
  if (p.propagationPolicy === 'Background' || p.propagationPolicy === 'Orphan') return false;
  for (const f of finalizers) {
    if (f === FOREGROUND_FINALIZER) return true;
    if (f === ORPHAN_FINALIZER) return false;
  }
  return false;
}

/**
 * The finalizers the object has once a DELETE with `p` is accepted: its own, without `orphan`
 * and `foregroundDeletion`, plus the one the propagation asks for. The object is removed at once
 * only when this list is empty.
 * @example
 * deletionFinalizers(kindInfo('Deployment')!, { finalizers: [] }, { propagationPolicy: 'Foreground' }); // ['foregroundDeletion']
 */
export function deletionFinalizers(info: ResourceInfo, meta: ObjectMeta, p: DeletePolicy): string[] {
  const current = Array.isArray(meta.finalizers) ? meta.finalizers : [];
  const out = current.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (orphans(info, current, p)) out.push(ORPHAN_FINALIZER);
  if (foreground(current, p)) out.push(FOREGROUND_FINALIZER);
  return out;
}

/** Whether two finalizer lists hold the same names (as sets, as the store compares them). */
export function sameFinalizers(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = new Set(a ?? []);
  const y = new Set(b ?? []);
  return x.size === y.size && [...x].every((f) => y.has(f));
}
