import type { Etcd3, IWatchResponse, Watcher } from 'etcd3';
import type { EncodedEvent } from './encoded-event.js';
import { unavailable } from './etcd-client.js';
import { type EtcdKeys, kvInfo, revisionOf } from './etcd-codec.js';
import { type PeerEntry, type Snapshot, difference, encodeChange, readSnapshot } from './etcd-snapshot.js';
import { storeErrors } from './store-errors.js';
import { StoreError } from './types.js';

/**
 * Where the follower delivers changes: the store's history and watch hub.
 * @example
 * const sink: FollowerSink = { apply: (e) => hub.publish(e), relisted: (rev, changes) => changes.forEach((e) => hub.publish(e)) };
 */
export interface FollowerSink {
  /** one change seen by the watch, in revision order */
  apply(e: EncodedEvent): void;
  /** after a relist at `revision`: the changes that turn the old state into the listed one */
  relisted(revision: number, changes: EncodedEvent[]): void;
}

/**
 * Told about the replicas' progress keys (etcd-peers.ts), which share the store's prefix and so
 * arrive through this watch, and about how far the sink has been brought.
 */
export interface PeerListener {
  /** the replicas' keys as a list found them: everything known before is replaced */
  listed(peers: readonly PeerEntry[]): void;
  observed(etcdKey: string, value: string | undefined, modRevision: number): void;
  appliedUpTo(revision: number): void;
}

interface Waiter {
  revision: number;
  resolve: () => void;
  reject: (e: StoreError) => void;
  timer: NodeJS.Timeout;
}

const RETRY_MS = 200;

/**
 * The one etcd watch of an EtcdStore, on its whole prefix:
 * - `start` lists the prefix (keeping each key's last value, to name what a relist deleted) and
 *   watches from the list's revision + 1 with previous values;
 * - each etcd event becomes ADDED (create revision = mod revision, as kube's etcd3/event.go
 *   decides), MODIFIED or DELETED, handed to the sink in revision order; `revision` advances
 *   and `waitFor` callers up to it are released;
 * - on a broken stream etcd3 reconnects with backoff; the resume point is pinned to the last
 *   delivered revision + 1 (etcd3 would resume after a response header's revision, which can
 *   skip events of a catch-up cut short). After a reconnection etcd replays what was missed
 *   asynchronously, so the follower writes its progress key (the prefix root) and stays not
 *   ready until the watch delivers that write: only then is the view current;
 * - when etcd cancels the watch (the resume revision was compacted) it relists: the sink gets
 *   the difference (etcd-snapshot.ts) and the watch restarts after the list.
 * @example
 * const follower = new EtcdFollower(client, new EtcdKeys('/registry'), sink, 5000);
 * await follower.start();
 * await follower.waitFor(42); // resolves once the watch delivered revision 42
 */
