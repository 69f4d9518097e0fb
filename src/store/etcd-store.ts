import type { Etcd3, IKeyValue, ITxnResponse } from 'etcd3';
import { type EncodedEvent, stamp } from './encoded-event.js';
import { type EtcdConnectionOptions, DEFAULT_REQUEST_TIMEOUT_MS, createEtcdClient, unavailable } from './etcd-client.js';
import { EtcdKeys, decodeValue, encodeValue, revisionOf } from './etcd-codec.js';
import { EtcdFollower } from './etcd-follower.js';
import { EtcdPeers, type PeerLag } from './etcd-peers.js';
import { DEFAULT_HISTORY_SIZE, EventHistory, assertNotCompacted } from './event-history.js';
import { storeErrors } from './store-errors.js';
import type { KeyValueStore, ListResult, StoredObject, Watch, WatchEvent, WatchOptions } from './types.js';
import { type HandlerErrorReporter, WatchHub } from './watch-hub.js';

/**
 * Options of {@link EtcdStore.connect}: where etcd is, plus the store's own settings.
 * @example
 * const opts: EtcdStoreOptions = { endpoints: ['http://127.0.0.1:2379'], prefix: '/registry', historySize: 10_000 };
 */
export interface EtcdStoreOptions extends EtcdConnectionOptions {
  /** kube-apiserver's `--etcd-prefix` (default `/registry`): `/registry/pods/ns/a` is kept at `<prefix>/pods/ns/a` */
  prefix?: string;
  /** how many recent changes to keep in memory for `watch(..., { sinceRevision })` (default 10,000) */
  historySize?: number;
  /** told about watch handlers that throw (default: ignored) */
  onHandlerError?: HandlerErrorReporter;
  /**
   * how long an update or delete waits for the other replicas on this prefix to apply it before
   * returning anyway (default 2,000 ms; etcd-peers.ts)
   */
  peerAckTimeoutMs?: number;
  /** how long a replica that stopped renewing is still waited for (lease TTL, default 5 s) */
  peerTtlSeconds?: number;
  /** told when an update or delete returned before every replica had applied it */
  onPeerLag?: (lag: PeerLag) => void;
}

/** A write issued from inside a watch handler, which writes resolving after `parent` wait for. */
interface NestedWrite {
  parent: number;
  revision: number;
  done: Promise<void>;
}

/**
 * The store on etcd v3, for several replicas: Kubernetes' key layout under `--etcd-prefix`,
 * JSON values, `metadata.resourceVersion` = the etcd mod revision of the write, optimistic
 * concurrency with transactions (kube's etcd3/store.go): create is `if create_revision == 0 then
 * put`, update and delete are `if mod_revision == expected` (else Conflict, NotFound if absent),
 * and delete returns the last state through `prev_kv`, stamped with the deletion's revision.
 *
 * IMPORTANT: as in memory-store.ts, a write resolves only after every watch handler has seen it:
 * the write waits until this store's own etcd watch (etcd-follower.ts) has delivered its
 * revision; a write issued from inside a handler is awaited too by writes at or after the event
 * that handler was given. The binding index (registry/binding-index.ts via
 * registry/object-registry.ts) relies on this to invalidate tokens before a delete returns.
 * Writes by other replicas arrive through the same watch, in revision order. An update or a
 * delete also waits until every other replica on the prefix has applied it (etcd-peers.ts), so
 * a token invalidated through one replica is rejected by all of them before the write returns;
 * a replica that cannot keep up delays the write by at most `peerAckTimeoutMs`.
 *
 * - `get` and `list` read etcd itself (linearizable), never a cache: with etcd unreachable they
 *   fail with Unavailable rather than answer from stale memory; so does every write. As with
 *   kube-apiserver's etcd timeouts, a write that fails with Unavailable may still have been
 *   applied; it then reaches the handlers through the watch like any other change.
 * - `revision()` is the highest revision of an object change the watch has delivered (or of
 *   the last list): what the handlers' view reflects.
 * - `watch(prefix, h, { sinceRevision })` replays from an in-memory history of the last
 *   `historySize` changes since this client connected; before that it fails with Gone,
 *   `too old resource version: <rv> (<oldest resumable>)`, as the watch cache says.
 * - `ready()` is false while the watch is broken, catching up after a reconnection, or
 *   relisting. When etcd returns, the watch resumes from the last delivered revision and
 *   `ready()` turns true only once everything missed has been delivered; if etcd compacted that
 *   revision meanwhile, the store relists and hands the handlers the difference (ADDED/MODIFIED
 *   at their revisions, DELETED at the list's), after which older revisions are Gone. Callers
 *   that serve from a watch-fed cache (the registry) must consult `ready()`.
 * @example
 * const store = await EtcdStore.connect({ endpoints: ['http://127.0.0.1:2379'] });
 * store.watch('/registry/pods/', (e) => console.log(e.type, e.key, e.revision));
 * await store.delete('/registry/pods/ns/a'); // the handler has run when this resolves
 * await store.close();
 */
