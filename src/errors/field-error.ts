/**
 * field.Error from apimachinery/pkg/util/validation/field: a typed error at a field path,
 * rendered as Kubernetes renders it (`spec.x: Invalid value: 3: must be positive`).
 */
import { goQuote } from '../util/go-format.js';

export type FieldErrorType = 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueDuplicate' | 'FieldValueTooLong' | 'FieldValueTooMany';

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The message without the field path, as used in Status causes. */
  body(): string {
    switch (this.type) {
      case 'FieldValueRequired':
        return this.detail ? `Required value: ${this.detail}` : 'Required value';
      case 'FieldValueForbidden':
        return this.detail ? `Forbidden: ${this.detail}` : 'Forbidden';
      case 'FieldValueDuplicate':
        return `Duplicate value: ${formatValue(this.badValue)}`;
      case 'FieldValueTooLong':
        return `Too long: ${this.detail}`;
      case 'FieldValueTooMany':
        return `Too many: ${this.detail}`;
      case 'FieldValueNotSupported':
        return `Unsupported value: ${formatValue(this.badValue)}${this.detail ? `: ${this.detail}` : ''}`;
      default:
        return `Invalid value: ${formatValue(this.badValue)}${this.detail ? `: ${this.detail}` : ''}`;
    }
  }

  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

/**
 * The value as field.Error's ErrorBody renders it: strings with %q, numbers and booleans bare, a
 * nil value as the string "null" (quoted, as Go substitutes the string before quoting), anything
 * else as JSON (Go prints %#v there, which has no JSON equivalent).
 */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return goQuote('null');
  return JSON.stringify(v);
}

export const required = (field: string, detail = '') => new FieldError('FieldValueRequired', field, '', detail);
export const invalid = (field: string, value: unknown, detail: string) => new FieldError('FieldValueInvalid', field, value, detail);
export const forbidden = (field: string, detail: string) => new FieldError('FieldValueForbidden', field, '', detail);
export const notSupported = (field: string, value: unknown, valid: string[]) =>
  new FieldError('FieldValueNotSupported', field, value, valid.length ? `supported values: ${valid.map((s) => JSON.stringify(s)).join(', ')}` : '');
export const duplicate = (field: string, value: unknown) => new FieldError('FieldValueDuplicate', field, value, '');
