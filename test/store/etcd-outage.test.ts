import { afterEach, describe, expect, it } from 'vitest';
import { EtcdStore } from '../../src/store/etcd-store.js';
import type { StoredObject, WatchEvent } from '../../src/store/types.js';
import { type EtcdServer, type TcpProxy, startEtcd, startProxy, until } from '../helpers/etcd.js';
import { brief, obj } from './contract-helpers.js';

/** EtcdStore when etcd goes away: etcd killed and restarted, or one client cut off from it. */
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function fresh(): Promise<EtcdServer> {
  const etcd = await startEtcd();
  cleanup.push(() => etcd.destroy());
  return etcd;
}

async function connect(endpoint: string): Promise<EtcdStore> {
  const s = await EtcdStore.connect({ endpoints: [endpoint], requestTimeoutMs: 1000, reconnectMaxDelayMs: 200 });
  cleanup.push(() => s.close());
  return s;
}

async function proxied(etcd: EtcdServer): Promise<TcpProxy> {
  const proxy = await startProxy(etcd.endpoint);
  cleanup.push(() => proxy.close());
  return proxy;
}

const key = (i: number) => `/registry/configmaps/ns/c${i}`;
const U = /^etcd is unavailable: /;

describe('EtcdStore when etcd is stopped and restarted', () => {
  it('fails reads and writes with Unavailable and is not ready while etcd is down; afterwards is ready, has lost nothing acknowledged and watches on', async () => {
    const etcd = await fresh();
    const s = await connect(etcd.endpoint);
    const seen: number[] = [];
    s.watch('/registry/', (e) => seen.push(e.revision));
    const acked = [];
    for (let i = 0; i < 20; i++) acked.push(await s.create(key(i), obj(`c${i}`, { data: { i } })));
    await etcd.stop('SIGKILL');
    await until(() => !s.ready(), 'ready() to turn false');
    const down = await Promise.allSettled([s.create(key(99), obj('c99')), s.update(key(1), obj('c1')), s.delete(key(2)), s.get(key(3)), s.list('/registry/')]);
    for (const r of down) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'Unavailable', message: expect.stringMatching(U) } });
    await etcd.start();
    await until(() => s.ready(), 'ready() to turn true again');
    const byName = (o: StoredObject) => String(o.metadata.name);
    expect((await s.list('/registry/')).items.map(byName).sort()).toEqual(acked.map(byName).sort());
    for (const o of acked) expect(await s.get(key((o.data as { i: number }).i))).toEqual(o);
    const after = await s.create(key(100), obj('c100'));
    expect(seen.at(-1)).toBe(Number(after.metadata.resourceVersion));
    expect(seen.slice(0, 20)).toEqual(acked.map((o) => Number(o.metadata.resourceVersion)));
  });
});

describe('EtcdStore cut off from etcd while others write', () => {
  it('resumes its watch from the last delivered revision and delivers every change made meanwhile, in order', async () => {
    const etcd = await fresh();
    const proxy = await proxied(etcd);
    const [a, b] = [await connect(proxy.endpoint), await connect(etcd.endpoint)];
    const onA: WatchEvent[] = [];
    a.watch('/registry/', (e) => onA.push(e));
    const before = Number((await b.create(key(1), obj('c1'))).metadata.resourceVersion);
    await until(() => onA.length === 1, 'a to see the first create');
    proxy.cut();
    await until(() => !a.ready(), 'a to notice the cut');
    await expect(a.get(key(1))).rejects.toMatchObject({ code: 'Unavailable', message: expect.stringMatching(U) });
    const meanwhile = [await b.create(key(2), obj('c2')), await b.delete(key(2)), await b.create(key(2), obj('c2')), await b.update(key(1), obj('c1', { v: 2 }))];
    proxy.heal();
    await until(() => a.ready(), 'a to reconnect and catch up');
    expect(onA).toHaveLength(5);
    const rv = meanwhile.map((o) => Number(o.metadata.resourceVersion));
    expect(brief(onA.slice(1)).map(([t, k, r]) => [t, k, r])).toEqual([['ADDED', key(2), rv[0]], ['DELETED', key(2), rv[1]], ['ADDED', key(2), rv[2]], ['MODIFIED', key(1), rv[3]]]);
    const replay: number[] = [];
    a.watch('/registry/', (e) => replay.push(e.revision), { sinceRevision: before });
    expect(replay).toEqual(rv);
  });

  it('relists when etcd compacted its resume revision: handlers get the difference, older revisions are Gone, and the watch goes on', async () => {
    const etcd = await fresh();
    const proxy = await proxied(etcd);
    const [a, b] = [await connect(proxy.endpoint), await connect(etcd.endpoint)];
    for (const i of [1, 2]) await b.create(key(i), obj(`c${i}`));
    const old = b.revision();
    await until(() => a.revision() === old, 'a to catch up');
    const onA: WatchEvent[] = [];
    a.watch('/registry/', (e) => onA.push(e));
    proxy.cut();
    await until(() => !a.ready(), 'a to notice the cut');
    const changed = await b.update(key(1), obj('c1', { v: 2 }));
    const added = await b.create(key(3), obj('c3'));
    await b.delete(key(2));
    await b.create(key(4), obj('c4'));
    const gone = await b.delete(key(4));
    await b.client.kv.compact({ revision: String(b.revision()), physical: true });
    proxy.heal();
    await until(() => a.ready(), 'a to relist and watch again');
    const listed = onA[2]!.revision;
    expect(listed).toBeGreaterThanOrEqual(Number(gone.metadata.resourceVersion));
    expect(brief(onA)).toEqual([
      ['MODIFIED', key(1), Number(changed.metadata.resourceVersion), changed.metadata.resourceVersion],
      ['ADDED', key(3), Number(added.metadata.resourceVersion), added.metadata.resourceVersion],
      ['DELETED', key(2), listed, String(listed)],
    ]);
    expect(() => a.watch('/registry/', () => {}, { sinceRevision: old })).toThrow(expect.objectContaining({ code: 'Gone', message: `too old resource version: ${old} (${listed})` }));
    const next = await b.create(key(5), obj('c5'));
    await until(() => onA.length === 4, 'a to see a write after the relist');
    expect(brief(onA.slice(3))).toEqual([['ADDED', key(5), Number(next.metadata.resourceVersion), next.metadata.resourceVersion]]);
  });
});
