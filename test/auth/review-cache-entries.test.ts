import { describe, expect, it } from 'vitest';
import { ReviewCache, TOKEN_SUCCESS_CACHE_TTL_MS, type CachedIdentity, type CachedReview } from '../../src/auth/authenticators/review-cache.js';
import type { BindingIndex, InvalidationEvent } from '../../src/registry/binding-index.js';
import { manualClock, NOW } from '../tokens/fixtures.js';

/** The two things the review cache asks of the binding registry, as a hand-written fake. */
class FakeIndex {
  readonly live = new Set<string>(['sa-1', 'pod-1', 'pod-2', 'secret-1']);
  private readonly listeners: Array<(e: InvalidationEvent) => void> = [];
  isLive(uid: string): boolean {
    return this.live.has(uid);
  }
  onInvalidated(fn: (e: InvalidationEvent) => void): () => void {
    this.listeners.push(fn);
    return () => undefined;
  }
  /** what BindingIndex does on a delete: the UID dies, then subscribers hear of it */
  delete(uid: string): void {
    this.live.delete(uid);
    for (const l of this.listeners) l({ reason: 'deleted', object: { kind: 'Pod', namespace: 'default', name: 'x', uid }, tokens: [] });
  }
}

function cache(max?: number) {
  const index = new FakeIndex();
  const clock = manualClock();
  const c = new ReviewCache({ index: index as unknown as BindingIndex, clock, ...(max !== undefined ? { max } : {}) });
  return { c, index, clock };
}
const identity = (deps: string[], name = 'app'): CachedIdentity => ({
  user: { username: `system:serviceaccount:default:${name}`, uid: 'sa-1', groups: ['system:serviceaccounts'], extra: {} },
  audiences: ['api'],
  deps,
  sub: `system:serviceaccount:default:${name}`,
  info: { name, namespace: 'default', uid: 'sa-1' },
});
const review = (id: CachedIdentity, exp = NOW + 3600, more: Partial<CachedReview> = {}): CachedReview => ({ identity: id, exp, ...more });

describe('ReviewCache.key', () => {
  it.each([
    ['no audiences: the digest alone', undefined, 'D'],
    ['an empty list: the digest alone', [], 'D'],
    ['each audience after a NUL', ['a', 'b'], 'D\0a\0b'],
    ['an empty audience still adds its NUL', ['a', ''], 'D\0a\0'],
    ['JSON when an audience holds a NUL', ['a', 'b\0c'], 'D["a","b\\u0000c"]'],
    ['JSON when the first audience holds a NUL', ['\0'], 'D["\\u0000"]'],
  ])('%s', (_n, auds, want) => {
    expect(ReviewCache.key('D', auds)).toBe(want);
  });
});

