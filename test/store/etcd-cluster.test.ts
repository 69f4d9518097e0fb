import { afterEach, describe, expect, it } from 'vitest';
import { EtcdStore, type EtcdStoreOptions } from '../../src/store/etcd-store.js';
import type { PeerLag } from '../../src/store/etcd-peers.js';
import type { StoredObject, WatchEvent } from '../../src/store/types.js';
import { type EtcdCluster, type EtcdServer, startEtcdCluster, until } from '../helpers/etcd.js';
import { brief, obj } from './contract-helpers.js';

/**
 * EtcdStore on a three-member etcd cluster, given every member's URL: it works, and it carries
 * on when a member dies (SIGKILL), be it the one its watch streams from or the raft leader.
 */
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function cluster(): Promise<EtcdCluster> {
  const c = await startEtcdCluster(3);
  cleanup.push(() => c.destroy());
  return c;
}

async function connect(c: EtcdCluster, opts: Partial<EtcdStoreOptions> = {}): Promise<EtcdStore> {
  const s = await EtcdStore.connect({ endpoints: c.endpoints, requestTimeoutMs: 2000, reconnectMaxDelayMs: 200, ...opts });
  cleanup.push(() => s.close());
  return s;
}

/** The live member holding this test's watch (one store, so at most one member has watchers). */
async function watchedMember(c: EtcdCluster): Promise<EtcdServer> {
  const counts = await Promise.all(c.members.map((m) => (m.running() ? m.metric('etcd_debugging_mvcc_watcher_total') : undefined)));
  const holders = c.members.filter((_, i) => (counts[i] ?? 0) > 0);
  expect(holders).toHaveLength(1);
  return holders[0]!;
}

