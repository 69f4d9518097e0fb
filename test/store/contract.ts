import { afterEach } from 'vitest';
import type { KeyValueStore } from '../../src/store/types.js';
import type { HandlerErrorReporter } from '../../src/store/watch-hub.js';
import { crudContract } from './contract-crud.js';
import { modelContract } from './contract-model.js';
import { watchContract } from './contract-watch.js';

/**
 * The options both stores take; `historySize` lets Gone be tested without 10,000 writes.
 * @example
 * await ctx.open({ historySize: 3 });
 */
export interface ContractStoreOptions {
  historySize?: number;
  onHandlerError?: HandlerErrorReporter;
}

/**
 * Makes a fresh, empty store with these options.
 * @example
 * const factory: StoreFactory = async (opts) => new MemoryStore(opts);
 */
export type StoreFactory = (opts?: ContractStoreOptions) => Promise<KeyValueStore>;

/**
 * What the contract suites share: a store opener that closes, after each test, what it opened.
 * @example
 * const s = await ctx.open();
 */
export interface ContractContext {
  open(opts?: ContractStoreOptions): Promise<KeyValueStore>;
}

/**
 * Registers the KeyValueStore contract (src/store/types.ts) for one implementation: CRUD and
 * error codes, resourceVersions, copy isolation, lists and prefixes, optimistic concurrency, and
 * watches (order, synchronous delivery, replay, Gone, isolation of throwing handlers).
 * Call it inside a `describe` of the implementation's test file.
 * @example
 * describe('MemoryStore', () => storeContract(async (o) => new MemoryStore(o)));
 */
export function storeContract(factory: StoreFactory): void {
  const opened: KeyValueStore[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  });
  const ctx: ContractContext = {
    async open(opts) {
      const s = await factory(opts);
      opened.push(s);
      return s;
    },
  };
  crudContract(ctx);
  watchContract(ctx);
  modelContract(ctx);
}
