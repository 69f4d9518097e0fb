import { describe } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.js';
import { storeContract } from './contract.js';

describe('MemoryStore', () => {
  storeContract(async (opts) => new MemoryStore(opts));
});