export class EtcdFollower {
  private mirror: Snapshot = new Map();
  private waiters: Waiter[] = [];
  private watcher: Watcher | undefined;
  /** every revision the watch delivered, the store's own keys included */
  private seen = 0;
  private objects = 0;
  /** after a reconnection: the revision of the progress write the watch must deliver first */
  private catchUp = 0;
  private connected = false;
  private resyncing = false;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly keys: EtcdKeys,
    private readonly sink: FollowerSink,
    private readonly timeoutMs: number,
    private readonly peers?: PeerListener,
  ) {}

  /**
   * the highest revision of an object change delivered to the sink, or of the last list: the
   * store's own keys (progress, peers) take revisions too, but are nothing a watcher could see
   */
  get revision(): number {
    return this.objects;
  }

  get ready(): boolean {
    return this.connected && !this.resyncing && this.seen >= this.catchUp && !this.closed;
  }

  async start(): Promise<void> {
    const { entries, revision, peers } = await readSnapshot(this.client, this.keys);
    this.mirror = entries;
    this.seen = revision;
    this.objects = revision;
    this.peers?.listed(peers);
    await this.follow();
  }

  /** Resolves once the watch has delivered `revision`; Unavailable after the timeout. */
  waitFor(revision: number): Promise<void> {
    if (revision <= this.seen) return Promise.resolve();
    if (this.closed) return Promise.reject(storeErrors.closed());
    return new Promise((resolve, reject) => {
      const w: Waiter = { revision, resolve, reject, timer: setTimeout(() => this.expire(w), this.timeoutMs) };
      this.waiters.push(w);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(storeErrors.closed());
    }
    const watcher = this.watcher;
    this.watcher = undefined;
    if (watcher) await Promise.race([watcher.cancel(), new Promise((r) => setTimeout(r, 1000).unref())]).catch(() => undefined);
  }

  /**
   * Watches from `seen + 1` and resolves once etcd confirmed the watch; fails with Unavailable
   * if etcd refuses it or does not answer within the timeout.
   */
  private async follow(): Promise<void> {
    const w = this.client.watch().prefix(this.keys.root).startRevision(String(this.seen + 1)).withPreviousKV().watcher();
    this.watcher = w;
    const pin = () => (w.request.start_revision = String(this.seen + 1));
    let confirmed = false;
    let dropped = false;
    const created = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new StoreError('Unavailable', `etcd did not confirm the watch within ${this.timeoutMs} ms`)), this.timeoutMs);
      w.on('connected', () => {
        pin();
        confirmed = true;
        clearTimeout(timer);
        resolve();
        if (w !== this.watcher) return;
        this.connected = true;
        if (dropped) void this.markProgress(w);
      });
      w.on('disconnected', () => {
        pin();
        dropped = true;
        if (w === this.watcher) this.connected = false;
      });
      w.on('data', (res) => w === this.watcher && this.onData(res, pin));
      w.on('error', (err) => {
        clearTimeout(timer);
        if (!confirmed) reject(unavailable(err));
        else if (w === this.watcher) {
          this.watcher = undefined;
          void this.resync();
        }
      });
    });
    await created.catch((e: unknown) => {
      if (this.watcher === w) this.watcher = undefined;
      void w.cancel().catch(() => undefined);
      throw e;
    });
  }

  private onData(res: IWatchResponse, pin: () => void): void {
    let objects = false;
    for (const ev of res.events) {
      const { key, modRevision, created } = kvInfo(this.keys, ev.kv);
      if (modRevision < this.seen) continue;
      this.seen = modRevision;
      if (this.keys.isProgressKey(ev.kv.key)) continue;
      if (this.keys.isInternalKey(ev.kv.key)) {
        this.peers?.observed(ev.kv.key.toString('utf8'), ev.type === 'Delete' ? undefined : ev.kv.value.toString('utf8'), modRevision);
        continue;
      }
      objects = true;
      this.objects = modRevision;
      const last = ev.type === 'Delete' ? (ev.prev_kv?.value.toString('utf8') ?? this.mirror.get(key)?.value) : ev.kv.value.toString('utf8');
      if (ev.type === 'Delete') this.mirror.delete(key);
      else this.mirror.set(key, { value: last!, modRevision });
      const e = last && encodeChange(ev.type === 'Delete' ? 'DELETED' : created ? 'ADDED' : 'MODIFIED', key, last, modRevision);
      if (e) this.sink.apply(e);
    }
    pin();
    this.release();
    // only object changes are worth telling the peers about: telling them is itself a write
    // they all see, which must not make them tell in turn
    if (objects) this.peers?.appliedUpTo(this.seen);
  }

  /** Writes the progress key; the follower is ready again once the watch delivered that write. */
  private async markProgress(w: Watcher): Promise<void> {
    this.catchUp = Number.POSITIVE_INFINITY;
    while (w === this.watcher && this.connected && !this.closed) {
      try {
        const res = await this.client.put(this.keys.root).value('{}').exec();
        if (w === this.watcher) this.catchUp = revisionOf(res.header.revision);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** Relists after etcd canceled the watch (see the class comment), retrying until it works. */
  private async resync(): Promise<void> {
    if (this.resyncing || this.closed) return;
    this.resyncing = true;
    this.connected = false;
    this.watcher = undefined;
    while (!this.closed) {
      try {
        const { entries, revision, peers } = await readSnapshot(this.client, this.keys);
        if (this.closed) return;
        this.peers?.listed(peers);
        const changes = difference(this.mirror, entries, revision);
        this.mirror = entries;
        this.seen = revision;
        this.objects = revision;
        this.catchUp = 0;
        this.sink.relisted(revision, changes);
        this.release();
        this.peers?.appliedUpTo(revision);
        await this.follow();
        if (!this.watcher) continue; // canceled again right after etcd confirmed it
        this.resyncing = false;
        return;
      } catch {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.revision <= this.seen);
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.revision > this.seen);
    for (const w of due) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private expire(w: Waiter): void {
    this.waiters = this.waiters.filter((x) => x !== w);
    w.reject(new StoreError('Unavailable', `etcd committed revision ${w.revision} but this client's watch has not delivered it within ${this.timeoutMs} ms`));
  }
}
