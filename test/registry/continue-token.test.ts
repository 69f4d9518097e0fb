import { describe, expect, it } from 'vitest';
import { ContinueTokenError, decodeContinue, encodeContinue } from '../../src/registry/continue-token.js';
import { takePage } from '../../src/registry/pagination.js';
import type { KubeObject } from '../../src/registry/types.js';

const P = '/registry/pods/';
const raw = (bytes: string) => Buffer.from(bytes, 'latin1').toString('base64url');
const fails = (t: string) => {
  try {
    decodeContinue(t, P);
  } catch (e) {
    expect(e).toBeInstanceOf(ContinueTokenError);
    return (e as Error).message;
  }
  throw new Error('decoded');
};

describe('continue tokens (apiserver storage/continue.go)', () => {
  it('round-trips, with the start key relative to the list prefix and Go JSON escaping', () => {
    const t = encodeContinue(`${P}ns/a<b>&c\u0000`, P, 42);
    expect(Buffer.from(t, 'base64url').toString()).toBe('{"v":"meta.k8s.io/v1","rv":42,"start":"ns/a\\u003cb\\u003e\\u0026c\\u0000"}');
    expect(t).not.toMatch(/[=+/]/);
    expect(decodeContinue(t, P)).toEqual({ key: `${P}ns/a<b>&c\u0000`, rv: 42 });
    expect(() => encodeContinue('/registry/secrets/x', P, 1)).toThrow(RangeError);
  });

  it('reads members case-insensitively and keeps rv -1 (resume at the latest state), as Go does', () => {
    expect(decodeContinue(raw('{"V":"meta.k8s.io/v1","RV":5,"Start":"a"}'), P)).toEqual({ key: `${P}a`, rv: 5 });
    expect(decodeContinue(raw('{"v":"meta.k8s.io/v1","rv":-1,"start":"a/b"}'), P)).toEqual({ key: `${P}a/b`, rv: -1 });
  });

  // messages checked against Go's encoding/base64 and encoding/json on the same inputs
  it.each([
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['{"v":"a\\', "invalid character ' ' in string escape code"],
    ['1e+', "invalid character ' ' in exponent of numeric literal"],
    ['-', "invalid character ' ' in numeric literal"],
    ['\xff', "invalid character 'ÿ' looking for beginning of value"],
    ["{'", "invalid character '\\'' looking for beginning of object key string"],
    ['{"v":"meta.k8s.io/v1","rv":1.5,"start":"a"}', 'json: cannot unmarshal number 1.5 into Go struct field continueToken.rv of type int64'],
    ['{"v":"meta.k8s.io/v1","rv":5,"start":"a//b"}', 'a//b'],
    ['null', 'server does not recognize this encoded version '],
  ])('rejects %j as Go does', (json, message) => {
    expect(fails(raw(json))).toBe(`continue key is not valid: ${message}`);
  });

  it('rejects what RawURLEncoding rejects, and skips CR and LF as it does', () => {
    expect(fails('ab/c')).toBe('continue key is not valid: illegal base64 data at input byte 2');
    expect(fails('abcde')).toBe('continue key is not valid: illegal base64 data at input byte 4');
    const t = encodeContinue(`${P}a\u0000`, P, 3);
    expect(decodeContinue(`${t.slice(0, 4)}\r\n${t.slice(4)}`, P).rv).toBe(3);
  });
});

describe('takePage (etcd3 GetList paging)', () => {
  const entries = ['a', 'b', 'c', 'd', 'e'].map((n, i) => [`${P}${n}`, { metadata: { name: n, labels: { odd: String(i % 2 === 1) } } } as KubeObject] as const);
  const odd = (o: KubeObject) => o.metadata.labels?.odd === 'true';

  it('counts what remains and resumes after the last key', () => {
    expect(takePage(entries, undefined, 2, () => true, true)).toMatchObject({ next: `${P}b\u0000`, remaining: 3 });
    const p2 = takePage(entries, `${P}b\u0000`, 2, () => true, true);
    expect(p2.items.map((o) => o.metadata.name)).toEqual(['c', 'd']);
    expect(takePage(entries, `${P}d\u0000`, 2, () => true, true)).toEqual({ items: [entries[4]![1]] });
    expect(takePage(entries, undefined, 5, () => true, true)).toEqual({ items: entries.map((e) => e[1]) });
    expect(takePage(entries, undefined, 0, () => true, true).next).toBeUndefined();
  });

  it('fills a filtered page and says "more" while any key follows its last item', () => {
    expect(takePage(entries, undefined, 2, odd, false)).toEqual({ items: [entries[1]![1], entries[3]![1]], next: `${P}d\u0000` });
    expect(takePage(entries, `${P}d\u0000`, 2, odd, false)).toEqual({ items: [] });
  });
});
