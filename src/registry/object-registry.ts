import { randomUUID, randomInt } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { rfc3339 } from '../clock/index.js';
import { errors, StatusError } from '../errors/index.js';
import { objectKey, prefixFor } from '../store/keys.js';
import { type KeyValueStore, type Watch, type WatchEvent, StoreError } from '../store/types.js';
import { type AdmissionPlugin, runAdmission } from './admission.js';
import { type ResourceInfo, RESOURCES, apiVersionOf, kindInfo } from './kinds.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { KubeObject, UserInfo } from './types.js';
import { strategyFor } from './validation/strategies.js';
import { validateObjectMeta } from './validation/object-meta.js';

export interface RequestOptions {
  dryRun?: boolean;
  user?: UserInfo;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions extends RequestOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface RegistryEvent {
  type: WatchEvent['type'];
  resource: ResourceInfo;
  object: KubeObject;
  /** for MODIFIED, the state before */
  old: KubeObject | undefined;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator: generateName + 5 random characters. */
export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return s;
}

/** The object's key in Kubernetes' etcd layout (throws RangeError for names that cannot be keys). */
export function storageKey(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return objectKey(info.resource, info.namespaced ? namespace : undefined, name);
}

export function storagePrefix(info: ResourceInfo, namespace?: string): string {
  return prefixFor(info.resource, info.namespaced ? namespace : undefined);
}

const byStoragePrefix = new Map(RESOURCES.map((r) => [r.resource, r]));

function resourceOfKey(key: string): ResourceInfo | undefined {
  return byStoragePrefix.get(key.split('/')[2] ?? '');
}

/**
 * Typed objects over a {@link KeyValueStore}: names, UIDs, timestamps, validation, defaulting,
 * admission, and an informer-style cache fed synchronously by the store's watch, so reads are
 * map look-ups and every observer has seen a change before the call that made it returns.
 * @example
 * const reg = new ObjectRegistry({ store: new MemoryStore(), clock: new RealClock() });
 * await reg.start();
 * await reg.create(kindInfo('Namespace')!, '', { metadata: { name: 'team-a' } });
 */
export class ObjectRegistry {
  /** resource → key → object; lists scan one resource, never the whole cache */
  private readonly cache = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<(e: RegistryEvent) => void>();
  private storeWatch: Watch | undefined;
  readonly admission: AdmissionPlugin[];

  constructor(private readonly opts: { store: KeyValueStore; clock: Clock; admission?: AdmissionPlugin[] }) {
    this.admission = opts.admission ?? [];
  }

  get store(): KeyValueStore {
    return this.opts.store;
  }

  /** Loads the cache and follows the store. */
  async start(): Promise<void> {
    const { items, revision } = await this.opts.store.list('/registry/');
    for (const o of items) this.cacheSet(keyOf(o as KubeObject), o as KubeObject);
    this.storeWatch = this.opts.store.watch('/registry/', (e) => this.apply(e), { sinceRevision: revision });
  }

  stop(): void {
    this.storeWatch?.stop();
  }

