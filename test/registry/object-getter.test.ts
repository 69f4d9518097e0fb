import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { kindInfo } from '../../src/registry/kinds.js';
import { registryGetter } from '../../src/registry/object-getter.js';
import { ObjectRegistry } from '../../src/registry/object-registry.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { KeyValueStore, WatchEvent } from '../../src/store/types.js';

const SA = kindInfo('ServiceAccount')!;

/**
 * A store other processes write to (as replicas share etcd), whose watch reaches this process
 * late: events are held until `release()`. `writeElsewhere` stands for another replica's write.
 */
class LaggingSharedStore implements KeyValueStore {
  readonly shared = true;
  private held: Array<() => void> = [];
  private lagging = false;
  constructor(private readonly inner = new MemoryStore()) {}
  revision = () => this.inner.revision();
  get = (key: string) => this.inner.get(key);
  list = (prefix: string) => this.inner.list(prefix);
  create = (key: string, obj: Parameters<KeyValueStore['create']>[1]) => this.inner.create(key, obj);
  update = (key: string, obj: Parameters<KeyValueStore['update']>[1], rv?: string) => this.inner.update(key, obj, rv);
  delete = (key: string, rv?: string) => this.inner.delete(key, rv);
  close = () => this.inner.close();
  watch(prefix: string, handler: (e: WatchEvent) => void, opts?: Parameters<KeyValueStore['watch']>[2]) {
    return this.inner.watch(prefix, (e) => (this.lagging ? this.held.push(() => handler(e)) : handler(e)), opts);
  }
  async writeElsewhere(key: string, obj: Parameters<KeyValueStore['create']>[1]): Promise<void> {
    this.lagging = true;
    await this.inner.create(key, obj);
  }
  release(): void {
    this.lagging = false;
    for (const deliver of this.held.splice(0)) deliver();
  }
}

describe('registryGetter on a store other replicas write to', () => {
  let store: LaggingSharedStore;
  let registry: ObjectRegistry;
  beforeEach(async () => {
    store = new LaggingSharedStore();
    registry = new ObjectRegistry({ store, clock: new ManualClock(Date.parse('2026-12-04T00:00:00Z')) });
    await registry.start();
  });
  afterEach(() => store.close());

  const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'fresh', namespace: 'default', uid: '7f9f6a0e-2b1c-4c55-9d1e-3a0b5c6d7e8f', resourceVersion: '1', creationTimestamp: '2026-12-04T00:00:00Z' } };

  it('reads an object its cache has not seen yet from the store, as kube-apiserver\'s getter falls back to a live GET', async () => {
    await store.writeElsewhere('/registry/serviceaccounts/default/fresh', account);
    expect(registry.peek(SA, 'default', 'fresh')).toBeUndefined();
    const got = await registryGetter(registry).getServiceAccount('default', 'fresh');
    expect((got as typeof account).metadata.uid).toBe(account.metadata.uid);
    store.release();
    expect(registry.peek(SA, 'default', 'fresh')?.metadata.uid).toBe(account.metadata.uid);
  });

  it('still answers NotFound for what the store does not hold either, and a bad name as before', async () => {
    await expect(Promise.resolve().then(() => registryGetter(registry).getServiceAccount('default', 'absent'))).rejects.toMatchObject({ code: 404 });
    expect(() => registryGetter(registry).getServiceAccount('default', '..')).toThrow(expect.objectContaining({ code: 400 }));
  });
});

describe('registryGetter on a store this process alone writes to', () => {
  it('answers a miss from the cache at once (nothing is read through)', async () => {
    const store = new MemoryStore();
    const registry = new ObjectRegistry({ store, clock: new ManualClock(0) });
    await registry.start();
    expect(() => registryGetter(registry).getServiceAccount('default', 'absent')).toThrow(expect.objectContaining({ code: 404 }));
    await store.close();
  });
});
