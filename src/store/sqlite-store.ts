import Database from 'better-sqlite3';
import { type EncodedEvent, stamp } from './encoded-event.js';
import { DEFAULT_HISTORY_SIZE, assertNotCompacted } from './event-history.js';
import { type ObjectRow, type Statements, openDatabase, prepareStatements } from './sqlite-schema.js';
import { checkExpected, storeErrors } from './store-errors.js';
import { type KeyValueStore, type ListResult, type StoredObject, type Watch, type WatchEvent, type WatchEventType, type WatchOptions, StoreError } from './types.js';
import { type HandlerErrorReporter, WatchHub } from './watch-hub.js';

/**
 * Options of {@link SqliteStore.open}.
 * @example
 * SqliteStore.open('.satoken', { historySize: 50_000, onHandlerError: (err) => log.warn({ err }, 'watch handler failed') });
 */
export interface SqliteStoreOptions {
  /** how many recent changes the `events` table keeps for resuming watches (default 10,000) */
  historySize?: number;
  /** told about watch handlers that throw (default: ignored) */
  onHandlerError?: HandlerErrorReporter;
}

/** What a write decided after reading the current row: the change to apply. */
type Decision = { type: WatchEventType; obj: StoredObject };

/**
 * The embedded durable store behind `satoken serve`: better-sqlite3 on `<dataDir>/satoken.db`
 * (see sqlite-schema.ts for the file's settings). Every write is one transaction that:
 * - reads the current row and checks the precondition (AlreadyExists, NotFound, Conflict);
 * - stamps the next revision, writes the `kv` row, the `meta` revision and an `events` row;
 * - trims `events` to the last `historySize` changes, so a watch can resume from any revision
 *   after the compaction point, also after a restart.
 *
 * IMPORTANT: as in memory-store.ts, watch handlers run synchronously, in revision order, after the
 * transaction commits and before the write's promise resolves (dispatch is watch-hub.ts); the
 * binding index (registry/binding-index.ts) relies on this to invalidate tokens before a delete
 * returns. Watches are in-process: another process does not see them.
 * @example
 * const store = SqliteStore.open('.satoken');
 * await store.create('/registry/namespaces/team-a', { metadata: { name: 'team-a' } });
 * await store.close();
 * SqliteStore.open('.satoken').revision(); // 1: the write survived
 */
export class SqliteStore implements KeyValueStore {
  private readonly stmts: Statements;
  private readonly hub: WatchHub;
  private readonly historySize: number;
  private rev: number;
  private compacted: number;
  private closed = false;

  private constructor(private readonly db: Database.Database, opts: SqliteStoreOptions) {
    this.historySize = opts.historySize ?? DEFAULT_HISTORY_SIZE;
    if (!Number.isSafeInteger(this.historySize) || this.historySize < 1) throw new RangeError(`history size must be a positive integer, got ${this.historySize}`);
    this.stmts = prepareStatements(db);
    this.hub = new WatchHub(opts.onHandlerError);
    this.rev = this.stmts.getRevision.get()!.value;
    const oldest = this.stmts.oldestEvent.get()?.revision ?? null;
    this.compacted = oldest === null ? this.rev : oldest - 1;
  }

  /**
   * Opens the store in `dataDir`, creating the directory (0700) and the database as needed.
   * Fails with Unavailable if another process has the database open.
   * @example
   * const store = SqliteStore.open('/var/lib/satoken', { historySize: 1000 });
   */
  static open(dataDir: string, opts: SqliteStoreOptions = {}): SqliteStore {
    const db = openDatabase(dataDir);
    try {
      return new SqliteStore(db, opts);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  revision(): number {
    return this.rev;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.ensureOpen();
    const row = this.sql(() => this.stmts.getObject.get(key));
    return row ? (JSON.parse(row.value) as StoredObject) : undefined;
  }

  async list(prefix: string): Promise<ListResult> {
    this.ensureOpen();
    const rows = this.sql(() => {
      const out: Array<{ key: string; value: string }> = [];
      for (const row of this.stmts.listFrom.iterate(prefix)) {
        if (!row.key.startsWith(prefix)) break;
        out.push(row);
      }
      return out;
    });
    // SQLite orders by UTF-8 bytes; sort as JavaScript compares strings, as the memory store does.
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { items: rows.map((r) => JSON.parse(r.value) as StoredObject), revision: this.rev };
  }

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    return this.write(key, (row) => {
      if (row) throw storeErrors.alreadyExists(key);
      return { type: 'ADDED', obj };
    });
  }

  async update(key: string, obj: StoredObject, expectedRevision?: string): Promise<StoredObject> {
    return this.write(key, (row) => {
      checkExpected(key, row && String(row.revision), expectedRevision);
      return { type: 'MODIFIED', obj };
    });
  }

  async delete(key: string, expectedRevision?: string): Promise<StoredObject> {
    return this.write(key, (row) => {
      checkExpected(key, row && String(row.revision), expectedRevision);
      return { type: 'DELETED', obj: JSON.parse(row!.value) as StoredObject };
    });
  }

  watch(prefix: string, handler: (e: WatchEvent) => void, opts: WatchOptions = {}): Watch {
    this.ensureOpen();
    const since = opts.sinceRevision;
    if (since === undefined) return this.hub.subscribe(prefix, handler, [], this.rev);
    assertNotCompacted(since, this.compacted);
    const replay: EncodedEvent[] = this.sql(() => this.stmts.eventsSince.all(since)).map((r) => ({ type: r.type, key: r.key, revision: r.revision, json: r.value }));
    return this.hub.subscribe(prefix, handler, replay, Math.max(this.rev, since));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.close();
    this.db.close();
  }

  /** Runs one write transaction (see the class comment), then tells the watchers. */
  private write(key: string, decide: (row: ObjectRow | undefined) => Decision): StoredObject {
    this.ensureOpen();
    const revision = this.rev + 1;
    const compacted = Math.max(this.compacted, revision - this.historySize);
    const s = this.stmts;
    const { type, object, json } = this.sql(
      this.db.transaction(() => {
        const d = decide(s.getObject.get(key));
        const { object, json } = stamp(d.obj, revision);
        if (d.type === 'DELETED') s.deleteObject.run(key);
        else s.putObject.run(key, json, revision);
        s.setRevision.run(revision);
        s.addEvent.run(revision, d.type, key, json);
        if (compacted > this.compacted) s.trimEvents.run(compacted);
        return { type: d.type, object, json };
      }),
    );
    this.rev = revision;
    this.compacted = compacted;
    this.hub.publish({ type, key, revision, json });
    return object;
  }

  /** Runs SQLite work, reporting a database failure (disk full, I/O error) as Unavailable. */
  private sql<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Database.SqliteError) throw new StoreError('Unavailable', `sqlite: ${e.message} (${e.code})`);
      throw e;
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw storeErrors.closed();
  }
}
