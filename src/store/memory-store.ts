import { type EncodedEvent, stamp } from './encoded-event.js';
import { DEFAULT_HISTORY_SIZE, EventHistory, assertNotCompacted } from './event-history.js';
import { checkExpected, storeErrors } from './store-errors.js';
import type { KeyValueStore, ListResult, StoredObject, Watch, WatchEvent, WatchEventType, WatchOptions } from './types.js';
import { type HandlerErrorReporter, WatchHub } from './watch-hub.js';

/**
 * Options of {@link MemoryStore}.
 * @example
 * new MemoryStore({ historySize: 100, onHandlerError: (err, e) => log.warn({ err, key: e.key }, 'watch handler failed') });
 */
export interface MemoryStoreOptions {
  /** how many recent changes to keep for `watch(..., { sinceRevision })` (default 10,000) */
  historySize?: number;
  /** told about watch handlers that throw (default: ignored) */
  onHandlerError?: HandlerErrorReporter;
}

interface Entry {
  json: string;
  resourceVersion: string;
}

/**
 * The library's default store: objects kept as JSON strings in a Map (get is O(1) and nobody can
 * mutate what is stored), one revision counter, and a bounded history of recent changes for
 * watches that resume from a revision (Gone once that revision has been compacted away).
 *
 * IMPORTANT: watch handlers run synchronously, in revision order, after a write is applied and
 * before its promise resolves, so a delete's watchers have run when `delete()` returns. The binding
 * index (registry/binding-index.ts, through registry/object-registry.ts) relies on this to
 * invalidate tokens before the delete call returns. The sqlite store (sqlite-store.ts) keeps the
 * same promise; both dispatch through watch-hub.ts.
 * @example
 * const store = new MemoryStore();
 * const sa = await store.create('/registry/serviceaccounts/default/a', { metadata: { name: 'a' } });
 * sa.metadata.resourceVersion; // '1'
 * store.watch('/registry/serviceaccounts/', (e) => console.log(e.type, e.key));
 * await store.delete('/registry/serviceaccounts/default/a'); // logs "DELETED ..." before this resolves
 */
export class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, Entry>();
  private readonly history: EventHistory;
  private readonly hub: WatchHub;
  private rev = 0;
  private closed = false;

  constructor(opts: MemoryStoreOptions = {}) {
    this.history = new EventHistory(opts.historySize ?? DEFAULT_HISTORY_SIZE);
    this.hub = new WatchHub(opts.onHandlerError);
  }

  revision(): number {
    return this.rev;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.ensureOpen();
    const entry = this.data.get(key);
    return entry ? (JSON.parse(entry.json) as StoredObject) : undefined;
  }

  async list(prefix: string): Promise<ListResult> {
    this.ensureOpen();
    const keys: string[] = [];
    for (const k of this.data.keys()) if (k.startsWith(prefix)) keys.push(k);
    keys.sort();
    return { items: keys.map((k) => JSON.parse(this.data.get(k)!.json) as StoredObject), revision: this.rev };
  }

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    this.ensureOpen();
    if (this.data.has(key)) throw storeErrors.alreadyExists(key);
    return this.commit('ADDED', key, obj);
  }

  async update(key: string, obj: StoredObject, expectedRevision?: string): Promise<StoredObject> {
    this.ensureOpen();
    checkExpected(key, this.data.get(key)?.resourceVersion, expectedRevision);
    return this.commit('MODIFIED', key, obj);
  }

  async delete(key: string, expectedRevision?: string): Promise<StoredObject> {
    this.ensureOpen();
    const entry = this.data.get(key);
    checkExpected(key, entry?.resourceVersion, expectedRevision);
    return this.commit('DELETED', key, JSON.parse(entry!.json) as StoredObject);
  }

  watch(prefix: string, handler: (e: WatchEvent) => void, opts: WatchOptions = {}): Watch {
    this.ensureOpen();
    const since = opts.sinceRevision;
    if (since === undefined) return this.hub.subscribe(prefix, handler, [], this.rev);
    assertNotCompacted(since, this.history.compacted);
    return this.hub.subscribe(prefix, handler, this.history.since(since), Math.max(this.rev, since));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.close();
  }

  /** Applies one change under the next revision, records it, and tells the watchers. */
  private commit(type: WatchEventType, key: string, obj: StoredObject): StoredObject {
    const revision = this.rev + 1;
    const { object, json } = stamp(obj, revision);
    this.rev = revision;
    if (type === 'DELETED') this.data.delete(key);
    else this.data.set(key, { json, resourceVersion: String(revision) });
    const event: EncodedEvent = { type, key, revision, json };
    this.history.push(event);
    this.hub.publish(event);
    return object;
  }

  private ensureOpen(): void {
    if (this.closed) throw storeErrors.closed();
  }
}
