import { type FieldError, invalid } from '../../errors/index.js';
import { semanticEqual } from '../semantic-equal.js';
import { validateLabelSelector } from './label-selector.js';
import { Fields } from './typed-fields.js';

/** Small checks shared by the kinds' validators (apimachinery/pkg/api/validation/generic.go and friends). */

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** ValidateImmutableField: `<path>: Invalid value: <new>: field is immutable` when they differ (semantically). */
export function immutable(next: unknown, old: unknown, path: string): FieldError[] {
  return semanticEqual(next, old) ? [] : [invalid(path, next ?? null, 'field is immutable')];
}

/** ValidateNonnegativeField. */
export function nonNegative(value: number, path: string): FieldError[] {
  return value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];
}

const PERCENT_RE = /^[0-9]+%$/;

/** IsValidPercent's message. */
export const PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent (pkg/apis/apps/validation). */
export function intOrPercent(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') {
    if (!PERCENT_RE.test(value)) return [invalid(path, value, PERCENT_MESSAGE)];
    return Number(value.slice(0, -1)) > 100 ? [invalid(path, value, 'must not be greater than 100%')] : [];
  }
  if (typeof value === 'number' && Number.isInteger(value)) return nonNegative(value, path);
  return [invalid(path, value ?? null, "must be an integer or percentage (e.g '5%')")];
}

/** `field.TooLong` as 1.33 renders it. */
export function tooLongDetail(max: number): string {
  return `may not be more than ${max} bytes`;
}

/** ValidateLabelSelector on a decoded value, type errors included (label-selector.ts over typed-fields.ts). */
export function selectorErrors(selector: unknown, path: string): FieldError[] {
  const f = new Fields();
  const errs = validateLabelSelector(f, f.obj(selector, path), path);
  return [...f.errs, ...errs];
}
