import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { WatchEventType } from './types.js';
import { StoreError } from './types.js';

/**
 * The file inside the data directory.
 * @example
 * join(dataDir, DB_FILE); // '<dataDir>/satoken.db'
 */
export const DB_FILE = 'satoken.db';
const SCHEMA_VERSION = 1;

/**
 * A row of `kv` as the store reads it.
 * @example
 * const row: ObjectRow = { value: '{"metadata":{"resourceVersion":"3"}}', revision: 3 };
 */
export interface ObjectRow {
  value: string;
  revision: number;
}

/**
 * A row of `events`: one change, kept for resuming watches.
 * @example
 * const row: EventRow = { revision: 4, type: 'DELETED', key: '/registry/pods/ns/a', value: '{"metadata":{}}' };
 */
export interface EventRow {
  revision: number;
  type: WatchEventType;
  key: string;
  value: string;
}

/**
 * The prepared statements the sqlite store runs; one place that knows the table layout.
 * @example
 * const s: Statements = prepareStatements(db);
 * s.getObject.get('/registry/namespaces/default');
 */
export interface Statements {
  getObject: Database.Statement<[string], ObjectRow>;
  listFrom: Database.Statement<[string], { key: string; value: string }>;
  putObject: Database.Statement<[string, string, number], unknown>;
  deleteObject: Database.Statement<[string], unknown>;
  getRevision: Database.Statement<[], { value: number }>;
  setRevision: Database.Statement<[number], unknown>;
  addEvent: Database.Statement<[number, WatchEventType, string, string], unknown>;
  eventsSince: Database.Statement<[number], EventRow>;
  oldestEvent: Database.Statement<[], { revision: number | null }>;
  trimEvents: Database.Statement<[number], unknown>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, revision INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0);
CREATE TABLE IF NOT EXISTS events (revision INTEGER PRIMARY KEY, type TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);
`;

/**
 * Opens (creating if needed) `<dataDir>/satoken.db` for one process:
 * - the directory is created 0700 and the file 0600 (objects include Secrets); SQLite gives its
 *   WAL file the database file's mode;
 * - `locking_mode = EXCLUSIVE` before `journal_mode = WAL`: one process owns the file (a second
 *   `serve` on the same data directory fails with Unavailable instead of corrupting revisions), and
 *   no shared-memory index is needed;
 * - `synchronous = FULL`: every commit is fsynced, so an acknowledged write survives kill -9 and
 *   power loss.
 * @example
 * const db = openDatabase('.satoken');
 * const s = prepareStatements(db);
 * s.getRevision.get()!.value; // 0 on a new database
 */
export function openDatabase(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, DB_FILE);
  closeSync(openSync(file, 'a', 0o600));
  const db = new Database(file, { timeout: 2000 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError('Unavailable', `${file}: could not switch to WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new StoreError('Unavailable', `${file} was written by a newer satoken (schema ${version})`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_BUSY') throw new StoreError('Unavailable', `${file} is in use by another process`);
    throw new StoreError('Unavailable', `${file}: ${(e as Error).message}`);
  }
}

/**
 * Prepares every statement the store runs.
 * @example
 * const s = prepareStatements(openDatabase('.satoken'));
 * s.getObject.get('/registry/namespaces/default')?.revision;
 */
export function prepareStatements(db: Database.Database): Statements {
  return {
    getObject: db.prepare('SELECT value, revision FROM kv WHERE key = ?'),
    listFrom: db.prepare('SELECT key, value FROM kv WHERE key >= ? ORDER BY key'),
    putObject: db.prepare('INSERT INTO kv (key, value, revision) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision'),
    deleteObject: db.prepare('DELETE FROM kv WHERE key = ?'),
    getRevision: db.prepare("SELECT value FROM meta WHERE name = 'revision'"),
    setRevision: db.prepare("UPDATE meta SET value = ? WHERE name = 'revision'"),
    addEvent: db.prepare('INSERT INTO events (revision, type, key, value) VALUES (?, ?, ?, ?)'),
    eventsSince: db.prepare('SELECT revision, type, key, value FROM events WHERE revision > ? ORDER BY revision'),
    oldestEvent: db.prepare('SELECT MIN(revision) AS revision FROM events'),
    trimEvents: db.prepare('DELETE FROM events WHERE revision <= ?'),
  };
}
