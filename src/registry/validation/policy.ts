import { type FieldError, invalid, notSupported } from '../../errors/index.js';
import type { KubeObject } from '../types.js';
import { intOrPercent, obj, selectorErrors } from './common.js';

/** policy/v1 PodDisruptionBudget: ValidatePodDisruptionBudgetSpec (pkg/apis/policy/validation). */
export function validatePodDisruptionBudget(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  if (spec.minAvailable !== undefined) errs.push(...intOrPercent(spec.minAvailable, 'spec.minAvailable'));
  if (spec.maxUnavailable !== undefined) errs.push(...intOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...selectorErrors(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== 'AlwaysAllow' && policy !== 'IfHealthyBudget') errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
  return errs;
}
