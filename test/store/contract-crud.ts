import { describe, expect, it } from 'vitest';
import type { KeyValueStore, StoredObject } from '../../src/store/types.js';
import type { ContractContext } from './contract.js';
import { expectStoreError, fill, obj } from './contract-helpers.js';

const A = '/registry/pods/ns/a';

/** CRUD, error codes, resourceVersions, copy isolation, lists, prefixes and concurrency. */
export function crudContract(ctx: ContractContext): void {
  describe('reads and writes', () => {
    it('creates an object stamped with the next revision and reads it back', async () => {
      const s = await ctx.open();
      expect(s.revision()).toBe(0);
      const created = await s.create(A, obj('a', { spec: { n: 1 } }));
      expect(created).toEqual({ metadata: { name: 'a', resourceVersion: '1' }, spec: { n: 1 } });
      expect(await s.get(A)).toEqual(created);
      expect(s.revision()).toBe(1);
    });

    it('returns undefined for a key that was never written', async () => {
      const s = await ctx.open();
      expect(await s.get(A)).toBeUndefined();
    });

    it('updates with and without the current revision, and deletes returning the last state at the deletion revision', async () => {
      const s = await ctx.open();
      await s.create(A, obj('a'));
      expect(await s.update(A, obj('a', { v: 2 }), '1')).toEqual({ metadata: { name: 'a', resourceVersion: '2' }, v: 2 });
      expect(await s.update(A, obj('a', { v: 3 }))).toEqual({ metadata: { name: 'a', resourceVersion: '3' }, v: 3 });
      expect(await s.delete(A, '3')).toEqual({ metadata: { name: 'a', resourceVersion: '4' }, v: 3 });
      expect(await s.get(A)).toBeUndefined();
      expect(s.revision()).toBe(4);
      await s.create(A, obj('again'));
      expect((await s.get(A))?.metadata).toEqual({ name: 'again', resourceVersion: '5' });
    });

    it('ignores a resourceVersion in the written object and does not touch the caller\'s object', async () => {
      const s = await ctx.open();
      const input = { metadata: { name: 'a', resourceVersion: '99' } };
      expect((await s.create(A, input)).metadata.resourceVersion).toBe('1');
      expect(input.metadata.resourceVersion).toBe('99');
    });

    it('stamps strictly increasing revisions across keys, one per write', async () => {
      const s = await ctx.open();
      const seen: string[] = [];
      for (let i = 0; i < 5; i++) seen.push((await s.create(`${A}${i}`, obj(`a${i}`))).metadata.resourceVersion!);
      seen.push((await s.update(`${A}0`, obj('a0'))).metadata.resourceVersion!);
      seen.push((await s.delete(`${A}1`)).metadata.resourceVersion!);
      expect(seen).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    });
  });

  describe('errors', () => {
    const cases: Array<[string, (s: KeyValueStore) => Promise<unknown>, 'AlreadyExists' | 'NotFound' | 'Conflict', string]> = [
      ['creating an existing key fails with AlreadyExists', (s) => s.create(A, obj('a')), 'AlreadyExists', `key exists: ${A}`],
      ['updating an absent key fails with NotFound', (s) => s.update(`${A}x`, obj('ax')), 'NotFound', `key not found: ${A}x`],
      ['updating an absent key with an expected revision fails with NotFound', (s) => s.update(`${A}x`, obj('ax'), '1'), 'NotFound', `key not found: ${A}x`],
      ['deleting an absent key fails with NotFound', (s) => s.delete(`${A}x`), 'NotFound', `key not found: ${A}x`],
      ['updating with a stale revision fails with Conflict', (s) => s.update(A, obj('a'), '1'), 'Conflict', `resource version conflicts: ${A} is at 2, expected 1`],
      ['deleting with a stale revision fails with Conflict', (s) => s.delete(A, '1'), 'Conflict', `resource version conflicts: ${A} is at 2, expected 1`],
      ['an expected revision is compared as a string', (s) => s.delete(A, '02'), 'Conflict', `resource version conflicts: ${A} is at 2, expected 02`],
    ];
    it.each(cases)('%s, and changes nothing', async (_name, op, code, message) => {
      const s = await ctx.open();
      await s.create(A, obj('a'));
      await s.update(A, obj('a', { v: 2 }));
      await expectStoreError(op(s), code, message);
      expect(s.revision()).toBe(2);
      expect(await s.get(A)).toEqual({ metadata: { name: 'a', resourceVersion: '2' }, v: 2 });
    });

    it('fails every operation with Unavailable once closed', async () => {
      const s = await ctx.open();
      await s.create(A, obj('a'));
      await s.close();
      await expectStoreError(s.get(A), 'Unavailable', 'the store is closed');
      await expectStoreError(s.create(`${A}2`, obj('a2')), 'Unavailable', 'the store is closed');
      expect(() => s.watch('/', () => {})).toThrow('the store is closed');
    });
  });

  describe('options', () => {
    it.each([0, -1, 2.5])('rejects a history size of %s', async (historySize) => {
      await expect(ctx.open({ historySize })).rejects.toThrow(new RangeError(`history size must be a positive integer, got ${historySize}`));
    });
  });

  describe('copies', () => {
    const mutations: Array<[string, (s: KeyValueStore, input: StoredObject) => Promise<void>]> = [
      ['the object passed to create', async (_s, input) => void ((input.spec as { tags: string[] }).tags.push('x'))],
      ['the object create returned', async (s, input) => void ((await s.create(`${A}2`, input)).spec as { tags: string[] }).tags.push('x')],
      ['the object get returned', async (s) => void ((await s.get(A))!.spec as { tags: string[] }).tags.push('x')],
      ['an object list returned', async (s) => void ((await s.list('/registry/')).items[0]!.spec as { tags: string[] }).tags.push('x')],
      ['the object update returned', async (s) => void ((await s.update(A, (await s.get(A))!)).spec as { tags: string[] }).tags.push('x')],
    ];
    it.each(mutations)('a caller mutating %s does not change the store', async (_name, mutate) => {
      const s = await ctx.open();
      const input = obj('a', { spec: { tags: ['t'] } });
      await s.create(A, input);
      await mutate(s, input);
      expect((await s.get(A))!.spec).toEqual({ tags: ['t'] });
    });
  });

  describe('lists and prefixes', () => {
    it('lists every object under a prefix sorted by key, with the revision it was read at', async () => {
      const s = await ctx.open();
      for (const name of ['c', 'a', 'b']) await s.create(`/registry/pods/ns/${name}`, obj(name));
      await s.create('/registry/secrets/ns/z', obj('z'));
      const { items, revision } = await s.list('/registry/pods/');
      expect(items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
      expect(revision).toBe(4);
      expect((await s.list('/registry/nothing/')).items).toEqual([]);
    });

    it('sorts keys as JavaScript compares strings, also beyond ASCII', async () => {
      const s = await ctx.open();
      const names = ['\uff21', '\u{1f600}', 'z', '\u00e9', 'a'];
      for (const n of names) await s.create(`/registry/configmaps/ns/${n}`, obj(n));
      expect((await s.list('/registry/configmaps/ns/')).items.map((o) => o.metadata.name)).toEqual([...names].sort());
    });

    const prefixes: Array<[string, string, string[]]> = [
      ['a namespace prefix with a trailing slash does not match a longer namespace', '/registry/pods/a/', ['/registry/pods/a/x']],
      ['a resource prefix matches every namespace of it', '/registry/pods/', ['/registry/pods/a/x', '/registry/pods/ab/x']],
      ['a resource prefix does not match a longer resource name', '/registry/pod/', []],
      ['the root prefix matches everything, sorted by key', '/registry/', ['/registry/pods/a/x', '/registry/pods/ab/x', '/registry/podsx/a/x']],
    ];
    it.each(prefixes)('%s (list and watch agree)', async (_name, prefix, expected) => {
      const s = await ctx.open();
      const seen: string[] = [];
      s.watch(prefix, (e) => seen.push(e.key));
      for (const k of ['/registry/pods/ab/x', '/registry/pods/a/x', '/registry/podsx/a/x']) await s.create(k, obj('x', { metadata: { name: 'x', key: k } }));
      const listed = (await s.list(prefix)).items.map((o) => o.metadata.key);
      expect(listed).toEqual(expected);
      expect(seen.sort()).toEqual([...expected].sort());
    });
  });

  describe('optimistic concurrency', () => {
    it('lets exactly one of many concurrent updates with the same expected revision win', async () => {
      const s = await ctx.open();
      const rv = (await s.create(A, obj('a', { n: -1 }))).metadata.resourceVersion!;
      const results = await Promise.allSettled(Array.from({ length: 50 }, (_, n) => s.update(A, obj('a', { n }), rv)));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'Conflict')).toBe(true);
      expect(await s.get(A)).toEqual((won[0] as PromiseFulfilledResult<StoredObject>).value);
      expect(s.revision()).toBe(2);
    });

    it('lets exactly one of many concurrent creates of one key win', async () => {
      const s = await ctx.open();
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => s.create(A, obj('a', { n }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(s.revision()).toBe(1);
    });

    it('keeps every concurrent create of distinct keys, each with its own revision', async () => {
      const s = await ctx.open();
      const made = await Promise.all(Array.from({ length: 100 }, (_, i) => s.create(`${A}${i}`, obj(`a${i}`))));
      expect(new Set(made.map((o) => o.metadata.resourceVersion)).size).toBe(100);
      expect(await fill(s, 0)).toBe(100);
      expect((await s.list('/registry/pods/ns/')).items).toHaveLength(100);
    });
  });
}
