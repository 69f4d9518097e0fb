import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/tokens/canonical-json.js';
import { decodeBase64Url } from '../../src/tokens/base64url.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps arrays in order', () => {
    expect(canonicalJson({ sub: 's', aud: ['b', 'a'], 'kubernetes.io': { serviceaccount: { uid: 'u', name: 'n' }, namespace: 'ns' } })).toBe(
      '{"aud":["b","a"],"kubernetes.io":{"namespace":"ns","serviceaccount":{"name":"n","uid":"u"}},"sub":"s"}',
    );
  });

  it.each([
    ['<', '\\u003c'],
    ['>', '\\u003e'],
    ['&', '\\u0026'],
    ['\u2028', '\\u2028'],
  ])('escapes %j as Go does (%s)', (ch, esc) => {
    expect(canonicalJson({ aud: [`a${ch}b`] })).toBe(`{"aud":["a${esc}b"]}`);
  });

  it('drops undefined members', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('sorts what is not sorted, at any depth, and leaves the input as it was, whatever is already in order', () => {
    // reference: a sorted copy of everything, undefined members dropped
    const sortedCopy = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(sortedCopy);
      if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().flatMap((k) => ((v as Record<string, unknown>)[k] === undefined ? [] : [[k, sortedCopy((v as Record<string, unknown>)[k])]])));
      return v;
    };
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.constant(undefined), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 5 }), fc.boolean(), (v, presorted) => {
        const input = presorted ? sortedCopy(v) : v;
        const before = JSON.stringify(input);
        expect(canonicalJson(input)).toBe(JSON.stringify(sortedCopy(input)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
        expect(JSON.stringify(input)).toBe(before);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeBase64Url', () => {
  it.each([
    ['canonical', 'eyJhIjoxfQ', '{"a":1}'],
    ['empty', '', ''],
  ])('decodes a %s segment', (_n, s, want) => {
    expect(decodeBase64Url(s)?.toString()).toBe(want);
  });

  it.each([
    ['padding', 'eyJhIjoxfQ=='],
    ['standard alphabet', 'ab+/'],
    ['stray bits in the last character', 'eyJhIjoxfR'],
    ['an impossible length', 'abcde'],
    ['whitespace', 'eyJh IjoxfQ'],
  ])('rejects %s', (_n, s) => {
    expect(decodeBase64Url(s)).toBeUndefined();
  });
});