export class EtcdStore implements KeyValueStore {
  /** replicas write to the same etcd */
  readonly shared = true;
  private readonly hub: WatchHub;
  private readonly follower: EtcdFollower;
  /** the other replicas on this prefix, and how far each has got */
  readonly peers: EtcdPeers;
  private readonly historySize: number;
  private readonly nested = new Set<NestedWrite>();
  private history: EventHistory;
  private floor = 0;
  private handling: number | undefined;
  private closed = false;

  private constructor(readonly client: Etcd3, private readonly keys: EtcdKeys, opts: EtcdStoreOptions) {
    this.historySize = opts.historySize ?? DEFAULT_HISTORY_SIZE;
    this.history = new EventHistory(this.historySize);
    this.hub = new WatchHub(opts.onHandlerError);
    const sink = {
      apply: (e: EncodedEvent) => {
        this.history.push(e);
        this.hub.publish(e);
      },
      relisted: (revision: number, changes: EncodedEvent[]) => {
        this.history = new EventHistory(this.historySize);
        this.floor = revision;
        for (const e of changes) this.hub.publish(e);
      },
    };
    this.peers = new EtcdPeers(client, keys, {
      ...(opts.peerAckTimeoutMs !== undefined ? { timeoutMs: opts.peerAckTimeoutMs } : {}),
      ...(opts.peerTtlSeconds !== undefined ? { ttlSeconds: opts.peerTtlSeconds } : {}),
      ...(opts.onPeerLag ? { onLag: opts.onPeerLag } : {}),
    });
    this.follower = new EtcdFollower(client, keys, sink, opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, this.peers);
  }

  /**
   * Connects, lists the prefix and starts the watch; fails with Unavailable if etcd does not
   * answer within `requestTimeoutMs`.
   * @example
   * const store = await EtcdStore.connect({ endpoints: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'], prefix: '/satoken' });
   */
  static async connect(opts: EtcdStoreOptions): Promise<EtcdStore> {
    const client = createEtcdClient(opts);
    try {
      const store = new EtcdStore(client, new EtcdKeys(opts.prefix ?? '/registry'), opts);
      await store.peers.start();
      await store.follower.start();
      store.floor = store.follower.revision;
      store.peers.appliedUpTo(store.follower.revision);
      return store;
    } catch (e) {
      client.close();
      throw e instanceof RangeError ? e : unavailable(e);
    }
  }

  revision(): number {
    return this.follower.revision;
  }

  /** False while the watch is broken (etcd unreachable) or relisting, and once closed. */
  ready(): boolean {
    return !this.closed && this.follower.ready;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.ensureOpen();
    const kv = (await this.call(this.client.get(this.keys.toEtcd(key)).exec())).kvs[0];
    return kv ? read(kv, revisionOf(kv.mod_revision)) : undefined;
  }

