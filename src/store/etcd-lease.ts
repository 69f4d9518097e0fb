import type { Etcd3, IKeyValue, Lease } from 'etcd3';

/** client-go's leaderelection defaults (LeaseDuration 15 s, RetryPeriod 2 s). */
const DEFAULT_TTL_SECONDS = 15;
const DEFAULT_RETRY_PERIOD_MS = 2_000;

/**
 * What to elect and what to do about it.
 * @example
 * const opts: ElectionOptions = { name: 'satoken-controllers', identity: `${hostname()}_${randomUUID()}`, onStartedLeading: start, onStoppedLeading: stop };
 */
export interface ElectionOptions {
  /** what is being led; the lock is the etcd key `<keyPrefix><name>` */
  name: string;
  /** who this replica is, stored as the lock's value (client-go uses `<hostname>_<uuid>`) */
  identity: string;
  /** called when this replica becomes the leader: start the controllers */
  onStartedLeading(): void;
  /** called when it stops being the leader (stopped, lease lost or not renewed in time): stop them at once */
  onStoppedLeading(): void;
  /** told each leader's identity as this replica learns it, its own included */
  onNewLeader?(identity: string): void;
  /** lease TTL in seconds (default 15): how long a dead leader blocks the others; etcd's minimum is about 2 */
  ttlSeconds?: number;
  /** how often a follower checks whether the lock is free (default 2 s) */
  retryPeriodMs?: number;
  /** where locks live (default `/satoken/leader-election/`); must lie outside the store's `--etcd-prefix` */
  keyPrefix?: string;
}

/**
 * A running election; `stop` resigns if leading (revoking the lease, which deletes the lock so
 * another replica takes over within its retry period) and ends the loop.
 * @example
 * const election = elect(store.client, opts);
 * election.isLeader(); // false until elected
 * await election.stop();
 */
export interface Election {
  isLeader(): boolean;
  /** the last leader this replica saw, or undefined */
  leader(): string | undefined;
  stop(): Promise<void>;
}

/**
 * Lease-based leader election in etcd, so that controllers run on one replica at a time:
 * - every retry period, a replica that is not leading reads the lock; if it is free, it grants
 *   a lease of `ttlSeconds` and writes the lock with it in a transaction (`create_revision ==
 *   0`), so at most one replica wins;
 * - the leader keeps its lease alive (etcd3 sends a keepalive every TTL/3) and steps down,
 *   calling `onStoppedLeading` before anyone else can be elected, when no keepalive succeeded
 *   for 2/3 of the TTL or the lease is lost: etcd deletes the lock only when the TTL expires;
 *   it also checks every retry period that the lock still carries its lease (a lock deleted by
 *   hand can leave two leaders for up to one retry period);
 * - a leader that dies stops renewing; its lease expires after the TTL, etcd deletes the lock,
 *   and the next follower to check takes over.
 * Pass a client whose calls have deadlines (`EtcdStore.client`, or `createEtcdClient`).
 * @example
 * const election = elect(store.client, { name: 'satoken-controllers', identity: 'replica-1', onStartedLeading: () => controllers.start(), onStoppedLeading: () => controllers.stop() });
 */
export function elect(client: Etcd3, opts: ElectionOptions): Election {
  const key = `${opts.keyPrefix ?? '/satoken/leader-election/'}${opts.name}`;
  const ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const renewDeadlineMs = (ttl * 1000 * 2) / 3;
  const retryPeriodMs = opts.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
  let leading = false;
  let current: string | undefined;
  let stopped = false;
  let wake = () => {};

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const saw = (identity: string) => {
    if (identity === current) return;
    current = identity;
    opts.onNewLeader?.(identity);
  };

  /**
   * Leads until stopped, the lease is lost, it was not renewed within the deadline, or the lock
   * no longer carries this lease (deleted or taken over from under it).
   */
  const lead = async (lease: Lease, id: string) => {
    leading = true;
    saw(opts.identity);
    opts.onStartedLeading();
    let renew: NodeJS.Timeout | undefined;
    let check: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      const arm = () => {
        clearTimeout(renew);
        renew = setTimeout(resolve, renewDeadlineMs);
      };
      arm();
      lease.on('keepaliveSucceeded', arm);
      lease.on('lost', () => resolve());
      const mine = (kv: IKeyValue | undefined) => kv?.lease === id || resolve();
      check = setInterval(() => void client.get(key).exec().then((r) => mine(r.kvs[0]), () => undefined), retryPeriodMs);
      wake = resolve;
      if (stopped) resolve();
    });
    clearTimeout(renew);
    clearInterval(check);
    lease.removeAllListeners('keepaliveSucceeded');
    wake = () => {};
    leading = false;
    opts.onStoppedLeading();
  };

  /** One look at the lock; takes it if free. */
  const attempt = async () => {
    const holder = await client.get(key).string();
    if (holder !== null) return saw(holder);
    const lease = client.lease(ttl);
    try {
      const id = await lease.grant();
      const res = await client.if(key, 'Create', '==', 0).then(client.put(key).value(opts.identity).lease(id)).else(client.get(key)).commit();
      if (!res.succeeded) return saw(res.responses[0]!.response_range.kvs[0]!.value.toString());
      if (!stopped) await lead(lease, id);
    } finally {
      await lease.revoke().catch(() => undefined);
    }
  };

  const loop = (async () => {
    while (!stopped) {
      await attempt().catch(() => undefined);
      if (!stopped) await pause(retryPeriodMs);
    }
  })();

  return {
    isLeader: () => leading,
    leader: () => current,
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
