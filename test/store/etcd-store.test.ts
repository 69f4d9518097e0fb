import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStore, type EtcdStoreOptions } from '../../src/store/etcd-store.js';
import type { StoredObject, WatchEvent } from '../../src/store/types.js';
import { type EtcdServer, startEtcd, until } from '../helpers/etcd.js';
import { brief, obj } from './contract-helpers.js';

/** EtcdStore on a real etcd: what the contract cannot show with one client. */
let etcd: EtcdServer;
let prefixes = 0;
const opened: EtcdStore[] = [];
beforeAll(async () => {
  etcd = await startEtcd();
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
afterAll(async () => {
  await etcd?.destroy();
});

async function connect(opts: Partial<EtcdStoreOptions> = {}): Promise<EtcdStore> {
  const s = await EtcdStore.connect({ endpoints: [etcd.endpoint], prefix: `/t${prefixes}`, ...opts });
  opened.push(s);
  return s;
}

/** Two clients on one fresh prefix, as two replicas. */
async function replicas(): Promise<[EtcdStore, EtcdStore]> {
  prefixes++;
  return [await connect(), await connect()];
}

const A = '/registry/pods/ns/a';
const B = '/registry/pods/ns/b';

describe('EtcdStore on etcd', () => {
  it('keeps objects under the etcd prefix as JSON without resourceVersion, which is the etcd mod revision', async () => {
    const [s] = await replicas();
    const created = await s.create(A, { metadata: { name: 'a', resourceVersion: '99' }, spec: { n: 1 } });
    const raw = (await s.client.get(`/t${prefixes}/pods/ns/a`).exec()).kvs[0]!;
    expect(JSON.parse(raw.value.toString())).toEqual({ metadata: { name: 'a' }, spec: { n: 1 } });
    expect(created.metadata.resourceVersion).toBe(raw.mod_revision);
    expect(s.revision()).toBe(Number(raw.mod_revision));
  });

  it('lets two clients see each other\'s writes through the watch, with the same revisions, in order', async () => {
    const [a, b] = await replicas();
    const onA: WatchEvent[] = [];
    const onB: WatchEvent[] = [];
    a.watch('/registry/', (e) => onA.push(e));
    b.watch('/registry/', (e) => onB.push(e));
    const written = [await b.create(A, obj('a')), await a.create(B, obj('b')), await b.update(A, obj('a', { v: 2 })), await b.delete(B)];
    const rv = written.map((o) => Number(o.metadata.resourceVersion));
    const expected = [['ADDED', A, rv[0]], ['ADDED', B, rv[1]], ['MODIFIED', A, rv[2]], ['DELETED', B, rv[3]]].map(([t, k, r]) => [t, k, r, String(r)]);
    await until(() => onA.length === 4 && onB.length === 4, 'both clients to see four events');
    expect([brief(onA), brief(onB)]).toEqual([expected, expected]);
    expect(await a.get(A)).toEqual(written[2]);
    expect([a.revision(), b.revision()]).toEqual([rv[3], rv[3]]);
  });

  it('lets exactly one of two clients win concurrent updates with the same expected revision', async () => {
    const [a, b] = await replicas();
    const rv = (await a.create(A, obj('a'))).metadata.resourceVersion!;
    await until(() => b.revision() >= Number(rv), 'b to see the create');
    const results = await Promise.allSettled([a.update(A, obj('a', { by: 'a' }), rv), b.update(A, obj('a', { by: 'b' }), rv)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'Conflict' } });
  });

  it.each([
    ['create', (s: EtcdStore) => s.create(B, obj('b'))],
    ['update', (s: EtcdStore) => s.update(A, obj('a', { v: 2 }))],
    ['delete', (s: EtcdStore) => s.delete(A)],
  ])('has run every local handler when %s resolves', async (_name, write) => {
    const [s] = await replicas();
    await s.create(A, obj('a'));
    const seen: number[] = [];
    s.watch('/registry/', (e) => seen.push(e.revision));
    s.watch('/registry/pods/', (e) => seen.push(e.revision));
    const rv = Number((await write(s)).metadata.resourceVersion);
    expect(seen).toEqual([rv, rv]);
  });

  it('resolves none of 200 concurrent writes before the local watch delivered it', async () => {
    const [s] = await replicas();
    const delivered = new Set<number>();
    s.watch('/registry/', (e) => delivered.add(e.revision));
    const early: string[] = [];
    const check = (o: StoredObject) => void (delivered.has(Number(o.metadata.resourceVersion)) || early.push(o.metadata.name as string));
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(`/registry/configmaps/ns/c${i}`, obj(`c${i}`)).then(check)));
    expect([early, delivered.size]).toEqual([[], 200]);
  });

  it('does not see the keys of another prefix on the same etcd', async () => {
    const [a] = await replicas();
    const [other] = await replicas();
    const onA: string[] = [];
    a.watch('/registry/', (e) => onA.push(e.key));
    await other.create(A, obj('other'));
    await a.create(B, obj('mine'));
    expect([onA, (await a.list('/registry/')).items.map((o) => o.metadata.name), await a.get(A)]).toEqual([[B], ['mine'], undefined]);
  });

  it('fails with Gone for a revision from before this client connected, naming the connect revision', async () => {
    const [a] = await replicas();
    const first = Number((await a.create(A, obj('a'))).metadata.resourceVersion);
    await a.create(B, obj('b'));
    const late = await connect();
    const joined = late.revision();
    expect(() => late.watch('/registry/', () => {}, { sinceRevision: first })).toThrow(expect.objectContaining({ code: 'Gone', message: `too old resource version: ${first} (${joined})` }));
    const seen: number[] = [];
    late.watch('/registry/', (e) => seen.push(e.revision), { sinceRevision: joined });
    const next = Number((await late.update(A, obj('a'))).metadata.resourceVersion);
    expect(seen).toEqual([next]);
  });

  it('is ready once connected and not after close, and fails to connect to a port without etcd with Unavailable', async () => {
    const [s] = await replicas();
    expect(s.ready()).toBe(true);
    await s.close();
    expect(s.ready()).toBe(false);
    const refused = EtcdStore.connect({ endpoints: ['http://127.0.0.1:1'], requestTimeoutMs: 1000 });
    await expect(refused).rejects.toMatchObject({ code: 'Unavailable', message: expect.stringMatching(/^etcd is unavailable: /) });
  });
});
