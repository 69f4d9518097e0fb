import type { Etcd3 } from 'etcd3';
import type { EncodedEvent } from './encoded-event.js';
import { unavailable } from './etcd-client.js';
import { type EtcdKeys, decodeValue, kvInfo, revisionOf } from './etcd-codec.js';
import type { WatchEventType } from './types.js';

/**
 * The last value (JSON text, copied out of the gRPC message so that it does not pin it) and mod
 * revision of one key.
 * @example
 * const entry: Entry = { value: '{"metadata":{"name":"a"}}', modRevision: 5 };
 */
export interface Entry {
  value: string;
  modRevision: number;
}

/**
 * Every key of a store (by store key) with its value, as of one etcd revision: what the watch
 * follower keeps so that a relist can tell what changed, including what was deleted.
 * @example
 * const snap: Snapshot = new Map([['/registry/pods/ns/a', { value: '{}', modRevision: 5 }]]);
 */
export type Snapshot = Map<string, Entry>;

/** A replica's progress key as a list found it (etcd-peers.ts). */
export interface PeerEntry {
  etcdKey: string;
  value: string;
  modRevision: number;
}

/**
 * Reads every key under the store's etcd prefix in one linearizable range: the objects, and
 * apart from them the replicas' progress keys (the follower's own progress key is skipped).
 * @example
 * const { entries, revision } = await readSnapshot(client, new EtcdKeys('/registry'));
 */
export async function readSnapshot(client: Etcd3, keys: EtcdKeys): Promise<{ entries: Snapshot; revision: number; peers: PeerEntry[] }> {
  const res = await client.getAll().prefix(keys.root).exec().catch((e: unknown) => Promise.reject(unavailable(e)));
  const entries: Snapshot = new Map();
  const peers: PeerEntry[] = [];
  for (const kv of res.kvs) {
    if (keys.isInternalKey(kv.key)) {
      if (!keys.isProgressKey(kv.key)) peers.push({ etcdKey: kv.key.toString('utf8'), value: kv.value.toString('utf8'), modRevision: revisionOf(kv.mod_revision) });
      continue;
    }
    const { key, modRevision } = kvInfo(keys, kv);
    entries.set(key, { value: kv.value.toString('utf8'), modRevision });
  }
  return { entries, revision: revisionOf(res.header.revision), peers };
}

/**
 * The changes that turn `before` into `after` (read at `revision`), as a relist hands them to
 * watchers: new keys ADDED and changed ones MODIFIED at their mod revisions, vanished ones
 * DELETED at `revision` with their last known value; in revision order, then key order.
 * @example
 * difference(new Map(), snap, 9); // [{ type: 'ADDED', key: '/registry/pods/ns/a', revision: 5, ... }]
 */
export function difference(before: Snapshot, after: Snapshot, revision: number): EncodedEvent[] {
  const changes: EncodedEvent[] = [];
  const add = (e: EncodedEvent | undefined) => e && changes.push(e);
  for (const [key, cur] of after) {
    const old = before.get(key);
    if (old?.modRevision !== cur.modRevision) add(encodeChange(old ? 'MODIFIED' : 'ADDED', key, cur.value, cur.modRevision));
  }
  for (const [key, old] of before) if (!after.has(key)) add(encodeChange('DELETED', key, old.value, revision));
  return changes.sort((a, b) => a.revision - b.revision || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * A change as the store's history keeps it, its object stamped with `revision`. A value that is
 * not JSON (not written by satoken) yields undefined: there is nothing a watcher could decode.
 * @example
 * encodeChange('DELETED', '/registry/pods/ns/a', '{"metadata":{}}', 7)?.json; // '{"metadata":{"resourceVersion":"7"}}'
 */
export function encodeChange(type: WatchEventType, key: string, value: Buffer | string, revision: number): EncodedEvent | undefined {
  try {
    return { type, key, revision, json: decodeValue(value, revision).json };
  } catch {
    return undefined;
  }
}
