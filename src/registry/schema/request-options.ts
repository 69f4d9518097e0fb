import { errors, FieldError, type StatusError } from '../../errors/index.js';
import { goQuote } from '../../util/go-format.js';
import type { FieldValidation } from './decode-object.js';

/**
 * The query options of writes, validated as kube-apiserver validates them before reading the body
 * (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go
 * `ValidateCreateOptions`, `ValidateUpdateOptions`, `ValidatePatchOptions`,
 * `ValidateDeleteOptions`), each failure a 422 on the options kind:
 * `CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"yes"}: supported values: "All"`.
 * - `dryRun`: every value must be `All` (the query may repeat it);
 * - `fieldValidation`: empty, `Ignore`, `Warn` or `Strict`; empty means Warn;
 * - `fieldManager`: at most 128 bytes, printable characters only;
 * - patches: `force` only for apply patches, which need a `fieldManager`.
 */

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

export interface WriteOptions {
  /** every `dryRun` value of the query, in order */
  dryRun: readonly string[];
  /** the first `fieldValidation` value, or '' */
  fieldValidation: string;
  fieldManager?: string;
  /** PatchOptions: whether `force` was given, and whether the patch is an apply patch */
  force?: boolean;
  applyPatch?: boolean;
}

const FIELD_MANAGER_MAX_LENGTH = 128;

/** A field error whose bad value Go prints with %#v: a []string. */
class StringSliceFieldError extends FieldError {
  override body(): string {
    const values = (this.badValue as readonly string[]).map(goQuote).join(', ');
    return `Unsupported value: []string{${values}}${this.detail ? `: ${this.detail}` : ''}`;
  }
}

/** A request's query as Go's url.Values reads it (api/request-info.ts `Query`). */
export interface QueryValues {
  all(key: string): readonly string[];
}

/**
 * Reads the options of a write from the query, as metav1's parameter codec reads them:
 * every `dryRun`, the first `fieldValidation` and `fieldManager`, whether `force` is there.
 * @example
 * writeOptionsFromQuery(new Query('dryRun=All&fieldValidation=Strict')); // { dryRun: ['All'], fieldValidation: 'Strict', fieldManager: '', force: false }
 */
export function writeOptionsFromQuery(query: QueryValues): WriteOptions {
  return {
    dryRun: [...query.all('dryRun')],
    fieldValidation: query.all('fieldValidation')[0] ?? '',
    fieldManager: query.all('fieldManager')[0] ?? '',
    force: query.all('force').length > 0,
  };
}

/**
 * Validates a write's options; returns the resolved fieldValidation directive, or throws the 422
 * kube-apiserver answers.
 * @example
 * validateWriteOptions('CreateOptions', { dryRun: ['yes'], fieldValidation: '' });
 * // throws 422: CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"yes"}: supported values: "All"
 */
export function validateWriteOptions(kind: OptionsKind, o: WriteOptions): FieldValidation {
  const errs: FieldError[] = [];
  if (kind === 'PatchOptions') {
    if (!o.applyPatch && o.force) errs.push(new FieldError('FieldValueForbidden', 'force', '', 'may not be specified for non-apply patch'));
    if (o.applyPatch && !o.fieldManager) errs.push(new FieldError('FieldValueRequired', 'fieldManager', '', 'is required for apply patch'));
  }
  if (kind !== 'DeleteOptions') {
    const fm = o.fieldManager ?? '';
    if (Buffer.byteLength(fm) > FIELD_MANAGER_MAX_LENGTH) errs.push(new FieldError('FieldValueTooLong', 'fieldManager', fm, `must have at most ${FIELD_MANAGER_MAX_LENGTH} bytes`));
    let pos = 0;
    for (const ch of fm) {
      if (!isPrintable(ch)) errs.push(new FieldError('FieldValueInvalid', 'fieldManager', fm, `invalid character ${goRuneU(ch)} (at position ${pos})`));
      pos += Buffer.byteLength(ch);
    }
  }
  if (o.dryRun.some((v) => v !== 'All')) errs.push(new StringSliceFieldError('FieldValueNotSupported', 'dryRun', o.dryRun, 'supported values: "All"'));
  if (kind !== 'DeleteOptions' && !['', 'Ignore', 'Warn', 'Strict'].includes(o.fieldValidation)) {
    errs.push(new FieldError('FieldValueNotSupported', 'fieldValidation', o.fieldValidation, 'supported values: "", "Ignore", "Strict", "Warn"'));
  }
  if (errs.length) throw optionsInvalid(kind, errs);
  if (kind === 'DeleteOptions') return 'Warn';
  return o.fieldValidation === '' ? 'Warn' : (o.fieldValidation as FieldValidation);
}

function optionsInvalid(kind: OptionsKind, errs: FieldError[]): StatusError {
  return errors.invalid(kind, '', errs, 'meta.k8s.io');
}

/** Go's unicode.IsPrint, approximated: letters, marks, numbers, punctuation, symbols and U+0020. */
function isPrintable(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

/** Go's %#U: `U+0009` followed by the quoted character when printable. */
function goRuneU(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return isPrintable(ch) ? `${hex} '${ch}'` : hex;
}
