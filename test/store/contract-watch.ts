import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../src/store/types.js';
import type { ContractContext } from './contract.js';
import { brief, fill, obj } from './contract-helpers.js';

const A = '/registry/pods/ns/a';
const B = '/registry/pods/ns/b';

/** Watches: order, synchronous delivery, stop, replay from a revision, Gone, isolation. */
export function watchContract(ctx: ContractContext): void {
  describe('watch', () => {
    it('delivers ADDED, MODIFIED and DELETED in revision order with the stamped objects', async () => {
      const s = await ctx.open();
      const seen: WatchEvent[] = [];
      s.watch('/registry/pods/', (e) => seen.push(e));
      await s.create(A, obj('a'));
      await s.create(B, obj('b'));
      await s.update(A, obj('a', { v: 2 }));
      await s.delete(B);
      expect(brief(seen)).toEqual([
        ['ADDED', A, 1, '1'],
        ['ADDED', B, 2, '2'],
        ['MODIFIED', A, 3, '3'],
        ['DELETED', B, 4, '4'],
      ]);
      expect(seen[2]!.object).toEqual({ metadata: { name: 'a', resourceVersion: '3' }, v: 2 });
      expect(seen[3]!.object).toEqual({ metadata: { name: 'b', resourceVersion: '4' } });
    });

    it.each([
      ['create', async (s: Parameters<typeof fill>[0]) => s.create(B, obj('b'))],
      ['update', async (s: Parameters<typeof fill>[0]) => s.update(A, obj('a'))],
      ['delete', async (s: Parameters<typeof fill>[0]) => s.delete(A)],
    ])('has run every handler by the time %s returns its promise', async (_name, write) => {
      const s = await ctx.open();
      await s.create(A, obj('a'));
      const seen: number[] = [];
      s.watch('/registry/', (e) => seen.push(e.revision));
      s.watch('/registry/pods/', (e) => seen.push(e.revision));
      const pending = write(s);
      expect(seen).toEqual([2, 2]);
      await pending;
    });

    it('stops delivering after stop()', async () => {
      const s = await ctx.open();
      const seen: string[] = [];
      const w = s.watch('/registry/', (e) => seen.push(e.key));
      await s.create(A, obj('a'));
      w.stop();
      await s.create(B, obj('b'));
      expect(seen).toEqual([A]);
    });

    it('isolates a throwing handler: the write succeeds and the other handlers, and later events, still arrive', async () => {
      const s = await ctx.open();
      const before: number[] = [];
      const after: number[] = [];
      let thrown = 0;
      s.watch('/registry/', (e) => before.push(e.revision));
      s.watch('/registry/', () => {
        thrown++;
        throw new Error('handler bug');
      });
      s.watch('/registry/', (e) => after.push(e.revision));
      await expect(s.create(A, obj('a'))).resolves.toMatchObject({ metadata: { resourceVersion: '1' } });
      await s.delete(A);
      expect([before, after, thrown]).toEqual([[1, 2], [1, 2], 2]);
      expect(await s.get(A)).toBeUndefined();
    });

    it('reports a throwing handler to onHandlerError with the error and the event', async () => {
      const reported: Array<[string, number]> = [];
      const s = await ctx.open({ onHandlerError: (error, e) => reported.push([(error as Error).message, e.revision]) });
      s.watch('/registry/', () => {
        throw new Error('handler bug');
      });
      await s.create(A, obj('a'));
      expect(reported).toEqual([['handler bug', 1]]);
    });

    it('gives each handler its own copy: one handler mutating the object changes neither the store nor the others', async () => {
      const s = await ctx.open();
      const names: unknown[] = [];
      s.watch('/registry/', (e) => {
        e.object.metadata.name = 'mutated';
        (e.object.spec as string[]).push('x');
      });
      s.watch('/registry/', (e) => names.push([e.object.metadata.name, e.object.spec]));
      await s.create(A, obj('a', { spec: ['s'] }));
      expect(names).toEqual([['a', ['s']]]);
      expect(await s.get(A)).toEqual({ metadata: { name: 'a', resourceVersion: '1' }, spec: ['s'] });
    });

    it('keeps revision order for every watcher when a handler writes to the store', async () => {
      const s = await ctx.open();
      const first: number[] = [];
      const second: number[] = [];
      s.watch('/registry/', (e) => {
        first.push(e.revision);
        if (e.key === A) void s.create(B, obj('b'));
      });
      s.watch('/registry/', (e) => second.push(e.revision));
      await s.create(A, obj('a'));
      expect([first, second]).toEqual([[1, 2], [1, 2]]);
    });
  });

  describe('watch from a revision', () => {
    it('replays the retained changes after it, then follows live ones with no gap and no duplicate', async () => {
      const s = await ctx.open();
      await s.create(A, obj('a'));
      await s.create(B, obj('b'));
      await s.update(A, obj('a'));
      await s.create('/registry/secrets/ns/x', obj('x'));
      const seen: WatchEvent[] = [];
      s.watch('/registry/pods/', (e) => seen.push(e), { sinceRevision: 1 });
      expect(brief(seen)).toEqual([['ADDED', B, 2, '2'], ['MODIFIED', A, 3, '3']]);
      await s.delete(A);
      expect(brief(seen).map((e) => e[2])).toEqual([2, 3, 5]);
    });

    it.each([
      ['the current revision replays nothing', 3, []],
      ['revision 0 replays everything', 0, [1, 2, 3]],
      ['a future revision delivers only changes after it', 4, []],
    ])('%s', async (_name, since, replayed) => {
      const s = await ctx.open();
      await fill(s, 3);
      const seen: number[] = [];
      s.watch('/registry/', (e) => seen.push(e.revision), { sinceRevision: since });
      expect(seen).toEqual(replayed);
      await fill(s, 2, '/registry/pods/ns/q');
      expect(seen).toEqual([...replayed, ...[4, 5].filter((r) => r > since)]);
    });

    it.each([
      ['fails with Gone for a revision that was compacted away', 1, 'too old resource version: 1 (7)'],
      ['fails with Gone just below the compaction point', 6, 'too old resource version: 6 (7)'],
    ])('%s, in Kubernetes\' words', async (_name, since, message) => {
      const s = await ctx.open({ historySize: 3 });
      await fill(s, 10);
      expect(() => s.watch('/registry/', () => {}, { sinceRevision: since })).toThrow(expect.objectContaining({ code: 'Gone', message }));
    });

    it('replays from the compaction point itself', async () => {
      const s = await ctx.open({ historySize: 3 });
      await fill(s, 10);
      const seen: number[] = [];
      s.watch('/registry/', (e) => seen.push(e.revision), { sinceRevision: 7 });
      expect(seen).toEqual([8, 9, 10]);
    });

    it('starts a replaying watch from inside a handler without losing or repeating events', async () => {
      const s = await ctx.open();
      const late: number[] = [];
      s.watch('/registry/', (e) => {
        if (e.revision === 2) s.watch('/registry/', (x) => late.push(x.revision), { sinceRevision: 0 });
      });
      s.watch('/registry/', (e) => {
        if (e.revision === 2) void s.create('/registry/pods/ns/c', obj('c'));
      });
      await fill(s, 3);
      expect(late).toEqual([1, 2, 3, 4]);
    });
  });
}
