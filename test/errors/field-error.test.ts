import { describe, expect, it } from 'vitest';
import { forbidden, formatValue, invalid, notSupported, required } from '../../src/errors/index.js';

describe("field errors, rendered as apimachinery's field.Error", () => {
  it.each([
    ['a string, quoted as %q', 'a"b\n', '"a\\"b\\n"'],
    ['a number, bare', 3, '3'],
    ['a boolean, bare', false, 'false'],
    ['nil, as the quoted string "null"', null, '"null"'],
    ['undefined, the same', undefined, '"null"'],
  ])('%s', (_name, value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('builds the messages Kubernetes prints', () => {
    expect(invalid('spec.expirationSeconds', 10, 'may not specify a duration less than 10 minutes').toString()).toBe('spec.expirationSeconds: Invalid value: 10: may not specify a duration less than 10 minutes');
    expect(invalid('spec.boundObjectRef', null, 'must be set').toString()).toBe('spec.boundObjectRef: Invalid value: "null": must be set');
    expect(required('metadata.name', 'name or generateName is required').toString()).toBe('metadata.name: Required value: name or generateName is required');
    expect(forbidden('spec', 'may not be changed').toString()).toBe('spec: Forbidden: may not be changed');
    expect(notSupported('spec.kind', 'Foo', ['Pod', 'Secret']).toString()).toBe('spec.kind: Unsupported value: "Foo": supported values: "Pod", "Secret"');
  });
});
