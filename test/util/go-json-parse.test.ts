import { describe, expect, it } from 'vitest';
import { GO_MAX_NESTING_DEPTH, GoNumber, duplicateKeysOf, parseGoJson, parseJson } from '../../src/util/go-json-parse.js';

const fails = (text: string, parse: (t: string) => unknown = parseJson) => {
  try {
    parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return 'parsed';
};

describe('JSON as encoding/json scans it', () => {
  // The texts of encoding/json scanner.go (stateX functions, `s.error(c, context)`) and
  // SyntaxError "unexpected end of JSON input" (scanner.eof).
  it.each([
    ['an empty body', '', 'unexpected end of JSON input'],
    ['an object cut short', '{"a":', 'unexpected end of JSON input'],
    ['a key without quotes', '{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['a missing colon', '{"a" 1}', "invalid character '1' after object key"],
    ['a trailing comma in an object', '{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['a trailing comma in an array', '[1,]', "invalid character ']' looking for beginning of value"],
    ['two values in an array without a comma', '[1 2]', "invalid character '2' after array element"],
    ['text after the value', '{"a":1} x', "invalid character 'x' after top-level value"],
    ['a literal cut short', 'tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['a bad literal', 'nul!', "invalid character '!' in literal null (expecting 'l')"],
    ['a control character in a string', '"a\u0001"', "invalid character '\\x01' in string literal"],
    ['a bad escape', '"\\x"', "invalid character 'x' in string escape code"],
    ['a short \\u escape', '"\\u12"', "invalid character '\"' in \\u hexadecimal character escape"],
    ['a number with a bare point', '1.', "invalid character ' ' after decimal point in numeric literal"],
    ['a lone minus', '-', "invalid character ' ' in numeric literal"],
    ['an exponent without digits', '1e+', "invalid character ' ' in exponent of numeric literal"],
    ['a leading zero', '01', "invalid character '1' after top-level value"],
    ['a tab quoted as Go quotes it', '\t\t?', "invalid character '?' looking for beginning of value"],
  ])('%s: %j', (_name, text, message) => {
    expect(fails(text)).toBe(message);
    // the tree the ABAC, audit-policy and webhook decoders walk comes from the same scanner
    expect(fails(text, parseGoJson)).toBe(message);
  });

  it(`accepts ${GO_MAX_NESTING_DEPTH} levels of nesting and refuses the next one as Go's scanner does`, () => {
    expect(parseJson('['.repeat(10000) + ']'.repeat(10000)).depth).toBe(10000);
    expect(fails('['.repeat(10001) + ']'.repeat(10001))).toBe("invalid character '[' exceeded max depth");
    expect(fails('{"a":'.repeat(10001) + '1' + '}'.repeat(10001))).toBe("invalid character '{' exceeded max depth");
  });

  it('reports the first error in byte order, before the depth limit further on', () => {
    expect(fails('{"a":x' + '['.repeat(20000))).toBe("invalid character 'x' looking for beginning of value");
  });

  it('decodes a repeated key over the earlier one (objects merge, as into a Go struct) and remembers it', () => {
    const v = parseJson('{"m":{"a":1},"m":{"b":2},"s":"x","s":"y"}').value as Record<string, unknown>;
    expect(v).toEqual({ m: { a: 1, b: 2 }, s: 'y' });
    expect([...duplicateKeysOf(v)!]).toEqual(['m', 's']);
    expect(duplicateKeysOf(v.m as object)).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('keeps %s as a plain own key and leaves Object.prototype alone', (key) => {
    const v = parseJson(`{"${key}":{"polluted":true},"x":{"${key}":{"polluted":true}}}`).value as Record<string, unknown>;
    expect(Object.keys(v)).toEqual([key, 'x']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(v.x)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(v)).toBe(`{"${key}":{"polluted":true},"x":{"${key}":{"polluted":true}}}`);
  });

  it('keeps number texts JavaScript would change (1.0, 1e3, -0, beyond 2^53) as GoNumbers, others as numbers', () => {
    const v = parseJson('[1, 1.5, 1.0, 1e3, -0, 9007199254740993, 12345678901234567890]').value as unknown[];
    expect(v.slice(0, 2)).toEqual([1, 1.5]);
    expect(v.slice(2).map((n) => (n as GoNumber).text)).toEqual(['1.0', '1e3', '-0', '9007199254740993', '12345678901234567890']);
    expect(JSON.stringify(v[3])).toBe('1000');
  });

  it('reads strings with escapes and UTF-8 as Go does', () => {
    expect(parseJson('"\\u00e9\\n\\ud83d\\ude00é"').value).toBe('é\n😀é');
  });
});

describe('the GoJson tree (what goUnmarshal walks)', () => {
  it('keeps every member in order, repeats included, and numbers as their text', () => {
    expect(parseGoJson('{"a":1.0,"b":[true,null,"x"],"a":{"c":-0}}')).toEqual({
      t: 'object',
      members: [
        ['a', { t: 'number', text: '1.0' }],
        ['b', { t: 'array', items: [{ t: 'bool', v: true }, { t: 'null' }, { t: 'string', v: 'x' }] }],
        ['a', { t: 'object', members: [['c', { t: 'number', text: '-0' }]] }],
      ],
    });
  });

  it('reads any depth Go accepts without growing the call stack, and refuses the next level', () => {
    let tree = parseGoJson('['.repeat(GO_MAX_NESTING_DEPTH) + ']'.repeat(GO_MAX_NESTING_DEPTH));
    let depth = 0;
    while (tree.t === 'array' && tree.items.length) {
      tree = tree.items[0]!;
      depth++;
    }
    expect(depth).toBe(GO_MAX_NESTING_DEPTH - 1);
    expect(fails('['.repeat(GO_MAX_NESTING_DEPTH + 1), parseGoJson)).toBe("invalid character '[' exceeded max depth");
  });

  it('keeps __proto__ as a member name like any other', () => {
    const t = parseGoJson('{"__proto__":{"polluted":1}}');
    expect(t).toEqual({ t: 'object', members: [['__proto__', { t: 'object', members: [['polluted', { t: 'number', text: '1' }]] }]] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
