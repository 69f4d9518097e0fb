import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PeerLag } from '../../src/store/etcd-peers.js';
import { EtcdStore, type EtcdStoreOptions } from '../../src/store/etcd-store.js';
import type { WatchEvent } from '../../src/store/types.js';
import { type EtcdServer, type TcpProxy, startEtcd, startProxy, until } from '../helpers/etcd.js';
import { obj } from './contract-helpers.js';

/**
 * Replicas on one prefix wait for each other on updates and deletes (etcd-peers.ts): a delete
 * through one returns only once every other has applied it. A proxy in front of one replica
 * delays what etcd sends it, so a replica that is behind is a certainty, not a race.
 */
let etcd: EtcdServer;
let prefixes = 0;
const opened: EtcdStore[] = [];
const proxies: TcpProxy[] = [];
beforeAll(async () => {
  etcd = await startEtcd();
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const p of proxies.splice(0)) await p.close();
});
afterAll(async () => {
  await etcd?.destroy();
});

async function connect(endpoint: string, opts: Partial<EtcdStoreOptions> = {}): Promise<EtcdStore> {
  const s = await EtcdStore.connect({ endpoints: [endpoint], prefix: `/peers${prefixes}`, requestTimeoutMs: 5000, ...opts });
  opened.push(s);
  return s;
}

/** Replica `fast` talks to etcd directly, replica `slow` through a proxy that can delay it. */
async function pair(opts: Partial<EtcdStoreOptions> = {}): Promise<{ fast: EtcdStore; slow: EtcdStore; proxy: TcpProxy; slowSaw: WatchEvent[] }> {
  prefixes++;
  const proxy = await startProxy(etcd.endpoint);
  proxies.push(proxy);
  const fast = await connect(etcd.endpoint, opts);
  const slow = await connect(proxy.endpoint, opts);
  const slowSaw: WatchEvent[] = [];
  slow.watch('/registry/', (e) => slowSaw.push(e));
  await until(() => fast.peers.others().length === 1 && slow.peers.others().length === 1, 'the replicas to know each other');
  return { fast, slow, proxy, slowSaw };
}

const A = '/registry/pods/ns/a';

describe('replicas on one etcd prefix', () => {
  it('know each other, and forget a replica that closed', async () => {
    const { fast, slow } = await pair();
    expect(fast.peers.others()).toEqual([slow.peers.id]);
    expect(slow.peers.others()).toEqual([fast.peers.id]);
    await slow.close();
    await until(() => fast.peers.others().length === 0, 'the closed replica to be forgotten');
  });

  it('a delete returns only once the other replica, 300 ms behind, has applied it', async () => {
    const { fast, proxy, slowSaw } = await pair();
    await fast.create(A, obj('a'));
    await until(() => slowSaw.length === 1, 'the slow replica to see the create');
    proxy.delay(300);
    const t0 = performance.now();
    const deleted = await fast.delete(A);
    const tookMs = performance.now() - t0;
    // the slow replica's handlers had the DELETED event before the delete returned
    expect(slowSaw.map((e) => [e.type, e.revision])).toEqual([['ADDED', slowSaw[0]!.revision], ['DELETED', Number(deleted.metadata.resourceVersion)]]);
    expect(tookMs).toBeGreaterThanOrEqual(250);
  });

  it('an update waits the same way; a create does not', async () => {
    const { fast, proxy, slowSaw } = await pair();
    proxy.delay(300);
    await fast.create(A, obj('a'));
    expect(slowSaw).toHaveLength(0); // a create needs nobody else: nothing to invalidate
    const updated = await fast.update(A, obj('a', { v: 2 }));
    expect(slowSaw.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(slowSaw[1]!.revision).toBe(Number(updated.metadata.resourceVersion));
  });

  it('a replica that cannot keep up holds a delete for the ack timeout at most, and is reported', async () => {
    const lags: PeerLag[] = [];
    const { fast, slow, proxy } = await pair({ peerAckTimeoutMs: 600, onPeerLag: (l) => lags.push(l) });
    await fast.create(A, obj('a'));
    proxy.delay(3000);
    const t0 = performance.now();
    const deleted = await fast.delete(A);
    const tookMs = performance.now() - t0;
    expect(tookMs).toBeGreaterThanOrEqual(550);
    expect(tookMs).toBeLessThan(2500);
    expect(lags).toEqual([{ revision: Number(deleted.metadata.resourceVersion), laggards: [slow.peers.id] }]);
  });

  it('a replica cut off from etcd is waited for until its lease expires, then no more', async () => {
    const lags: PeerLag[] = [];
    const { fast, proxy } = await pair({ peerAckTimeoutMs: 400, peerTtlSeconds: 2, onPeerLag: (l) => lags.push(l) });
    await fast.create(A, obj('a'));
    proxy.cut();
    await fast.delete(A);
    expect(lags).toHaveLength(1);
    await until(() => fast.peers.others().length === 0, 'the cut-off replica\'s lease to expire', 10_000);
    const t0 = performance.now();
    await fast.create(A, obj('a'));
    await fast.delete(A);
    expect(performance.now() - t0).toBeLessThan(300);
    expect(lags).toHaveLength(1);
  });

  it('a lone replica writes nothing for its peers: one revision per write', async () => {
    prefixes++;
    const s = await connect(etcd.endpoint);
    const first = Number((await s.create(A, obj('a'))).metadata.resourceVersion);
    const second = Number((await s.update(A, obj('a', { v: 2 }))).metadata.resourceVersion);
    const third = Number((await s.delete(A)).metadata.resourceVersion);
    expect([second - first, third - second]).toEqual([1, 1]);
  });
});
