import { randomUUID } from 'node:crypto';
import type { Etcd3, Lease } from 'etcd3';
import { unavailable } from './etcd-client.js';
import type { EtcdKeys } from './etcd-codec.js';
import type { PeerEntry } from './etcd-snapshot.js';

/** How long a replica that stopped renewing stays counted (its key dies with its lease). */
const DEFAULT_TTL_SECONDS = 5;
/** How long a write waits for the other replicas before it returns anyway. */
export const DEFAULT_PEER_ACK_TIMEOUT_MS = 2000;
const RETRY_MS = 200;

/** A write's wait that ran out: the replicas that had not confirmed `revision`. */
export interface PeerLag {
  revision: number;
  laggards: string[];
}

interface Peer {
  /** the highest revision this peer said it has applied */
  applied: number;
  /** the mod revision of its key as last seen, to order what the list and the watch say */
  seenAt: number;
}

interface Waiter {
  revision: number;
  resolve: (lag: PeerLag | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * The replicas sharing one `--etcd-prefix`, and how far each one's watch has got, so that a
 * write which invalidates tokens (a delete, an update) returns only once every replica has
 * applied it, and no replica's cache can still accept a token its object no longer backs:
 * - each replica keeps the key `<prefix>/~peers/<id>` alive with a lease; its value is the
 *   highest revision the replica's watch has delivered to its handlers (the object cache and
 *   the binding index); it is rewritten after each batch of object changes, one write in
 *   flight at a time, and not at all while the replica is alone;
 * - the keys reach every replica through the store's own watch (the follower routes them here),
 *   so a replica knows every peer's progress;
 * - `waitFor(revision)` resolves when every other live peer has applied `revision`; a peer that
 *   dies stops renewing and its key goes with its lease (`ttlSeconds`); one that cannot keep
 *   up holds a write for at most `timeoutMs`, and the write then returns with the laggards
 *   named (reported through `onLag`). A replica whose own watch is broken is not ready and
 *   checks tokens against etcd itself, so the timeout never lets a stale cache answer.
 * @example
 * const peers = new EtcdPeers(client, keys, { timeoutMs: 2000 });
 * await peers.start(follower.revision);
 * await peers.waitFor(42); // every other replica has applied revision 42 (or the wait timed out)
 */
export class EtcdPeers {
  readonly id = randomUUID();
  private readonly peers = new Map<string, Peer>();
  private readonly gone = new Map<string, number>();
  private waiters: Waiter[] = [];
  private lease: Lease | undefined;
  /** what this replica has applied, and what it last told the others */
  private applied = 0;
  private told = 0;
  private telling = false;
  private closed = false;
  private readonly ttlSeconds: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: Etcd3,
    private readonly keys: EtcdKeys,
    private readonly opts: { ttlSeconds?: number; timeoutMs?: number; onLag?: (lag: PeerLag) => void } = {},
  ) {
    this.ttlSeconds = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_PEER_ACK_TIMEOUT_MS;
  }

  /**
   * Registers this replica, as having applied nothing yet: call it before the store's first
   * list, which then finds every replica (this one included) for {@link listed}.
   */
  async start(): Promise<void> {
    await this.register();
  }

  /** The replicas' keys as the store's (re)list found them. */
  listed(entries: readonly PeerEntry[]): void {
    this.peers.clear();
    this.gone.clear();
    for (const e of entries) this.observed(e.etcdKey, e.value, e.modRevision);
  }

  /** The ids of the other replicas this one knows of. */
  others(): string[] {
    return [...this.peers.keys()].filter((id) => id !== this.id);
  }

  /**
   * From the watch: a peer's key was written (`value`) or deleted (undefined) at `modRevision`.
   * The initial list and the watch may both report one change; the newer report wins.
   */
  observed(etcdKey: string, value: string | undefined, modRevision: number): void {
    const id = etcdKey.slice(this.keys.peersPrefix.length);
    if (id === '' || id === this.id) return;
    if (value === undefined) {
      if ((this.peers.get(id)?.seenAt ?? 0) < modRevision) {
        this.peers.delete(id);
        this.gone.set(id, modRevision);
      }
    } else if ((this.gone.get(id) ?? 0) < modRevision) {
      const applied = Number(value);
      const p = this.peers.get(id);
      if (!p) {
        this.peers.set(id, { applied: Number.isFinite(applied) ? applied : 0, seenAt: modRevision });
        this.maybeTell(); // the newcomer waits on what this replica has applied since it last told
      }
      else if (p.seenAt < modRevision) {
        p.applied = Math.max(p.applied, Number.isFinite(applied) ? applied : 0);
        p.seenAt = modRevision;
      }
    }
    this.release();
  }

  /** This replica's handlers have seen everything up to `revision`: tell the others. */
  appliedUpTo(revision: number): void {
    if (revision <= this.applied) return;
    this.applied = revision;
    this.maybeTell();
  }

  /** Tells the others, unless there are none (a lone replica spends no etcd revisions on it). */
  private maybeTell(): void {
    if (!this.telling && this.told < this.applied && this.peers.size > 0) void this.tell();
  }

  /**
   * Resolves once every other live replica has applied `revision`, or after the timeout with
   * the replicas that had not (undefined when all had).
   */
  waitFor(revision: number): Promise<PeerLag | undefined> {
    if (this.closed || this.laggards(revision).length === 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const w: Waiter = { revision, resolve, timer: setTimeout(() => this.expire(w), this.timeoutMs) };
      this.waiters.push(w);
    });
  }

  /** Leaves: revokes the lease, so the others stop waiting for this replica at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await Promise.race([lease.revoke(), new Promise((r) => setTimeout(r, 1000).unref())]).catch(() => undefined);
  }

  private laggards(revision: number): string[] {
    const out: string[] = [];
    for (const [id, p] of this.peers) if (p.applied < revision) out.push(id);
    return out;
  }

  /** Grants a lease and writes this replica's key with it; again whenever the lease is lost. */
  private async register(): Promise<void> {
    const lease = this.client.lease(this.ttlSeconds, { autoKeepAlive: true });
    lease.on('lost', () => {
      if (this.closed || this.lease !== lease) return;
      this.lease = undefined;
      void this.reregister();
    });
    await lease.put(this.keys.peersPrefix + this.id).value(String(this.applied)).exec().catch((e: unknown) => Promise.reject(unavailable(e)));
    this.lease = lease;
    this.told = this.applied;
  }

  private async reregister(): Promise<void> {
    while (!this.closed && !this.lease) {
      try {
        await this.register();
      } catch {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** Writes the applied revision until what etcd holds is current; one write at a time. */
  private async tell(): Promise<void> {
    this.telling = true;
    try {
      while (!this.closed && this.told < this.applied) {
        const lease = this.lease;
        if (!lease) return; // reregister writes the current value
        const value = this.applied;
        try {
          await lease.put(this.keys.peersPrefix + this.id).value(String(value)).exec();
          this.told = Math.max(this.told, value);
        } catch {
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
    } finally {
      this.telling = false;
    }
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const done = this.waiters.filter((w) => this.laggards(w.revision).length === 0);
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((w) => !done.includes(w));
    for (const w of done) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
  }

  private expire(w: Waiter): void {
    this.waiters = this.waiters.filter((x) => x !== w);
    const lag = { revision: w.revision, laggards: this.laggards(w.revision) };
    if (lag.laggards.length) this.opts.onLag?.(lag);
    w.resolve(lag.laggards.length ? lag : undefined);
  }
}
