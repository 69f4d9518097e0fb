import { type KeyValueStore, type ListResult, type StoredObject, type Watch, type WatchEvent, type WatchOptions, StoreError } from './types.js';

const HISTORY = 10_000;

/**
 * The library's default store: objects in a Map, deep-copied in and out, one revision counter,
 * a bounded history for watches that resume from a revision.
 * IMPORTANT: watch handlers run synchronously after each write is applied and before its promise
 * resolves; the binding registry (registry/binding-index.ts) relies on this to invalidate tokens
 * before a delete returns.
 * @example
 * const store = new MemoryStore();
 * await store.create('/registry/serviceaccounts/default/a', { metadata: { name: 'a' } });
 */
export class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, StoredObject>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<{ prefix: string; handler: (e: WatchEvent) => void }>();
  private rev = 0;

  revision(): number {
    return this.rev;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const o = this.data.get(key);
    return o ? structuredClone(o) : undefined;
  }

  async list(prefix: string): Promise<ListResult> {
    const keys = [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort();
    return { items: keys.map((k) => structuredClone(this.data.get(k)!)), revision: this.rev };
  }

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    if (this.data.has(key)) throw new StoreError('AlreadyExists', `key ${key} already exists`);
    return this.write('ADDED', key, obj);
  }

  async update(key: string, obj: StoredObject, expectedRevision?: string): Promise<StoredObject> {
    const cur = this.data.get(key);
    if (!cur) throw new StoreError('NotFound', `key ${key} not found`);
    if (expectedRevision !== undefined && cur.metadata.resourceVersion !== expectedRevision) throw new StoreError('Conflict', `key ${key} is at ${cur.metadata.resourceVersion}, not ${expectedRevision}`);
    return this.write('MODIFIED', key, obj);
  }

  async delete(key: string, expectedRevision?: string): Promise<StoredObject> {
    const cur = this.data.get(key);
    if (!cur) throw new StoreError('NotFound', `key ${key} not found`);
    if (expectedRevision !== undefined && cur.metadata.resourceVersion !== expectedRevision) throw new StoreError('Conflict', `key ${key} is at ${cur.metadata.resourceVersion}, not ${expectedRevision}`);
    this.data.delete(key);
    const last = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(++this.rev) } };
    this.emit({ type: 'DELETED', key, object: last, revision: this.rev });
    return structuredClone(last);
  }

  watch(prefix: string, handler: (e: WatchEvent) => void, opts: WatchOptions = {}): Watch {
    if (opts.sinceRevision !== undefined) {
      const oldest = this.history[0]?.revision ?? this.rev + 1;
      if (opts.sinceRevision < oldest - 1 && opts.sinceRevision < this.rev) throw new StoreError('Gone', `too old resource version: ${opts.sinceRevision} (${oldest - 1})`);
      for (const e of this.history) if (e.revision > opts.sinceRevision && e.key.startsWith(prefix)) safely(handler, e);
    }
    const w = { prefix, handler };
    this.watchers.add(w);
    return { stop: () => void this.watchers.delete(w) };
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private write(type: 'ADDED' | 'MODIFIED', key: string, obj: StoredObject): StoredObject {
    const stored = structuredClone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.rev) };
    Object.freeze(stored);
    this.data.set(key, stored);
    this.emit({ type, key, object: stored, revision: this.rev });
    return structuredClone(stored);
  }

  private emit(e: WatchEvent): void {
    this.history.push(e);
    if (this.history.length > HISTORY) this.history.shift();
    for (const w of this.watchers) if (e.key.startsWith(w.prefix)) safely(w.handler, e);
  }
}

function safely(handler: (e: WatchEvent) => void, e: WatchEvent): void {
  try {
    handler(e);
  } catch {
    // a watcher's failure is its own; the store and other watchers go on
  }
}
