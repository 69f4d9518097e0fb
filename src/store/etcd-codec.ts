import type { IKeyValue } from 'etcd3';
import { stamp } from './encoded-event.js';
import type { StoredObject } from './types.js';

/** The root every store key starts with (keys.ts). */
const ROOT = '/registry';

/**
 * Maps the store's keys (`/registry/<resource>/...`) to etcd keys under `--etcd-prefix` as
 * kube-apiserver does (k8s.io/apiserver/pkg/storage/etcd3/store.go: `path.Join(pathPrefix, key)`
 * on the key without its `/registry`): with the default prefix `/registry` the two are equal.
 * Everything this store owns in etcd lies under `<prefix>/`.
 * @example
 * const keys = new EtcdKeys('/replica-set-a');
 * keys.toEtcd('/registry/pods/ns/a'); // '/replica-set-a/pods/ns/a'
 * keys.fromEtcd('/replica-set-a/pods/ns/a'); // '/registry/pods/ns/a'
 */
export class EtcdKeys {
  /** the etcd prefix that holds every key of this store, ending with `/` */
  readonly root: string;

  constructor(prefix: string) {
    const p = prefix.replace(/\/+$/, '');
    if (p !== '' && !p.startsWith('/')) throw new RangeError(`the etcd prefix must start with '/', got ${JSON.stringify(prefix)}`);
    this.root = `${p}/`;
  }

  toEtcd(key: string): string {
    if (!key.startsWith(`${ROOT}/`) || key.length === ROOT.length + 1) throw new RangeError(`a store key must start with '${ROOT}/<resource>', got ${JSON.stringify(key)}`);
    return this.root + key.slice(ROOT.length + 1);
  }

  /**
   * The prefix root itself (`<prefix>/`) is no object's key: the watch follower writes it to learn
   * when its watch has caught up after a reconnection (etcd-follower.ts), and lists skip it.
   */
  isProgressKey(etcdKey: Buffer | string): boolean {
    return etcdKey.toString() === this.root;
  }

  /**
   * Where replicas sharing this prefix say how far their watch has got (etcd-peers.ts):
   * `<prefix>/~peers/`. No resource is named `~peers` (resource names are DNS labels), so
   * these keys never collide with an object's.
   */
  get peersPrefix(): string {
    return `${this.root}~peers/`;
  }

  /** Keys this store keeps for itself (the progress key and the peers' keys): never objects. */
  isInternalKey(etcdKey: Buffer | string): boolean {
    const k = etcdKey.toString();
    return k === this.root || k.startsWith(this.peersPrefix);
  }

  fromEtcd(etcdKey: string): string {
    return `${ROOT}/${etcdKey.slice(this.root.length)}`;
  }

  /**
   * The etcd prefix holding every key that starts with the store prefix `prefix`, or undefined
   * when no key of this store can start with it.
   */
  rangeOf(prefix: string): string | undefined {
    if (prefix.startsWith(`${ROOT}/`)) return this.root + prefix.slice(ROOT.length + 1);
    return `${ROOT}/`.startsWith(prefix) ? this.root : undefined;
  }
}

/**
 * The bytes kept in etcd: the object as JSON without `metadata.resourceVersion`, which is the
 * etcd mod revision and is set on every read, as kube-apiserver's versioner does
 * (k8s.io/apiserver/pkg/storage/etcd3/store.go, `decode` and `PrepareObjectForStorage`).
 * The caller's object is not touched.
 * @example
 * encodeValue({ metadata: { name: 'a', resourceVersion: '7' } }); // '{"metadata":{"name":"a"}}'
 */
export function encodeValue(obj: StoredObject): string {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new TypeError(`a stored value must be a JSON object, got ${Array.isArray(obj) ? 'an array' : String(obj)}`);
  }
  const metadata: Record<string, unknown> = obj.metadata !== null && typeof obj.metadata === 'object' ? { ...obj.metadata } : {};
  delete metadata.resourceVersion;
  return JSON.stringify({ ...obj, metadata });
}

/**
 * An etcd value read back as an object stamped with `revision` (its mod revision, or for a
 * deletion the deletion's revision), plus that object's JSON for watch history.
 * @example
 * decodeValue(Buffer.from('{"metadata":{"name":"a"}}'), 9).object.metadata; // { name: 'a', resourceVersion: '9' }
 */
export function decodeValue(value: Buffer | string, revision: number): { object: StoredObject; json: string } {
  return stamp(JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as StoredObject, revision);
}

/**
 * An etcd int64 revision (a decimal string on the wire) as a number.
 * @example
 * revisionOf('42'); // 42
 */
export function revisionOf(value: string | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`etcd revision out of range: ${value}`);
  return n;
}

/**
 * The key and mod revision of a key-value pair, as the store names them.
 * @example
 * const { key, modRevision } = kvInfo(keys, kv);
 */
export function kvInfo(keys: EtcdKeys, kv: IKeyValue): { key: string; modRevision: number; created: boolean } {
  return { key: keys.fromEtcd(kv.key.toString('utf8')), modRevision: revisionOf(kv.mod_revision), created: kv.create_revision === kv.mod_revision };
}