  async list(prefix: string): Promise<ListResult> {
    this.ensureOpen();
    const range = this.keys.rangeOf(prefix);
    if (range === undefined) return { items: [], revision: this.revision() };
    const res = await this.call(this.client.getAll().prefix(range).exec());
    const rows = res.kvs.filter((kv) => !this.keys.isInternalKey(kv.key)).map((kv) => ({ key: this.keys.fromEtcd(kv.key.toString('utf8')), kv })).filter((r) => r.key.startsWith(prefix));
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { items: rows.map((r) => read(r.kv, revisionOf(r.kv.mod_revision))), revision: revisionOf(res.header.revision) };
  }

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    return this.write(key, obj, (k) => this.client.if(k, 'Create', '==', 0).then(this.client.put(k).value(encodeValue(obj))).commit(), () => storeErrors.alreadyExists(key));
  }

  async update(key: string, obj: StoredObject, expectedRevision?: string): Promise<StoredObject> {
    return this.write(key, obj, (k) => this.guarded(k, expectedRevision).then(this.client.put(k).value(encodeValue(obj))).else(this.client.get(k)).commit(), (res) => preconditionFailed(key, res, expectedRevision), true);
  }

  async delete(key: string, expectedRevision?: string): Promise<StoredObject> {
    return this.write(key, undefined, (k) => this.guarded(k, expectedRevision).then({ request_delete_range: { key: Buffer.from(k), prev_kv: true } }).else(this.client.get(k)).commit(), (res) => preconditionFailed(key, res, expectedRevision), true);
  }

  watch(prefix: string, handler: (e: WatchEvent) => void, opts: WatchOptions = {}): Watch {
    this.ensureOpen();
    const tracked = (e: WatchEvent) => {
      const outer = this.handling;
      this.handling = e.revision;
      try {
        handler(e);
      } finally {
        this.handling = outer;
      }
    };
    const since = opts.sinceRevision;
    if (since === undefined) return this.hub.subscribe(prefix, tracked, [], this.revision());
    assertNotCompacted(since, Math.max(this.floor, this.history.compacted));
    return this.hub.subscribe(prefix, tracked, this.history.since(since), Math.max(this.revision(), since));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.close();
    await this.peers.close();
    await this.follower.close();
    this.client.close();
  }

  /**
   * Runs one write transaction, then waits until the watch delivered it and until every write
   * that handlers issued for events up to it (and, in turn, for theirs) has been delivered too;
   * for an update or delete (`everywhere`), also until every other replica has applied it.
   */
  private async write(key: string, obj: StoredObject | undefined, txn: (etcdKey: string) => Promise<ITxnResponse>, failed: (res: ITxnResponse) => Error, everywhere = false): Promise<StoredObject> {
    this.ensureOpen();
    const parent = this.handling;
    const etcdKey = this.keys.toEtcd(key);
    const nested: NestedWrite | undefined = parent === undefined ? undefined : { parent, revision: parent, done: Promise.resolve() };
    const committed = (async () => {
      const res = await this.call(txn(etcdKey));
      if (!res.succeeded) throw failed(res);
      const revision = revisionOf(res.header.revision);
      if (nested) nested.revision = revision;
      await this.follower.waitFor(revision);
      const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
      return { revision, object: obj ? stamp(obj, revision).object : read(prev!, revision) };
    })();
    if (nested) {
      nested.done = committed.then(() => undefined, () => undefined).then(() => void this.nested.delete(nested));
      this.nested.add(nested);
    }
    const { revision, object } = await committed;
    await this.settle(revision);
    if (everywhere) await this.peers.waitFor(revision);
    return object;
  }

  private async settle(revision: number): Promise<void> {
    let horizon = revision;
    for (;;) {
      const due = [...this.nested].filter((n) => n.parent <= horizon);
      if (due.length === 0) return;
      await Promise.all(due.map((n) => n.done));
      for (const n of due) horizon = Math.max(horizon, n.revision);
    }
  }

  /** `if the key exists [and its mod revision is expectedRevision]`; a non-canonical one never matches. */
  private guarded(etcdKey: string, expectedRevision: string | undefined) {
    const cmp = this.client.if(etcdKey, 'Create', '>', 0);
    if (expectedRevision === undefined) return cmp;
    return cmp.and(etcdKey, 'Mod', '==', /^[1-9][0-9]{0,15}$/.test(expectedRevision) ? expectedRevision : 0);
  }

  private call<T>(p: Promise<T>): Promise<T> {
    return p.catch((e: unknown) => Promise.reject(unavailable(e)));
  }

  private ensureOpen(): void {
    if (this.closed) throw storeErrors.closed();
  }
}

function read(kv: IKeyValue, revision: number): StoredObject {
  return decodeValue(kv.value, revision).object;
}

/** NotFound or Conflict, from the current state the transaction's else branch read. */
function preconditionFailed(key: string, res: ITxnResponse, expected: string | undefined): Error {
  const current = res.responses[0]?.response_range?.kvs[0];
  if (!current) return storeErrors.notFound(key);
  return storeErrors.conflict(key, current.mod_revision, expected ?? '');
}
