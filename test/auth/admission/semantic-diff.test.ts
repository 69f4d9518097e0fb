import { describe, expect, it } from 'vitest';
import { semanticDiff } from '../../../src/auth/admission/semantic-diff.js';
import { semanticEqual } from '../../../src/registry/semantic-equal.js';

describe('semanticDiff agrees with semanticEqual (apiequality.Semantic.DeepEqual over JSON) and says where', () => {
  it.each<[string, unknown, unknown, string[]]>([
    ['a missing list equals an empty one', undefined, [], []],
    ['null equals an empty map', null, {}, []],
    ['a missing field equals an empty list in it', { spec: {} }, { spec: { taints: [] } }, []],
    ['equal scalars are equal', { a: 'x', b: 1, c: true }, { c: true, b: 1, a: 'x' }, []],
    ['a changed scalar is at its path', { a: { b: 1 } }, { a: { b: 2 } }, ['a.b']],
    ['an added key is at its path', { a: {} }, { a: { b: '' } }, ['a.b']],
    ['a list of another length differs as a whole', { l: [1] }, { l: [1, 2] }, ['l']],
    ['list items are compared in order', { l: [{ k: 'a' }, { k: 'b' }] }, { l: [{ k: 'b' }, { k: 'a' }] }, ['l[0].k', 'l[1].k']],
    ['a list is not a map', { l: [1] }, { l: { 0: 1 } }, ['l']],
    ['a map is not a scalar', { a: { b: 1 } }, { a: 'b' }, ['a']],
    ['a scalar is not a map', 'x', { a: 1 }, ['.']],
    ['a root list of another length', [1], [1, 2], ['.']],
    ['an empty string is not a missing value', { a: '' }, {}, ['a']],
    ['zero is not false', { a: 0 }, { a: false }, ['a']],
    ['differing roots', 1, 2, ['.']],
    ['a missing value equals an empty map', undefined, {}, []],
    ['a map against a missing value differs key by key', { a: 1, b: { c: 2 } }, undefined, ['a', 'b.c']],
    ['a map against null differs key by key', null, { a: 1 }, ['a']],
    ['a list against a missing value differs as a whole', { l: [1] }, {}, ['l']],
    ['a list against a scalar differs as a whole', [1], 5, ['.']],
    ['a map against a scalar differs as a whole', { a: { b: 1 } }, { a: 5 }, ['a']],
    ['null against a scalar differs', { a: null }, { a: 5 }, ['a']],
    ['paths are sorted by key, whatever the insertion order', { b: 1, a: 1 }, { b: 2, a: 2 }, ['a', 'b']],
    ['a key on both sides is compared once', { a: 1 }, { a: 2 }, ['a']],
  ])('%s', (_name, a, b, diff) => {
    expect(semanticDiff(a, b)).toEqual(diff);
    expect(semanticEqual(a, b)).toBe(diff.length === 0);
  });
});
