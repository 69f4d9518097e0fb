import { type FieldError, forbidden, invalid, required } from '../../errors/index.js';
import { labelValue, qualifiedName } from '../../util/name-validation.js';
import { type Fields, type Obj } from './typed-fields.js';

/**
 * metav1.LabelSelector: validation (apimachinery/pkg/apis/meta/v1/validation ValidateLabelSelector),
 * conversion (LabelSelectorAsSelector) and matching, over decoded JSON.
 */
export interface Requirement {
  key: string;
  operator: string;
  values: string[];
}

/** The selector LabelSelectorAsSelector builds: `nothing` (nil), `everything` ({}), or requirements. */
export type Selector = { kind: 'nothing' } | { kind: 'everything' } | { kind: 'requirements'; reqs: Requirement[] };

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** ValidateLabelName. */
export function validateLabelName(name: string, path: string): FieldError[] {
  return qualifiedName(name).map((m) => invalid(path, name, m));
}

/** ValidateLabels (metav1 validation): keys are qualified names, values label values. */
export function validateLabelMap(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const m of labelValue(v ?? '')) errs.push(invalid(path, v, m));
  }
  return errs;
}

/** ValidateLabelSelector with AllowInvalidLabelValueInSelector false. */
export function validateLabelSelector(f: Fields, sel: Obj | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs = validateLabelMap(f.strMap(sel.matchLabels, `${path}.matchLabels`), `${path}.matchLabels`);
  for (const [i, r] of f.objList(sel.matchExpressions, `${path}.matchExpressions`)) {
    const p = `${path}.matchExpressions[${i}]`;
    const op = f.str(r.operator, `${p}.operator`) ?? '';
    const values = f.strList(r.values, `${p}.values`) ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(`${p}.operator`, op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(f.str(r.key, `${p}.key`) ?? '', `${p}.key`));
    values.forEach((v, j) => {
      for (const m of labelValue(v)) errs.push(invalid(`${p}.values[${j}]`, v, m));
    });
  }
  return errs;
}

/** LabelSelectorAsSelector: undefined when the selector cannot convert (the Go function's error). */
export function selectorFrom(sel: unknown): Selector | undefined {
  if (sel === undefined || sel === null) return { kind: 'nothing' };
  if (typeof sel !== 'object' || Array.isArray(sel)) return undefined;
  const s = sel as Obj;
  const labels = s.matchLabels ?? {};
  const exprs = s.matchExpressions ?? [];
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels) || !Array.isArray(exprs)) return undefined;
  if (Object.keys(labels).length + exprs.length === 0) return { kind: 'everything' };
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string' || qualifiedName(k).length || labelValue(v).length) return undefined;
    reqs.push({ key: k, operator: 'In', values: [v] });
  }
  for (const e of exprs) {
    if (typeof e !== 'object' || e === null) return undefined;
    const { key, operator, values } = e as Obj;
    if (typeof key !== 'string' || typeof operator !== 'string' || !OPERATORS.has(operator) || qualifiedName(key).length) return undefined;
    const vals = values ?? [];
    if (!Array.isArray(vals) || vals.some((x) => typeof x !== 'string' || labelValue(x).length)) return undefined;
    if ((operator === 'In' || operator === 'NotIn') && vals.length === 0) return undefined;
    if ((operator === 'Exists' || operator === 'DoesNotExist') && vals.length > 0) return undefined;
    reqs.push({ key, operator, values: vals as string[] });
  }
  return { kind: 'requirements', reqs };
}

/** labels.Selector.Empty(): only the everything-selector is empty. */
export function selectorEmpty(s: Selector): boolean {
  return s.kind === 'everything';
}

/** labels.Selector.Matches. */
export function selectorMatches(s: Selector, labels: Record<string, string> | undefined): boolean {
  if (s.kind === 'nothing') return false;
  if (s.kind === 'everything') return true;
  const l = labels ?? {};
  return s.reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'In':
        return has && r.values.includes(l[r.key]!);
      case 'NotIn':
        return !has || !r.values.includes(l[r.key]!);
      case 'Exists':
        return has;
      default:
        return !has;
    }
  });
}
