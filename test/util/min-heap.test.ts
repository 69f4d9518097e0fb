import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../src/util/min-heap.js';

describe('MinHeap', () => {
  it('pops in priority order, ties in insertion order', () => {
    const h = new MinHeap<string>();
    h.push(5, 'e');
    h.push(1, 'a1');
    h.push(3, 'c');
    h.push(1, 'a2');
    expect([h.pop(), h.pop(), h.pop(), h.pop(), h.pop()]).toEqual(['a1', 'a2', 'c', 'e', undefined]);
  });

  it('always pops a sorted sequence (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 200 }), (xs) => {
        const h = new MinHeap<number>();
        for (const x of xs) h.push(x, x);
        const out: number[] = [];
        while (h.size) out.push(h.pop()!);
        expect(out).toEqual([...xs].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});
