import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { BindingIndex, DEFAULT_MAX_INDEXED_TOKENS, dependencies, type InvalidationEvent } from '../../src/registry/binding-index.js';
import { kindInfo } from '../../src/registry/kinds.js';
import { ObjectRegistry } from '../../src/registry/object-registry.js';
import type { IssuedToken } from '../../src/registry/token-request.js';
import type { KubeObject } from '../../src/registry/types.js';
import { MemoryStore } from '../../src/store/index.js';

/**
 * The binding registry on its own, over a real object registry and hand-made issued tokens:
 * which UIDs are alive, which tokens hang on which object, expiry with the 60 s leeway, the cap
 * on listed tokens, and the invalidation events (the tokens that die with an object).
 */
const T0 = 1_700_000_000;
let registry: ObjectRegistry;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(T0 * 1000);
  registry = new ObjectRegistry({ store: new MemoryStore(), clock });
  await registry.start();
  await add('Namespace', '', { metadata: { name: 'ns' } });
});

async function add(kind: string, namespace: string, obj: Record<string, unknown>): Promise<KubeObject> {
  const info = kindInfo(kind)!;
  return registry.create(info, namespace, { apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind, ...obj } as KubeObject);
}
const sa = (name = 'app') => add('ServiceAccount', 'ns', { metadata: { name, namespace: 'ns' } });
const podObj = (name = 'web-0') => add('Pod', 'ns', { metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i' }], serviceAccountName: 'app' } });
const del = (kind: string, namespace: string, name: string) => registry.delete(kindInfo(kind)!, namespace, name);

let seq = 0;
function token(saUid: string, more: Partial<IssuedToken> = {}): IssuedToken {
  return { jti: `jti-${++seq}`, namespace: 'ns', serviceAccount: { name: 'app', uid: saUid }, issuedAt: T0, expiresAt: T0 + 3600, audiences: ['api'], ...more };
}

describe('BindingIndex: liveness', () => {
  it('knows the UIDs of tracked objects that exist at start and since, and forgets deleted ones', async () => {
    const before = await sa('before');
    const index = new BindingIndex(registry, clock);
    index.start();
    expect(index.isLive(before.metadata.uid!)).toBe(true);
    const p = await podObj();
    const s = await add('Secret', 'ns', { metadata: { name: 's', namespace: 'ns' } });
    const n = await add('Node', '', { metadata: { name: 'n1' } });
    for (const o of [p, s, n]) expect(index.isLive(o.metadata.uid!)).toBe(true);
    await del('Pod', 'ns', 'web-0');
    expect(index.isLive(p.metadata.uid!)).toBe(false);
    expect(index.isLive(s.metadata.uid!)).toBe(true);
  });

  it('does not track other kinds, nor anything after stop()', async () => {
    const index = new BindingIndex(registry, clock);
    index.start();
    const cm = await add('ConfigMap', 'ns', { metadata: { name: 'c', namespace: 'ns' } });
    expect(index.isLive(cm.metadata.uid!)).toBe(false);
    index.stop();
    const later = await sa('later');
    expect(index.isLive(later.metadata.uid!)).toBe(false);
  });

  it('knows nothing of objects that existed before start() if never started', async () => {
    const s = await sa();
    expect(new BindingIndex(registry, clock).isLive(s.metadata.uid!)).toBe(false);
  });
});

describe('BindingIndex: tokens of an object', () => {
  it('lists a token under its service account and its bound object, and tokensFor finds the object by name', async () => {
    const index = new BindingIndex(registry, clock);
    index.start();
    const s = await sa();
    const p = await podObj();
    const bound = token(s.metadata.uid!, { bound: { kind: 'Pod', name: 'web-0', uid: p.metadata.uid! } });
    const plain = token(s.metadata.uid!);
    index.record(bound);
    index.record(plain);
    expect(index.tokensOf(s.metadata.uid!)).toEqual([bound, plain]);
    expect(index.tokensOf(p.metadata.uid!)).toEqual([bound]);
    expect(index.tokensFor('Pod', 'ns', 'web-0')).toEqual([bound]);
    expect(index.tokensFor('ServiceAccount', 'ns', 'app')).toEqual([bound, plain]);
    expect(index.tokensFor('Pod', 'ns', 'other')).toEqual([]);
    expect(index.tokensFor('Pod', 'other-ns', 'web-0')).toEqual([]);
    expect(index.tokensOf('no-such-uid')).toEqual([]);
    expect(index.size).toBe(2);
  });

  it('finds a node (cluster-scoped) by name whatever namespace is given', async () => {
    const index = new BindingIndex(registry, clock);
    index.start();
    const n = await add('Node', '', { metadata: { name: 'n1' } });
    const t = token('sa', { bound: { kind: 'Node', name: 'n1', uid: n.metadata.uid! } });
    index.record(t);
    expect(index.tokensFor('Node', 'ns', 'n1')).toEqual([t]);
    expect(index.tokensFor('Node', undefined, 'n1')).toEqual([t]);
  });

  it('keeps a token listed until exp plus the 60 s leeway has passed', () => {
    const index = new BindingIndex(registry, clock);
    const t = token('sa-uid');
    index.record(t);
    clock.set((T0 + 3600 + 60) * 1000);
    expect(index.tokensOf('sa-uid')).toEqual([t]);
    clock.set((T0 + 3600 + 61) * 1000);
    expect(index.tokensOf('sa-uid')).toEqual([]);
    expect(index.size).toBe(0);
  });

  it('prunes expired tokens when a new one is recorded', () => {
    const index = new BindingIndex(registry, clock);
    index.record(token('a', { expiresAt: T0 + 10 }));
    clock.set((T0 + 100) * 1000);
    const fresh = token('a', { expiresAt: T0 + 1000 });
    index.record(fresh);
    expect(index.size).toBe(1);
    expect(index.tokensOf('a')).toEqual([fresh]);
  });

  it('names the UIDs a token depends on: the service account, then the bound object', () => {
    expect(dependencies(token('s'))).toEqual(['s']);
    expect(dependencies(token('s', { bound: { kind: 'Secret', name: 'x', uid: 'b' } }))).toEqual(['s', 'b']);
  });
});

describe('BindingIndex: invalidation', () => {
  it('tells every subscriber which tokens died with an object, and forgets them', async () => {
    const index = new BindingIndex(registry, clock);
    index.start();
    const s = await sa();
    const p = await podObj();
    const bound = token(s.metadata.uid!, { bound: { kind: 'Pod', name: 'web-0', uid: p.metadata.uid! } });
    const plain = token(s.metadata.uid!);
    index.record(bound);
    index.record(plain);
    const seen: InvalidationEvent[] = [];
    index.onInvalidated(() => {
      throw new Error('a broken listener');
    });
    index.onInvalidated((e) => seen.push(e));
    await del('Pod', 'ns', 'web-0');
    expect(seen).toEqual([{ reason: 'deleted', object: { kind: 'Pod', namespace: 'ns', name: 'web-0', uid: p.metadata.uid }, tokens: [bound] }]);
    expect(index.tokensOf(s.metadata.uid!)).toEqual([plain]);
    expect(index.tokensOf(p.metadata.uid!)).toEqual([]);
  });

  it('names a cluster-scoped object without a namespace, and reports objects that had no tokens', async () => {
    const index = new BindingIndex(registry, clock);
    index.start();
    const n = await add('Node', '', { metadata: { name: 'n1' } });
    const seen: InvalidationEvent[] = [];
    index.onInvalidated((e) => seen.push(e));
    await del('Node', '', 'n1');
    expect(seen).toStrictEqual([{ reason: 'deleted', object: { kind: 'Node', name: 'n1', uid: n.metadata.uid }, tokens: [] }]);
  });

  it('stops telling a subscriber that unsubscribed, and tells nothing of other kinds', async () => {
    const index = new BindingIndex(registry, clock);
    index.start();
    await sa();
    await add('ConfigMap', 'ns', { metadata: { name: 'c', namespace: 'ns' } });
    const seen: string[] = [];
    const off = index.onInvalidated((e) => seen.push(e.object.name));
    await del('ConfigMap', 'ns', 'c');
    expect(seen).toEqual([]);
    off();
    await del('ServiceAccount', 'ns', 'app');
    expect(seen).toEqual([]);
  });
});

describe('BindingIndex: the cap on listed tokens', () => {
  it('drops the tokens expiring soonest past the cap, tells onFull once, and counts the dropped', () => {
    const full: number[] = [];
    const index = new BindingIndex(registry, clock, { maxTokens: 2, onFull: (m) => full.push(m) });
    const late = token('a', { expiresAt: T0 + 3000 });
    const soon = token('a', { expiresAt: T0 + 1000 });
    const mid = token('a', { expiresAt: T0 + 2000 });
    index.record(late);
    index.record(soon);
    expect(full).toEqual([]);
    index.record(mid);
    expect(index.tokensOf('a')).toEqual([late, mid]);
    expect(full).toEqual([2]);
    expect(index.dropped).toBe(1);
    index.record(token('a', { expiresAt: T0 + 4000 }));
    expect(full).toEqual([2]);
    expect(index.dropped).toBe(2);
    expect(index.size).toBe(2);
  });

  it('does not count a token whose object was deleted as dropped', async () => {
    const index = new BindingIndex(registry, clock, { maxTokens: 1 });
    index.start();
    const s = await sa();
    const t = token(s.metadata.uid!, { expiresAt: T0 + 100 });
    index.record(t);
    await del('ServiceAccount', 'ns', 'app');
    index.record(token('other', { expiresAt: T0 + 200 }));
    expect(index.dropped).toBe(0);
    expect(index.size).toBe(1);
  });

  it('drops past the cap without an onFull listener, and stops cleanly when never started', () => {
    const index = new BindingIndex(registry, clock, { maxTokens: 1 });
    index.record(token('a', { expiresAt: T0 + 100 }));
    expect(() => index.record(token('a', { expiresAt: T0 + 200 }))).not.toThrow();
    expect(index.dropped).toBe(1);
    expect(() => index.stop()).not.toThrow();
  });

  it('caps at a million tokens by default', () => {
    expect(DEFAULT_MAX_INDEXED_TOKENS).toBe(1_000_000);
  });
});
