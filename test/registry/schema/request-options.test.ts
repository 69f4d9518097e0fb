import { describe, expect, it } from 'vitest';
import { Query } from '../../../src/api/request-info.js';
import { type OptionsKind, validateWriteOptions, writeOptionsFromQuery } from '../../../src/registry/schema/index.js';

const check = (kind: OptionsKind, query: string, applyPatch = false) => {
  try {
    return validateWriteOptions(kind, { ...writeOptionsFromQuery(new Query(query)), applyPatch });
  } catch (e) {
    const s = (e as { toStatus(): unknown }).toStatus();
    return s;
  }
};

const invalid = (kind: string, message: string, causes: Array<{ reason: string; message: string; field: string }>) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `${kind}.meta.k8s.io "" is invalid: ${message}`,
  reason: 'Invalid',
  details: { group: 'meta.k8s.io', kind, causes },
  code: 422,
});

// apimachinery pkg/apis/meta/v1/validation/validation.go: ValidateCreateOptions & co, rendered by
// errors.NewInvalid(schema.GroupKind{Group: "meta.k8s.io", Kind: "<Options>"}, "", errs).
describe('write options, validated as kube-apiserver validates them', () => {
  it.each<[string, OptionsKind, string, unknown]>([
    ['no options: fieldValidation defaults to Warn', 'CreateOptions', '', 'Warn'],
    ['dryRun=All and Strict', 'UpdateOptions', 'dryRun=All&fieldValidation=Strict', 'Strict'],
    ['Ignore', 'PatchOptions', 'fieldValidation=Ignore', 'Ignore'],
    ['an explicit empty fieldValidation', 'CreateOptions', 'fieldValidation=', 'Warn'],
    [
      'dryRun other than All (a []string, printed with %#v)',
      'CreateOptions',
      'dryRun=true',
      invalid('CreateOptions', 'dryRun: Unsupported value: []string{"true"}: supported values: "All"', [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: []string{"true"}: supported values: "All"', field: 'dryRun' }]),
    ],
    [
      'dryRun given twice, once wrong',
      'UpdateOptions',
      'dryRun=All&dryRun=x',
      invalid('UpdateOptions', 'dryRun: Unsupported value: []string{"All", "x"}: supported values: "All"', [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: []string{"All", "x"}: supported values: "All"', field: 'dryRun' }]),
    ],
    [
      'a fieldValidation Kubernetes does not know',
      'PatchOptions',
      'fieldValidation=strict',
      invalid('PatchOptions', 'fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"', [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"', field: 'fieldValidation' }]),
    ],
    [
      'both, joined as an aggregate',
      'CreateOptions',
      'dryRun=yes&fieldValidation=Loud',
      invalid('CreateOptions', '[dryRun: Unsupported value: []string{"yes"}: supported values: "All", fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"]', [
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: []string{"yes"}: supported values: "All"', field: 'dryRun' },
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"', field: 'fieldValidation' },
      ]),
    ],
    [
      'force on a patch that is not an apply patch',
      'PatchOptions',
      'force=true',
      invalid('PatchOptions', 'force: Forbidden: may not be specified for non-apply patch', [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }]),
    ],
    ['DeleteOptions check dryRun only', 'DeleteOptions', 'fieldValidation=whatever', 'Warn'],
  ])('%s', (_name, kind, query, expected) => {
    expect(check(kind, query)).toEqual(expected);
  });

  it('an apply patch needs a fieldManager', () => {
    expect(check('PatchOptions', '', true)).toMatchObject({ code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' });
    expect(check('PatchOptions', 'fieldManager=kubectl&force=true', true)).toBe('Warn');
  });

  it('a fieldManager of more than 128 bytes or with unprintable characters is refused', () => {
    expect(check('CreateOptions', `fieldManager=${'x'.repeat(129)}`)).toMatchObject({ message: 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: must have at most 128 bytes' });
    expect(check('CreateOptions', 'fieldManager=a%09b')).toMatchObject({ message: 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\tb": invalid character U+0009 (at position 1)' });
  });
});
