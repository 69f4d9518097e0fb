import { type FieldError, forbidden, invalid, required } from '../../errors/index.js';
import type { LabelSelector } from '../types.js';
import { labelValue, qualifiedName } from './names.js';
import { validateLabels } from './object-meta.js';

/**
 * metav1validation.ValidateLabelSelector (apimachinery pkg/apis/meta/v1/validation): matchLabels
 * as labels, each expression's operator, values and key.
 * @example
 * validateLabelSelector({ matchExpressions: [{ key: 'app', operator: 'In' }] }, 'spec.selector')[0].toString();
 * // 'spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is \'In\' or \'NotIn\''
 */
export function validateLabelSelector(selector: LabelSelector | null | undefined, path: string): FieldError[] {
  if (!selector) return [];
  if (typeof selector !== 'object' || Array.isArray(selector)) return [invalid(path, selector, 'must be an object')];
  const errs = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = e?.values ?? [];
    switch (e?.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, e?.operator ?? '', 'not a valid selector operator'));
    }
    for (const msg of qualifiedName(String(e?.key ?? ''))) errs.push(invalid(`${p}.key`, e?.key ?? '', msg));
    values.forEach((v, j) => {
      for (const msg of labelValue(String(v))) errs.push(invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  return errs;
}
