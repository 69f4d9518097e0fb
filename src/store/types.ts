/**
 * A watchable key-value store with resourceVersions: the seam between satoken's registry and its
 * storage. Implemented by the memory store (library default), the embedded durable store (`serve`)
 * and, later, etcd. Values are JSON objects; the store stamps `metadata.resourceVersion` itself.
 *
 * Keys follow Kubernetes' etcd layout: `/registry/<resource>/<namespace>/<name>` for namespaced
 * objects and `/registry/<resource>/<name>` for cluster-scoped ones (`group.` prefixed resource
 * for non-core groups is not used: resource names are unique here).
 *
 * resourceVersions are decimal strings of one store-wide, strictly increasing revision counter
 * (as etcd's revision); every write gets a new one.
 */
export type StoredObject = { metadata: { resourceVersion?: string; [k: string]: unknown }; [k: string]: unknown };

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  key: string;
  /** the object after the change; for DELETED, the last state with the deletion's revision */
  object: StoredObject;
  /** the revision of this change */
  revision: number;
}

export interface ListResult {
  items: StoredObject[];
  /** the store revision at which the list was read */
  revision: number;
}

export interface Watch {
  stop(): void;
}

export interface WatchOptions {
  /** deliver events after this revision (exclusive). Omitted: only future events. */
  sinceRevision?: number;
}

/** Raised by implementations; the registry maps them to Kubernetes errors. */
export class StoreError extends Error {
  constructor(
    readonly code: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Unavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface KeyValueStore {
  /** current revision */
  revision(): number;
  get(key: string): Promise<StoredObject | undefined>;
  /** every object whose key starts with `prefix`, sorted by key */
  list(prefix: string): Promise<ListResult>;
  /** fails with AlreadyExists if the key exists */
  create(key: string, obj: StoredObject): Promise<StoredObject>;
  /**
   * Replaces the object. With `expectedRevision`, fails with Conflict unless the stored object's
   * resourceVersion equals it. Fails with NotFound if absent.
   */
  update(key: string, obj: StoredObject, expectedRevision?: string): Promise<StoredObject>;
  /** Removes the object and returns its last state. NotFound if absent; Conflict on a stale expectedRevision. */
  delete(key: string, expectedRevision?: string): Promise<StoredObject>;
  /**
   * Calls `handler` synchronously with every change under `prefix`, in revision order. With
   * `sinceRevision`, first replays retained changes after it (Gone if it has been compacted).
   */
  watch(prefix: string, handler: (e: WatchEvent) => void, opts?: WatchOptions): Watch;
  close(): Promise<void>;
  /**
   * Whether this store's watch is complete up to now. Stores whose watch can break (etcd)
   * implement it; the registry then stops trusting its watch-fed cache and reads live.
   */
  ready?(): boolean;
  /**
   * Other processes write to this store too (etcd, shared by replicas): a cache fed by this
   * process's watch may not hold their newest writes yet, so a miss in it proves nothing.
   */
  readonly shared?: boolean;
}
