import { type FieldError, forbidden, invalid } from '../../errors/index.js';
import type { KubeObject } from '../types.js';
import { obj, type Obj } from './common.js';

/**
 * coordination.k8s.io/v1 Lease: ValidateLeaseSpec (pkg/apis/coordination/validation). `strategy`
 * and `preferredHolder` belong to the CoordinatedLeaderElection feature (alpha, off in 1.33), so
 * they are dropped unless the stored lease already has them (dropDisabledSpecFields).
 */
export function dropDisabledLeaseFields(next: KubeObject, old?: KubeObject): void {
  const spec = next.spec as Obj | undefined;
  if (!spec || typeof spec !== 'object') return;
  const before = obj(old?.spec);
  if (before.strategy === undefined) delete spec.strategy;
  if (before.preferredHolder === undefined) delete spec.preferredHolder;
}

export function validateLease(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  if (spec.preferredHolder && !spec.strategy) errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  return errs;
}
