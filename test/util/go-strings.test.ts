import { describe, expect, it } from 'vitest';
import { compareGoStrings } from '../../src/util/go-strings.js';

describe('compareGoStrings (Go string order: UTF-8 bytes)', () => {
  it.each([
    ['upper case before lower case', ['b', 'a', 'B'], ['B', 'a', 'b']],
    ['a prefix first', ['ab', 'a', 'abc'], ['a', 'ab', 'abc']],
    ['a code point above U+FFFF after U+FFFF, unlike UTF-16 order', ['😀', '\uffff', 'z'], ['z', '\uffff', '😀']],
  ])('%s', (_name, input, sorted) => {
    expect([...input].sort(compareGoStrings)).toEqual(sorted);
  });

  it('agrees with a byte comparison of the UTF-8 encodings', () => {
    const words = ['', 'a', 'é', 'ÿ', 'Ā', '\ud7ff', '\ue000', '\uffff', '😀', '𝄞', 'a😀', 'a\uffff'];
    for (const x of words) for (const y of words) expect(Math.sign(compareGoStrings(x, y))).toBe(Math.sign(Buffer.compare(Buffer.from(x), Buffer.from(y))));
  });
});
