import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GO_MAX_NESTING_DEPTH, parseJson, plainNumbers, quickPlainJson } from '../../src/util/go-json-parse.js';

/** What the scanner gives, numbers made plain; or the error it throws. */
function scanned(text: string): { value: unknown } | { error: string } {
  try {
    return { value: plainNumbers(parseJson(Buffer.from(text)).value) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** JSON text with keys that may repeat (within one object), colons in keys and values, and numbers Go keeps as text. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('1', '-0', '1.0', '1e3', '12345678901234567890', 'true', 'null', '"a:b"', '":"', '"x"', '"\\u00e9"', '"\\ud800"'),
    tie('object'),
    fc.array(tie('value'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`),
  ),
  object: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'a:b', ':', '__proto__', 'spec'), tie('value')), { maxLength: 4 }).map((ms) => `{${ms.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
})).value;

describe('quickPlainJson', () => {
  it('gives what the scanner gives whenever it answers, and answers for plain bodies', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const quick = quickPlainJson(Buffer.from(text));
        if (quick) expect(quick).toEqual(scanned(text));
      }),
      { numRuns: 3000 },
    );
    const body = '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"a.b.c","audiences":["https://x:443"]}}';
    expect(quickPlainJson(Buffer.from(body))).toEqual({ value: JSON.parse(body) });
  });

  it('leaves to the scanner what JSON.parse reads otherwise: repeated keys (Go merges objects), nesting beyond Go, syntax errors', () => {
    const cases = ['{"spec":{"a":1},"spec":{"b":2}}', '{"a":1,"a":2}', `${'['.repeat(GO_MAX_NESTING_DEPTH + 1)}${']'.repeat(GO_MAX_NESTING_DEPTH + 1)}`, '{"a":}', '{"a:b":1,"a:b":1}'];
    for (const text of cases) expect(quickPlainJson(Buffer.from(text)), text.slice(0, 40)).toBeUndefined();
    expect(scanned('{"spec":{"a":1},"spec":{"b":2}}')).toEqual({ value: { spec: { a: 1, b: 2 } } });
  });

  it('reads invalid UTF-8 inside strings as the scanner does (U+FFFD)', () => {
    const raw = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xc3]), Buffer.from('","b":"\xe9"}', 'latin1')]);
    const quick = quickPlainJson(raw);
    expect(quick).toBeDefined();
    expect(quick).toEqual({ value: plainNumbers(parseJson(raw).value) });
  });

  it('keeps __proto__ an own key, as the scanner does', () => {
    const quick = quickPlainJson(Buffer.from('{"__proto__":{"polluted":true}}'))!;
    expect(Object.hasOwn(quick.value as object, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(quick).toEqual(scanned('{"__proto__":{"polluted":true}}'));
  });

  it('answers at Go\'s nesting limit exactly', () => {
    const at = `${'['.repeat(GO_MAX_NESTING_DEPTH)}${']'.repeat(GO_MAX_NESTING_DEPTH)}`;
    expect(quickPlainJson(Buffer.from(at))).toBeDefined();
  });
});