describe('ReviewCache entries live no longer than their token and their objects', () => {
  it('answers an entry while its objects live and its exp (plus 60 s leeway) has not passed', () => {
    const { c } = cache();
    const id = identity(['sa-1', 'pod-1']);
    c.set('k', review(id, NOW + 100, { credentialID: 'JTI=1', warnAfter: NOW + 50 }), 'id');
    expect(c.get('k')).toMatchObject({ identity: id, credentialID: 'JTI=1', exp: NOW + 100, warnAfter: NOW + 50 });
    expect(c.get('k', NOW + 160)).toBeDefined();
    expect(c.size).toBe(1);
  });

  it('drops an entry hit past exp + leeway (a cache hit past exp is a miss)', () => {
    const { c } = cache();
    c.set('k', review(identity(['sa-1']), NOW + 100), 'id');
    expect(c.get('k', NOW + 161)).toBeUndefined();
    expect(c.size).toBe(0);
    // gone for good, even back in time
    expect(c.get('k', NOW)).toBeUndefined();
  });

  it('reads the time from its clock when not given, in whole seconds', () => {
    const { c, clock } = cache();
    c.set('k', review(identity(['sa-1']), NOW), 'id');
    clock.set((NOW + 60) * 1000 + 999);
    expect(c.get('k')).toBeDefined();
    clock.set((NOW + 61) * 1000);
    expect(c.get('k')).toBeUndefined();
  });

  it('answers nothing for a key it never had', () => {
    expect(cache().c.get('nope')).toBeUndefined();
  });

  it.each([
    ['its service account', 'sa-1'],
    ['its bound object', 'pod-1'],
  ])('drops an entry on the hit after %s died without telling (the store out of sync)', (_n, uid) => {
    const { c, index } = cache();
    c.set('k', review(identity(['sa-1', 'pod-1'])), 'id');
    index.live.delete(uid);
    expect(c.get('k', NOW)).toBeUndefined();
    expect(c.size).toBe(0);
    index.live.add(uid);
    expect(c.get('k', NOW)).toBeUndefined();
  });

  it('never stores a review whose objects are already gone', () => {
    const { c } = cache();
    c.set('k', review(identity(['sa-1', 'pod-9'])), 'id');
    expect(c.size).toBe(0);
    c.set('k2', review(identity(['sa-9'])), 'id2');
    expect(c.size).toBe(0);
  });

  it('drops, when an object is deleted, exactly the entries that depend on it', () => {
    const { c, index } = cache();
    c.set('a', review(identity(['sa-1', 'pod-1'])), 'id-a');
    c.set('b', review(identity(['sa-1', 'pod-2'])), 'id-b');
    c.set('c', review(identity(['sa-1', 'secret-1'])), 'id-c');
    index.delete('pod-1');
    expect([c.get('a', NOW), c.get('b', NOW), c.get('c', NOW)].map((e) => !!e)).toEqual([false, true, true]);
    index.delete('sa-1');
    expect(c.size).toBe(0);
  });

  it('forgets which object an entry hung on once the entry is gone (a key reused for another pod survives the old pod)', () => {
    const { c, index } = cache();
    c.set('k', review(identity(['sa-1', 'pod-1']), NOW), 'id-1');
    expect(c.get('k', NOW + 100)).toBeUndefined(); // expired: dropped
    c.set('k', review(identity(['sa-1', 'pod-2'])), 'id-2');
    index.delete('pod-1');
    expect(c.get('k', NOW)).toBeDefined();
  });

  it('forgets the old dependencies of a key that is set again', () => {
    const { c, index } = cache();
    c.set('k', review(identity(['sa-1', 'pod-1'])), 'id-1');
    c.set('k', review(identity(['sa-1', 'pod-2'])), 'id-2');
    index.delete('pod-1');
    expect(c.get('k', NOW)?.identity.deps).toEqual(['sa-1', 'pod-2']);
  });

  it('copes with an identity that names one UID twice', () => {
    const { c, index } = cache(1);
    c.set('a', review(identity(['sa-1', 'sa-1'])), 'id-a');
    c.set('b', review(identity(['pod-1'])), 'id-b'); // evicts a
    expect(c.get('a', NOW)).toBeUndefined();
    expect(c.get('b', NOW)).toBeDefined();
    index.delete('pod-1');
    expect(c.size).toBe(0);
  });
});

