import { describe, expect, it } from 'vitest';
import { EventHistory, assertNotCompacted } from '../../src/store/event-history.js';
import { StoreError } from '../../src/store/types.js';

function historyOf(capacity: number, writes: number): EventHistory {
  const h = new EventHistory(capacity);
  for (let revision = 1; revision <= writes; revision++) h.push({ type: 'ADDED', key: `/k/${revision}`, revision, json: '{}' });
  return h;
}

describe('EventHistory', () => {
  it.each([
    ['nothing is compacted before the ring fills', 5, 3, 0, 0, [1, 2, 3]],
    ['a full ring drops the oldest change', 3, 4, 1, 1, [2, 3, 4]],
    ['a ring that wrapped several times keeps the last changes in order', 3, 11, 8, 8, [9, 10, 11]],
    ['since() in the middle of a wrapped ring returns the tail', 4, 10, 6, 8, [9, 10]],
    ['since() the newest revision returns nothing', 4, 10, 6, 10, []],
  ])('%s', (_name, capacity, writes, compacted, since, revisions) => {
    const h = historyOf(capacity, writes);
    expect(h.compacted).toBe(compacted);
    expect(h.since(since).map((e) => e.revision)).toEqual(revisions);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a capacity of %s', (capacity) => {
    expect(() => new EventHistory(capacity)).toThrow(RangeError);
  });
});

describe('assertNotCompacted', () => {
  it.each([
    ['a revision at the compaction point is fine', 10, 10, undefined],
    ['a revision above it is fine', 12, 10, undefined],
    ['a revision below it is Gone, in the watch cache\'s words', 5, 10, 'too old resource version: 5 (10)'],
    ['revision 0 is Gone once anything was compacted', 0, 1, 'too old resource version: 0 (1)'],
  ])('%s', (_name, since, compacted, message) => {
    if (message === undefined) expect(() => assertNotCompacted(since, compacted)).not.toThrow();
    else expect(() => assertNotCompacted(since, compacted)).toThrow(expect.objectContaining({ code: 'Gone', message, constructor: StoreError }));
  });

  it.each([-1, 1.5, Number.NaN])('rejects a sinceRevision of %s as a programming error', (since) => {
    expect(() => assertNotCompacted(since, 0)).toThrow(RangeError);
  });
});
