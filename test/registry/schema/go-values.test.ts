import { describe, expect, it } from 'vitest';
import { canonicalBase64, parseGoTime, parseQuantity } from '../../../src/registry/schema/index.js';

const fails = (f: () => unknown) => {
  try {
    return f();
  } catch (e) {
    return (e as Error).message;
  }
};

describe('values Go checks with its own code', () => {
  // time.Parse errors (time/format.go ParseError.Error): `parsing time "<v>" as "<layout>": cannot
  // parse "<rest>" as "<elem>"`, or `parsing time "<v>": <what> out of range`.
  it.each([
    ['2024-01-01T02:00:00+02:00', '2024-01-01T00:00:00Z'],
    ['2024-01-01T00:00:00.999Z', '2024-01-01T00:00:00Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z'],
    ['2024-13-01T00:00:00Z', 'parsing time "2024-13-01T00:00:00Z": month out of range'],
    ['2023-02-29T00:00:00Z', 'parsing time "2023-02-29T00:00:00Z": day out of range'],
    ['2024-01-01T25:00:00Z', 'parsing time "2024-01-01T25:00:00Z": hour out of range'],
    ['yesterday', 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    ['2024-01-01 00:00:00Z', 'parsing time "2024-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"'],
    ['2024-01-01T00:00:00Zjunk', 'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"'],
  ])('metav1.Time %j → %j', (value, expected) => {
    expect(fails(() => parseGoTime(value, false))).toBe(expected);
  });

  it('metav1.MicroTime needs exactly six fractional digits and writes them back', () => {
    expect(parseGoTime('2024-01-01T00:00:00.123456+01:00', true)).toBe('2023-12-31T23:00:00.123456Z');
    expect(fails(() => parseGoTime('2024-01-01T00:00:00Z', true))).toBe('parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"');
  });

  // resource/quantity.go ErrFormatWrong, ErrNumeric, ErrSuffix.
  it.each([
    ['500m', '500m'],
    ['1.5Gi', '1.5Gi'],
    ['1e3', '1e3'],
    ['lots', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['1.2.3', 'unable to parse numeric part of quantity'],
    ['1Gb', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['1iK', "unable to parse quantity's suffix"],
  ])('resource.Quantity %j → %j', (value, expected) => {
    expect(fails(() => parseQuantity(value))).toBe(expected);
  });

  // encoding/base64 CorruptInputError offsets, as encoding/json reports them for []byte.
  it.each([
    ['aGVsbG8=', 'aGVsbG8='],
    ['aGVs\r\nbG8=', 'aGVsbG8='],
    ['', ''],
    ['aGk', 'illegal base64 data at input byte 0'],
    ['aGVsbG8', 'illegal base64 data at input byte 4'],
    ['a!==', 'illegal base64 data at input byte 1'],
    ['aG=k', 'illegal base64 data at input byte 2'],
    ['YQ==YQ==', 'illegal base64 data at input byte 4'],
  ])('[]byte %j → %j', (value, expected) => {
    expect(fails(() => canonicalBase64(value))).toBe(expected);
  });
});
