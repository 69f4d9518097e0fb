import { describe, expect, it } from 'vitest';
import { sortedExtra } from '../../src/registry/user-info.js';

describe('sortedExtra (a UserInfo extra in Go map order)', () => {
  it('orders the keys by bytes, as encoding/json writes a map', () => {
    expect(Object.keys(sortedExtra({ zeta: ['1'], alpha: ['2'], Mid: ['3'], '😀': ['4'], '\uffff': ['5'] }))).toEqual(['Mid', 'alpha', 'zeta', '\uffff', '😀']);
  });

  it('is empty for no extra', () => {
    expect(sortedExtra(undefined)).toEqual({});
  });

  it('returns a frozen extra already in order as it is, and copies anything else', () => {
    const frozen = Object.freeze({ a: ['1'], b: ['2'] });
    expect(sortedExtra(frozen)).toBe(frozen);
    const open = { a: ['1'], b: ['2'] };
    expect(sortedExtra(open)).not.toBe(open);
    expect(sortedExtra(open)).toEqual(open);
    const frozenUnsorted = Object.freeze({ b: ['2'], a: ['1'] });
    expect(Object.keys(sortedExtra(frozenUnsorted))).toEqual(['a', 'b']);
  });
});