  /** Subscribes to every change, delivered synchronously as the store applies it. */
  onEvent(fn: (e: RegistryEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The cached object (do not mutate it), or undefined. */
  peek(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    let key: string;
    try {
      key = storageKey(info, namespace, name);
    } catch {
      return undefined; // a name that cannot be a key names nothing
    }
    return this.cache.get(info.resource)?.get(key);
  }

  /** Whether the cache is known to hold every change (false while an etcd watch is broken). */
  inSync(): boolean {
    return this.opts.store.ready?.() ?? true;
  }

  /** Reads through to the store, bypassing the cache (used while the cache is not in sync). */
  async getLive(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    let key: string;
    try {
      key = storageKey(info, namespace, name);
    } catch {
      throw errors.notFound(info.resource, name, info.group);
    }
    let o: KubeObject | undefined;
    try {
      o = (await this.opts.store.get(key)) as KubeObject | undefined;
    } catch (e) {
      throw mapStoreError(e, info, name);
    }
    if (!o) throw errors.notFound(info.resource, name, info.group);
    return o;
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const o = this.peek(info, namespace, name);
    if (!o) throw errors.notFound(info.resource, name, info.group);
    return o;
  }

  list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): { items: KubeObject[]; resourceVersion: string } {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, info.kind);
    const prefix = storagePrefix(info, namespace);
    const items: KubeObject[] = [];
    const keys: string[] = [];
    for (const [k, o] of this.cache.get(info.resource) ?? []) {
      if (k.startsWith(prefix) && labels(o) && fields(o)) {
        items.push(o);
        keys.push(k);
      }
    }
    if (items.length > 1) {
      const order = items.map((o, i) => [keys[i]!, o] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return { items: order.map(([, o]) => o), resourceVersion: String(this.opts.store.revision()) };
    }
    return { items, resourceVersion: String(this.opts.store.revision()) };
  }

  async create(info: ResourceInfo, namespace: string, input: KubeObject, opts: RequestOptions = {}): Promise<KubeObject> {
    const obj = this.prepare(info, namespace, input);
    if (obj.metadata.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${generateNameSuffix()}`;
    if (info.namespaced) this.checkNamespace(namespace, info);
    const strategy = strategyFor(info.kind);
    strategy.prepareForCreate?.(obj);
    strategy.defaults?.(obj);
    await runAdmission(this.admission, { operation: 'CREATE', resource: info, namespace, name: obj.metadata.name ?? obj.metadata.generateName ?? '', object: obj, oldObject: undefined, user: opts.user, dryRun: !!opts.dryRun });
    this.validate(info, obj, undefined);
    const now = rfc3339(this.opts.clock.now());
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = now;
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.selfLink;
    if (opts.dryRun) {
      if (this.peek(info, namespace, obj.metadata.name!)) throw errors.alreadyExists(info.resource, obj.metadata.name!, info.group);
      return obj;
    }
    try {
      return (await this.opts.store.create(storageKey(info, namespace, obj.metadata.name!), obj as never)) as KubeObject;
    } catch (e) {
      throw mapStoreError(e, info, obj.metadata.name!);
    }
  }

  async update(info: ResourceInfo, namespace: string, name: string, input: KubeObject, opts: RequestOptions = {}): Promise<KubeObject> {
    const obj = this.prepare(info, namespace, input);
    if (obj.metadata.name && obj.metadata.name !== name) throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    obj.metadata.name = name;
    const old = this.get(info, namespace, name);
    if (obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) {
      throw errors.conflict(info.resource, name, `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${old.metadata.uid}`, info.group);
    }
    const expected = obj.metadata.resourceVersion;
    obj.metadata.uid = old.metadata.uid;
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    const strategy = strategyFor(info.kind);
    strategy.prepareForUpdate?.(obj, old);
    strategy.defaults?.(obj);
    await runAdmission(this.admission, { operation: 'UPDATE', resource: info, namespace, name, object: obj, oldObject: old, user: opts.user, dryRun: !!opts.dryRun });
    this.validate(info, obj, old);
    if (opts.dryRun) return obj;
    try {
      return (await this.opts.store.update(storageKey(info, namespace, name), obj as never, expected || undefined)) as KubeObject;
    } catch (e) {
      throw mapStoreError(e, info, name);
    }
  }

  async delete(info: ResourceInfo, namespace: string, name: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    const old = this.get(info, namespace, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw errors.conflict(info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`, info.group);
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(info.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`, info.group);
    }
    await runAdmission(this.admission, { operation: 'DELETE', resource: info, namespace, name, object: undefined, oldObject: old, user: opts.user, dryRun: !!opts.dryRun });
    if (opts.dryRun) return old;
    if (info.kind === 'Namespace') await this.deleteNamespaceContent(name);
    try {
      return (await this.opts.store.delete(storageKey(info, namespace, name), pre.resourceVersion)) as KubeObject;
    } catch (e) {
      throw mapStoreError(e, info, name);
    }
  }

  /** Watches one resource, optionally from a resourceVersion (replaying what followed it). */
  watch(info: ResourceInfo, namespace: string | undefined, handler: (e: RegistryEvent) => void, opts: ListOptions & { sinceRevision?: number } = {}): Watch {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, info.kind);
    try {
      return this.opts.store.watch(
        storagePrefix(info, namespace),
        (e) => {
          const o = e.object as KubeObject;
          if (labels(o) && fields(o)) handler({ type: e.type, resource: info, object: o, old: undefined });
        },
        opts.sinceRevision !== undefined ? { sinceRevision: opts.sinceRevision } : {},
      );
    } catch (e) {
      if (e instanceof StoreError && e.code === 'Gone') throw errors.gone(e.message);
      throw e;
    }
  }

  private cacheSet(key: string, obj: KubeObject): void {
    const resource = key.split('/')[2] ?? '';
    let m = this.cache.get(resource);
    if (!m) this.cache.set(resource, (m = new Map()));
    m.set(key, obj);
  }

  private apply(e: WatchEvent): void {
    const info = resourceOfKey(e.key);
    if (!info) return;
    const obj = e.object as KubeObject;
    const old = this.cache.get(info.resource)?.get(e.key);
    if (e.type === 'DELETED') this.cache.get(info.resource)?.delete(e.key);
    else this.cacheSet(e.key, obj);
    const ev: RegistryEvent = { type: e.type, resource: info, object: obj, old };
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch {
        // a broken listener must not stop the others; listeners log their own failures
      }
    }
  }

  /** Fills kind/apiVersion from the URL (the Python client sends neither) and checks they match. */
  private prepare(info: ResourceInfo, namespace: string, input: KubeObject): KubeObject {
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw errors.badRequest('the body of the request was not a JSON object');
    const obj = structuredClone(input);
    const apiVersion = apiVersionOf(info);
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== info.kind) {
      throw errors.badRequest(kindMismatch(obj, info));
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== apiVersion) {
      throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`);
    }
    obj.kind = info.kind;
    obj.apiVersion = apiVersion;
    obj.metadata = obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {};
    if (info.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private validate(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): void {
    const strategy = strategyFor(info.kind);
    const errs = validateObjectMeta(obj.metadata, info.namespaced, strategy.nameValidator);
    errs.push(...(strategy.validate?.(obj) ?? []));
    if (old) errs.push(...(strategy.validateUpdate?.(obj, old) ?? []));
    if (errs.length) throw errors.invalid(info.kind, obj.metadata.name ?? '', errs, info.group);
  }

  private checkNamespace(namespace: string, info: ResourceInfo): void {
    if (!namespace) throw errors.badRequest('namespace is required');
    const ns = this.peek(kindInfo('Namespace')!, undefined, namespace);
    if (!ns) throw errors.notFound('namespaces', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw errors.forbidden(info.resource, '', `unable to create new content in namespace ${namespace} because it is being terminated`, info.group);
    }
  }

  private async deleteNamespaceContent(namespace: string): Promise<void> {
    for (const info of RESOURCES) {
      if (!info.namespaced) continue;
      for (const o of this.list(info, namespace).items) {
        await this.opts.store.delete(storageKey(info, namespace, o.metadata.name!)).catch(() => undefined);
      }
    }
  }
}

function kindMismatch(obj: KubeObject, info: ResourceInfo): string {
  return `the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind})`;
}

function keyOf(o: KubeObject): string {
  const info = kindInfo(String(o.kind));
  try {
    return info ? storageKey(info, o.metadata.namespace, o.metadata.name ?? '') : '';
  } catch {
    return '';
  }
}

function mapStoreError(e: unknown, info: ResourceInfo, name: string): unknown {
  if (e instanceof StatusError || !(e instanceof StoreError)) return e;
  switch (e.code) {
    case 'NotFound':
      return errors.notFound(info.resource, name, info.group);
    case 'AlreadyExists':
      return errors.alreadyExists(info.resource, name, info.group);
    case 'Conflict':
      return errors.conflict(info.resource, name, 'the object has been modified; please apply your changes to the latest version and try again', info.group);
    case 'Gone':
      return errors.gone(e.message);
    default:
      return errors.serviceUnavailable(e.message);
  }
}