describe('ReviewCache identities: one shared object per (service account, object, audiences)', () => {
  it('makes an identity only when it has none under that key, and shares it between entries', () => {
    const { c } = cache();
    let made = 0;
    const make = () => (made++, identity(['sa-1', 'pod-1']));
    const first = c.identity('id', make);
    c.set('t1', review(first, NOW + 10, { credentialID: 'JTI=1' }), 'id');
    const second = c.identity('id', make);
    expect(second).toBe(first);
    expect(made).toBe(1);
    c.set('t2', review(identity(['sa-1', 'pod-1']), NOW + 20, { credentialID: 'JTI=2' }), 'id');
    // the entry keeps the identity already shared, with its own credential id and exp
    expect(c.get('t2', NOW)!.identity).toBe(first);
    expect(c.get('t2', NOW)).toMatchObject({ credentialID: 'JTI=2', exp: NOW + 20, warnAfter: undefined });
    expect(c.get('t1', NOW)).toMatchObject({ credentialID: 'JTI=1', exp: NOW + 10 });
  });

  it('keeps a shared identity while one entry still uses it, and drops it with the last', () => {
    const { c } = cache();
    const id = identity(['sa-1', 'pod-1']);
    c.set('t1', review(id, NOW + 10), 'id');
    c.set('t2', review(id, NOW + 1000), 'id');
    expect(c.get('t1', NOW + 100)).toBeUndefined();
    const replacement = identity(['sa-1', 'pod-1'], 'other');
    expect(c.identity('id', () => replacement)).toBe(id);
    expect(c.get('t2', NOW + 1100)).toBeUndefined();
    expect(c.identity('id', () => replacement)).toBe(replacement);
  });

  it('does not count a refused set as a use of the identity', () => {
    const { c } = cache();
    const dead = identity(['sa-1', 'pod-9']);
    c.set('t', review(dead), 'id');
    expect(c.identity('id', () => identity(['sa-1']))).not.toBe(dead);
  });
});

describe('ReviewCache size', () => {
  it('holds at most `max` entries, evicting the least recently used', () => {
    const { c } = cache(2);
    c.set('a', review(identity(['sa-1'])), 'id');
    c.set('b', review(identity(['sa-1'])), 'id');
    expect(c.get('a', NOW)).toBeDefined(); // a is now the most recent
    c.set('c', review(identity(['sa-1'])), 'id');
    expect([c.get('a', NOW), c.get('b', NOW), c.get('c', NOW)].map((e) => !!e)).toEqual([true, false, true]);
    expect(c.size).toBe(2);
  });

  it('holds 10,000 entries by default', () => {
    const { c } = cache();
    const id = identity(['sa-1']);
    for (let i = 0; i <= 10_000; i++) c.set(`k${i}`, review(id), 'id');
    expect(c.size).toBe(10_000);
    expect(c.get('k0', NOW)).toBeUndefined();
    expect(c.get('k10000', NOW)).toBeDefined();
  });
});

describe("ReviewCache in kubernetes mode (kube-apiserver's 10 s success cache)", () => {
  function k8sCache() {
    const index = new FakeIndex();
    const clock = manualClock();
    const c = new ReviewCache({ index: index as unknown as BindingIndex, clock, mode: 'kubernetes' });
    return { c, index, clock };
  }

  it('is 10 seconds, as TokenSuccessCacheTTL', () => {
    expect(TOKEN_SUCCESS_CACHE_TTL_MS).toBe(10_000);
  });

  it('serves a success for 10 s after it was stored, its objects deleted or not, and not at 10 s', () => {
    const { c, index, clock } = k8sCache();
    c.set('k', review(identity(['sa-1', 'pod-1'])), 'id');
    index.delete('pod-1');
    expect(c.get('k')).toBeDefined();
    clock.set(NOW * 1000 + 9_999);
    expect(c.get('k')).toBeDefined();
    clock.set(NOW * 1000 + 10_000);
    expect(c.get('k')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('stores a success whose objects are already gone, and still drops it past exp', () => {
    const { c, index } = k8sCache();
    index.delete('pod-1');
    c.set('k', review(identity(['sa-1', 'pod-1']), NOW + 5), 'id');
    expect(c.get('k')).toBeDefined();
    expect(c.get('k', NOW + 66)).toBeUndefined();
  });

  it('keeps the immediate mode as the default: a deleted object ends its entries at once', () => {
    const { c, index } = cache();
    c.set('k', review(identity(['sa-1', 'pod-1'])), 'id');
    index.delete('pod-1');
    expect(c.get('k')).toBeUndefined();
    const explicit = new ReviewCache({ index: index as unknown as BindingIndex, clock: manualClock(), mode: 'immediate' });
    index.live.add('pod-2');
    explicit.set('k', review(identity(['sa-1', 'pod-2'])), 'id');
    index.delete('pod-2');
    expect(explicit.get('k')).toBeUndefined();
  });
});
