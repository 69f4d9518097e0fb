import { expect } from 'vitest';
import { type KeyValueStore, type StoredObject, type WatchEvent, StoreError } from '../../src/store/types.js';

// Shared by the store contract suites (contract-crud.ts, contract-watch.ts) and the sqlite tests.

/**
 * A minimal object under `name`, with optional extra fields.
 * @example
 * obj('a', { spec: { n: 1 } }); // { metadata: { name: 'a' }, spec: { n: 1 } }
 */
export function obj(name: string, extra: Record<string, unknown> = {}): StoredObject {
  return { metadata: { name }, ...extra };
}

/**
 * Asserts that `p` rejects with a StoreError of this code and exact message.
 * @example
 * await expectStoreError(store.delete('/registry/x'), 'NotFound', 'key not found: /registry/x');
 */
export async function expectStoreError(p: Promise<unknown>, code: StoreError['code'], message: string): Promise<void> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  expect(e).toMatchObject({ code, message });
}

/**
 * Events reduced to what tests compare: type, key, revision and the stamped resourceVersion.
 * @example
 * expect(brief(seen)).toEqual([['ADDED', '/registry/pods/ns/a', 1, '1']]);
 */
export function brief(events: WatchEvent[]): Array<[string, string, number, string | undefined]> {
  return events.map((e) => [e.type, e.key, e.revision, e.object.metadata.resourceVersion]);
}

/**
 * Writes `n` objects `/registry/pods/ns/p<i>`, returning the last revision.
 * @example
 * await fill(store, 10); // 10 on an empty store
 */
export async function fill(store: KeyValueStore, n: number, prefix = '/registry/pods/ns/p'): Promise<number> {
  for (let i = 1; i <= n; i++) await store.create(`${prefix}${i}`, obj(`p${i}`));
  return store.revision();
}
