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
