/**
 * The store seam: the {@link KeyValueStore} interface, its two implementations and Kubernetes' key
 * layout. Internals (event encoding, history ring, watch dispatch, sqlite schema) stay private.
 * @example
 * import { MemoryStore, objectKey, prefixFor } from './store/index.js';
 * const store = new MemoryStore();
 * await store.create(objectKey('serviceaccounts', 'default', 'builder'), { metadata: { name: 'builder' } });
 * (await store.list(prefixFor('serviceaccounts', 'default'))).items.length; // 1
 */
export {
  StoreError,
  type KeyValueStore,
  type ListResult,
  type StoredObject,
  type Watch,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from './types.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { EtcdStore, type EtcdStoreOptions } from './etcd-store.js';
export { DEFAULT_PEER_ACK_TIMEOUT_MS, type PeerLag } from './etcd-peers.js';
export { elect, type Election, type ElectionOptions } from './etcd-lease.js';
export { objectKey, prefixFor } from './keys.js';
export { DEFAULT_HISTORY_SIZE } from './event-history.js';
export type { HandlerErrorReporter } from './watch-hub.js';