const key = (i: number) => `/registry/configmaps/ns/c${i}`;
const rv = (o: StoredObject) => Number(o.metadata.resourceVersion);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EtcdStore on a three-member etcd cluster', () => {
  it('creates, reads, lists, updates and deletes, and delivers every change by watch, in order', async () => {
    const c = await cluster();
    const s = await connect(c);
    const seen: WatchEvent[] = [];
    s.watch('/registry/', (e) => seen.push(e));
    const written: Array<[string, string, StoredObject]> = [];
    for (let i = 0; i < 30; i++) written.push(['ADDED', key(i), await s.create(key(i), obj(`c${i}`, { data: { i } }))]);
    for (let i = 0; i < 30; i += 3) written.push(['MODIFIED', key(i), await s.update(key(i), obj(`c${i}`, { data: { i, v: 2 } }))]);
    for (let i = 1; i < 30; i += 3) written.push(['DELETED', key(i), await s.delete(key(i))]);
    expect(brief(seen)).toEqual(written.map(([type, k, o]) => [type, k, rv(o), String(rv(o))]));
    expect((await s.list('/registry/')).items).toHaveLength(20);
    expect(await s.get(key(3))).toEqual(written.find(([t, k]) => t === 'MODIFIED' && k === key(3))![2]);
    expect(await s.get(key(4))).toBeUndefined();
  });

  it('recovers when the member its watch streams from is killed: writes succeed again at once, and the watch loses and repeats nothing', async () => {
    const c = await cluster();
    const s = await connect(c);
    const seen: WatchEvent[] = [];
    s.watch('/registry/', (e) => seen.push(e));
    await s.create(key(-1), obj('first'));
    const victim = await watchedMember(c);
    // a follower, so that what is seen is the store's recovery (the next test kills the leader)
    await c.transferLeadership(c.members.find((m) => m !== victim)!);
    /** writes acknowledged, as the watch must report them */
    const acked: Array<[string, string, number]> = [];
    /** keys of writes that failed: they may or may not have been applied */
    const doubtful = new Set<string>();
    const failedAt: number[] = [];
    let killedAt = Number.POSITIVE_INFINITY;
    let recoveredAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const started = performance.now();
        try {
          acked.push(['ADDED', key(i), rv(await s.create(key(i), obj(`c${i}`)))]);
          // every other object goes again, if its create is known to have happened
          if (i % 2 === 1 && acked.some(([t, k]) => t === 'ADDED' && k === key(i - 1))) acked.push(['DELETED', key(i - 1), rv(await s.delete(key(i - 1)))]);
          if (started > killedAt) recoveredAt = Math.min(recoveredAt, performance.now());
        } catch (e) {
          expect(e).toMatchObject({ code: 'Unavailable' });
          doubtful.add(key(i)).add(key(i - 1));
          failedAt.push(performance.now());
          await sleep(20);
        }
      }
    })();
    await sleep(300);
    killedAt = performance.now();
    await victim.stop('SIGKILL');
    await until(() => recoveredAt < Number.POSITIVE_INFINITY, 'a write started after the kill to succeed', 8000);
    await sleep(2500); // past the 2 s for which a failed member is passed over: it is tried again
    stop = true;
    await writer;
    const recoveryMs = recoveredAt - killedAt;
    expect(recoveryMs).toBeLessThan(1500);
    // once a write got through after the kill, none failed any more
    expect(failedAt.filter((t) => t > recoveredAt)).toEqual([]);
    await until(() => s.ready(), 'the store to be ready');
    expect(await watchedMember(c)).not.toBe(victim);
    // the watch: in revision order without repeats, every acknowledged write exactly as acknowledged,
    // and nothing else but writes that failed (and so may have been applied)
    const events = brief(seen).slice(1).map(([t, k, r]) => [t, k, r] as [string, string, number]);
    const revisions = events.map(([, , r]) => r);
    expect(revisions).toEqual([...new Set(revisions)].sort((x, y) => x - y));
    const byRevision = new Map(events.map((e) => [e[2], e]));
    expect(acked.map(([, , r]) => byRevision.get(r))).toEqual(acked);
    const ackedRevisions = new Set(acked.map(([, , r]) => r));
    expect(events.filter(([, k, r]) => !ackedRevisions.has(r) && !doubtful.has(k))).toEqual([]);
    console.log(`follower ${victim.name} killed (the watch on it): ${acked.length} writes acknowledged, ${failedAt.length} failed, first write after the kill succeeded in ${recoveryMs.toFixed(0)} ms`);

    // a client that starts with a member down connects and writes without a failure
    const late = await connect(c);
    for (let i = 0; i < 30; i++) await late.create(`/registry/secrets/ns/s${i}`, obj(`s${i}`));
  });

  it('keeps the cross-replica guarantee when the leader is killed: a delete through one replica returns after the other\'s watch handler saw it', async () => {
    const c = await cluster();
    const lags: PeerLag[] = [];
    const [a, b] = [await connect(c, { onPeerLag: (l) => lags.push(l) }), await connect(c, { onPeerLag: (l) => lags.push(l) })];
    await until(() => a.peers.others().includes(b.peers.id) && b.peers.others().includes(a.peers.id), 'the replicas to know each other');
    const seenBy = new Map<EtcdStore, Set<string>>([[a, new Set()], [b, new Set()]]);
    for (const [s, seen] of seenBy) s.watch('/registry/', (e) => void seen.add(`${e.type} ${e.key} ${e.revision}`));
    /** creates through one replica, deletes through the other; whether the creator had seen the delete when it returned */
    let n = 0;
    const roundTrip = async (writer: EtcdStore, other: EtcdStore) => {
      const k = `/registry/pods/ns/p${n++}`;
      await writer.create(k, obj('p'));
      const deleted = await other.delete(k);
      return { revision: rv(deleted), seen: seenBy.get(writer)!.has(`DELETED ${k} ${rv(deleted)}`) };
    };
    for (let i = 0; i < 5; i++) expect((await roundTrip(a, b)).seen).toBe(true);

    const leader = await c.leader();
    await leader.stop('SIGKILL');
    const t0 = performance.now();
    // during the election writes fail; a delete that returns is applied by the other replica, or reported as lagging
    for (;;) {
      const r = await roundTrip(a, b).catch(() => undefined);
      if (r) {
        expect(r.seen || lags.some((l) => l.revision === r.revision)).toBe(true);
        break;
      }
      expect(performance.now() - t0).toBeLessThan(8000);
      await sleep(50);
    }
    const recoveryMs = performance.now() - t0;
    await until(() => a.ready() && b.ready(), 'both replicas to be ready');
    lags.length = 0;
    for (let i = 0; i < 20; i++) {
      expect((await roundTrip(a, b)).seen).toBe(true);
      expect((await roundTrip(b, a)).seen).toBe(true);
    }
    expect(lags).toEqual([]);
    console.log(`leader ${leader.name} killed: writes through the replicas succeeded again after ${recoveryMs.toFixed(0)} ms`);
  });
});
