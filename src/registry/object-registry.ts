import { randomUUID, randomInt } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { rfc3339 } from '../clock/index.js';
import { errors, StatusError } from '../errors/index.js';
import { objectKey, prefixFor } from '../store/keys.js';
import { goQuote } from '../util/go-format.js';
import { pathSegmentName } from '../util/name-validation.js';
import { type KeyValueStore, type Watch, type WatchEvent, StoreError } from '../store/types.js';
import type { Admission } from './admission.js';
import { ContinueTokenError, decodeContinue, encodeContinue } from './continue-token.js';
import { type Binding, boundPod, checkBinding } from './pod-binding.js';
import { type DeletePolicy, deletionFinalizers, sameFinalizers, validateDeletePolicy } from './deletion.js';
import { type ResourceInfo, RESOURCES, apiVersionOf, kindInfo } from './kinds.js';
import { prepareCreate, prepareStatusUpdate, prepareUpdate } from './lifecycle.js';
import { ContinueExpiredError, type Entry, ListSnapshots, takePage, tooLargeResourceVersion } from './pagination.js';
import { type Scale, scaleDecodeError, scaleOf, validateScale } from './scale.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { checkTypeMeta } from './type-meta.js';
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
  /** at most this many items, and a continue token when more remain (0 or absent: every item) */
  limit?: number;
  /** a token from a previous page's `continue`: resume after that page's last key */
  continue?: string;
  /**
   * The request's resourceVersion, only to refuse it next to `continue` as Kubernetes does
   * (`"0"` is tolerated); lists are otherwise served from the latest state, as before.
   */
  resourceVersion?: string;
}

/** A list's items and list metadata (`continue` and `remainingItemCount` only on a page that has more after it). */
export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  /** keys left after this page; only when no selector filtered the list, as in Kubernetes */
  remainingItemCount?: number;
}

export interface DeleteOptions extends RequestOptions, DeletePolicy {
  preconditions?: { uid?: string; resourceVersion?: string };
  /** DeleteOptions.gracePeriodSeconds, for kinds deleted gracefully (see {@link GracefulDeletion}) */
  gracePeriodSeconds?: number;
}

/**
 * A kind's `CheckGracefulDelete` (rest.RESTGracefulDeleteStrategy): the grace period in seconds
 * an object gets before it is removed, or undefined (or 0) to delete it at once. `requested` is
 * DeleteOptions.gracePeriodSeconds (negative values already read as 1). Installed by the
 * `kubernetes` revocation mode for pods (faults/graceful-deletion.ts); without it every object
 * is deleted at once.
 */
export type GracefulDeletion = (info: ResourceInfo, obj: KubeObject, requested: number | undefined) => number | undefined;

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

/**
 * The key prefix a list or watch reads. A namespace of `.` or `..` makes a key etcd3's
 * `store.prepareKey` refuses with a plain error, which kube-apiserver answers as a 500
 * (`Internal error occurred: invalid key: "/pods/."`); satoken answers the same.
 */
export function storagePrefix(info: ResourceInfo, namespace?: string): string {
  const ns = info.namespaced ? namespace : undefined;
  checkKeyNamespace(info, ns);
  return prefixFor(info.resource, ns);
}

/** etcd3's `prepareKey` on a key whose namespace segment is `.` or `..` (see {@link storagePrefix}). */
function checkKeyNamespace(info: ResourceInfo, ns: string | undefined, name?: string): void {
  if (ns === '.' || ns === '..') throw errors.internal(`invalid key: ${goQuote(`/${info.resource}/${ns}${name === undefined ? '' : `/${name}`}`)}`);
}

/**
 * genericregistry's `NamespaceKeyFunc` and `NoNamespaceKeyFunc`: a get, update, patch or delete
 * of no name (a TokenRequest's `boundObjectRef` without one), or of a name that cannot be a path
 * segment (`.`, `..`, or holding `/` or `%`), is a 400.
 */
function checkNameParameter(name: string): void {
  if (!name) throw errors.badRequest('Name parameter required.');
  const problems = pathSegmentName(name);
  if (problems.length) throw errors.badRequest(`Name parameter invalid: ${goQuote(name)}: ${problems.join(';')}`);
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
  /** the revision the cache was loaded at, and per resource the revision of its last change since */
  private loadedAt = 0;
  private readonly changedAt = new Map<string, number>();
  private readonly snapshots: ListSnapshots;
  private readonly admission: Admission | undefined;

  constructor(private readonly opts: { store: KeyValueStore; clock: Clock; admission?: Admission; gracefulDeletion?: GracefulDeletion }) {
    this.admission = opts.admission;
    this.snapshots = new ListSnapshots(opts.clock);
  }

  get store(): KeyValueStore {
    return this.opts.store;
  }

  /** Loads the cache and follows the store. */
  async start(): Promise<void> {
    const { items, revision } = await this.opts.store.list('/registry/');
    for (const o of items) this.cacheSet(keyOf(o as KubeObject), o as KubeObject);
    this.loadedAt = revision;
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

  /** The store's current revision (the resourceVersion of lists and bookmarks). */
  revision(): number {
    return this.opts.store.revision();
  }

  /** Whether the cache is known to hold every change (false while an etcd watch is broken). */
  inSync(): boolean {
    return this.opts.store.ready?.() ?? true;
  }

  /** Whether other processes write to the store too (replicas on etcd): then a cache miss may be a write not yet seen. */
  sharedStore(): boolean {
    return this.opts.store.shared === true;
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
    if (!o) {
      checkNameParameter(name);
      if (info.namespaced) checkKeyNamespace(info, namespace, name);
    }
    if (!o) throw errors.notFound(info.resource, name, info.group);
    return o;
  }

  /**
   * The objects of one resource (in one namespace, or all), sorted by storage key (namespace,
   * then name) as Kubernetes lists them, with the store's current revision as resourceVersion.
   *
   * With `limit` > 0 this is a page, cut as kube-apiserver's etcd3 store cuts one: at most
   * `limit` matching items; when any key follows the last of them, `continue` holds a token
   * (Kubernetes' encoding, see continue-token.ts) and, without selectors, `remainingItemCount`
   * the number of keys left. With selectors, pages are filled up to `limit` with matching items
   * and the last page may be empty.
   *
   * `continue` resumes after the previous page's last key. What the later pages show:
   * - Consistent, as Kubernetes: while the first page's list state is known, later pages are cut
   *   from it and report its resourceVersion, so objects created, changed or deleted meanwhile
   *   do not show (nor vanish). It is known when this registry kept a snapshot of it (every page
   *   with more after it keeps one, for five minutes of the registry's clock, 64 at most) or when
   *   no object of the resource has changed since that revision (then the current state is that
   *   state; this also lets another replica continue a list, if its cache was loaded by then).
   * - Otherwise (the snapshot expired, or lives in another process or died with a restart, and
   *   the resource changed or this process loaded its cache after that revision):
   *   410 Expired with Kubernetes' "too old to display a consistent list" message and, in the
   *   Status' `metadata.continue`, a token at revision -1. Such a token, like Kubernetes' own,
   *   resumes by key at the current state (an inconsistent list: changes made since the first
   *   page may show), and its pages report the current resourceVersion.
   * A token from a revision beyond the store's is a 504 (Too large resource version).
   * @example
   * const first = reg.list(kindInfo('ServiceAccount')!, 'default', { limit: 2 });
   * const next = reg.list(kindInfo('ServiceAccount')!, 'default', { limit: 2, continue: first.continue });
   */
  list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): ObjectList {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, info.kind);
    const prefix = storagePrefix(info, namespace);
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : 0;
    if (limit || opts.continue) return this.listPage(info, prefix, (o) => labels(o) && fields(o), limit, opts);
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

  private listPage(info: ResourceInfo, prefix: string, match: (o: KubeObject) => boolean, limit: number, opts: ListOptions): ObjectList {
    const current = this.opts.store.revision();
    let entries: readonly Entry[] | undefined;
    let rv = current;
    let start: string | undefined;
    if (opts.continue) {
      let token: { key: string; rv: number };
      try {
        token = decodeContinue(opts.continue, prefix);
      } catch (e) {
        if (e instanceof ContinueTokenError) throw errors.badRequest(`invalid continue token: ${e.message}`);
        throw e;
      }
      if (opts.resourceVersion && opts.resourceVersion !== '0') throw errors.badRequest('specifying resource version is not allowed when using continue');
      start = token.key;
      if (token.rv > current) throw tooLargeResourceVersion(token.rv, current);
      if (token.rv > 0) {
        rv = token.rv;
        entries = this.snapshots.get(prefix, rv);
        if (!entries && !this.unchangedSince(info, rv)) throw new ContinueExpiredError(encodeContinue(token.key, prefix, -1));
      }
    }
    entries ??= this.sortedEntries(info, prefix);
    const unfiltered = !opts.labelSelector?.trim() && !opts.fieldSelector?.trim();
    const page = takePage(entries, start, limit, match, unfiltered);
    const out: ObjectList = { items: page.items, resourceVersion: String(rv) };
    if (page.next !== undefined) {
      this.snapshots.put(prefix, rv, entries);
      out.continue = encodeContinue(page.next, prefix, rv);
      if (page.remaining !== undefined) out.remainingItemCount = page.remaining;
    }
    return out;
  }

  /** Whether the cache still holds the resource exactly as it was at revision `rv`. */
  private unchangedSince(info: ResourceInfo, rv: number): boolean {
    return rv >= this.loadedAt && (this.changedAt.get(info.resource) ?? 0) <= rv;
  }

  /** Every cached object under `prefix`, sorted by key. */
  private sortedEntries(info: ResourceInfo, prefix: string): Entry[] {
    const out: Entry[] = [];
    for (const [k, o] of this.cache.get(info.resource) ?? []) if (k.startsWith(prefix)) out.push([k, o]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  async create(info: ResourceInfo, namespace: string, input: KubeObject, opts: RequestOptions = {}): Promise<KubeObject> {
    const obj = this.prepare(info, namespace, input);
    if (obj.metadata.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${generateNameSuffix()}`;
    if (info.namespaced) this.checkNamespace(namespace, info);
    const strategy = strategyFor(info.kind);
    // the UID exists before PrepareForCreate, as in kube-apiserver (a Job's generated selector names it)
    obj.metadata.uid = randomUUID();
    strategy.prepareForCreate?.(obj);
    prepareCreate(info, obj);
    strategy.defaults?.(obj);
    await this.admission?.run({ operation: 'CREATE', resource: info, namespace, name: obj.metadata.name ?? obj.metadata.generateName ?? '', object: obj, oldObject: undefined, user: opts.user, dryRun: !!opts.dryRun });
    this.validate(info, obj, undefined);
    this.allocate(info, obj, undefined);
    const now = rfc3339(this.opts.clock.now());
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

  /**
   * Replaces an object (PUT). The stored status is kept and `metadata.generation` moves only when
   * the spec changes (lifecycle.ts); the kind's strategy defaults and validates the rest.
   */
  async update(info: ResourceInfo, namespace: string, name: string, input: KubeObject, opts: RequestOptions = {}): Promise<KubeObject> {
    return this.updateAs('', info, namespace, name, this.prepare(info, namespace, input), opts);
  }

  /**
   * Replaces the status of an object (PUT `/status`): only `status` (and the metadata the kind
   * lets `/status` change) is taken from `input`; the spec stays as stored. 404 for a kind
   * without a status subresource.
   * @example
   * await reg.updateStatus(kindInfo('Node')!, '', 'node-1', { ...node, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
   */
  async updateStatus(info: ResourceInfo, namespace: string, name: string, input: KubeObject, opts: RequestOptions = {}): Promise<KubeObject> {
    if (!info.status) throw errors.pageNotFound();
    return this.updateAs('status', info, namespace, name, this.prepare(info, namespace, input), opts);
  }

  /**
   * The autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet (GET `/scale`); 404 for a
   * kind without one.
   */
  getScale(info: ResourceInfo, namespace: string, name: string): Scale {
    if (!info.scale) throw errors.pageNotFound();
    const scale = scaleOf(this.get(info, namespace, name));
    if (!scale) throw errors.badRequest(`invalid label selector of ${info.resource}.${info.group} "${name}"`);
    return scale;
  }

  /**
   * Sets a workload's `spec.replicas` from a Scale (PUT `/scale`), as ScaleREST.Update does:
   * the Scale is validated (ValidateScale), its uid must match the object's, its resourceVersion
   * (when set) is the precondition; the workload is then updated as by PUT (its generation moves)
   * and the new Scale returned.
   */
  async updateScale(info: ResourceInfo, namespace: string, name: string, input: KubeObject, opts: RequestOptions = {}): Promise<Scale> {
    if (!info.scale) throw errors.pageNotFound();
    checkTypeMeta(input, 'Scale', 'autoscaling/v1', 'the body of the request was not a JSON object');
    const decodeError = scaleDecodeError(input.spec);
    if (decodeError) throw errors.badRequest(decodeError);
    const scale = structuredClone(input) as KubeObject;
    scale.metadata = scale.metadata && typeof scale.metadata === 'object' ? scale.metadata : {};
    if (scale.metadata.namespace && scale.metadata.namespace !== namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (scale.metadata.name && scale.metadata.name !== name) throw errors.badRequest(`the name of the object (${scale.metadata.name}) does not match the name on the URL (${name})`);
    scale.metadata.namespace = namespace;
    scale.metadata.name = name;
    const current = this.get(info, namespace, name);
    const errs = validateScale(scale);
    if (errs.length) throw errors.invalid('Scale', name, errs, 'autoscaling');
    if (scale.metadata.uid && scale.metadata.uid !== current.metadata.uid) {
      throw errors.conflict(`${info.resource}/scale`, name, `Precondition failed: UID in precondition: ${scale.metadata.uid}, UID in object meta: ${current.metadata.uid}`, info.group);
    }
    const next = structuredClone(current);
    const spec = (next.spec && typeof next.spec === 'object' ? next.spec : (next.spec = {})) as { replicas?: number };
    spec.replicas = (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0;
    next.metadata.resourceVersion = scale.metadata.resourceVersion ?? '';
    const updated = await this.updateAs('scale', info, namespace, name, next, opts);
    return scaleOf(updated)!;
  }

  /**
   * Binds a pod to a node (POST `pods/<name>/binding`, registry/pod-binding.ts): the Binding is
   * checked and admitted as a `pods/binding` CREATE, then the pod is updated in the store (no pod
   * validation runs: spec.nodeName changes only this way), retried on write conflicts.
   * @example
   * await reg.bind('default', 'web-1', { metadata: { name: 'web-1' }, target: { kind: 'Node', name: 'node-1' } });
   */
  async bind(namespace: string, name: string, input: KubeObject, opts: RequestOptions = {}): Promise<void> {
    const info = kindInfo('Pod')!;
    checkTypeMeta(input, 'Binding', 'v1', 'the body of the request was not a JSON object');
    const binding = structuredClone(input) as Binding;
    binding.metadata = binding.metadata && typeof binding.metadata === 'object' ? binding.metadata : {};
    if (binding.metadata.namespace && binding.metadata.namespace !== namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    binding.metadata.namespace = namespace;
    checkBinding(name, binding);
    await this.admission?.run({ operation: 'CREATE', resource: info, subresource: 'binding', namespace, name, object: binding, oldObject: undefined, user: opts.user, dryRun: !!opts.dryRun });
    for (let attempt = 0; ; attempt++) {
      const pod = await this.getLive(info, namespace, name);
      const next = boundPod(pod as never, binding, this.opts.clock.now());
      if (opts.dryRun) return;
      try {
        await this.opts.store.update(storageKey(info, namespace, name), next as never, pod.metadata.resourceVersion);
        return;
      } catch (e) {
        if (e instanceof StoreError && e.code === 'Conflict' && attempt < 5) continue;
        throw mapStoreError(e, info, name);
      }
    }
  }

  private async updateAs(subresource: '' | 'status' | 'scale', info: ResourceInfo, namespace: string, name: string, obj: KubeObject, opts: RequestOptions): Promise<KubeObject> {
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
    // rest.BeforeUpdate: an update can never remove the grace period seconds
    if (old.metadata.deletionGracePeriodSeconds !== undefined && obj.metadata.deletionGracePeriodSeconds === undefined) obj.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    const strategy = strategyFor(info.kind);
    if (subresource === 'status') {
      prepareStatusUpdate(info, obj, old);
    } else {
      strategy.prepareForUpdate?.(obj, old);
      strategy.defaults?.(obj);
      prepareUpdate(info, obj, old);
    }
    await this.admission?.run({ operation: 'UPDATE', resource: info, ...(subresource ? { subresource } : {}), namespace, name, object: obj, oldObject: old, user: opts.user, dryRun: !!opts.dryRun });
    if (subresource === 'status') this.validateStatus(info, obj, old);
    else {
      this.validate(info, obj, old);
      this.allocate(info, obj, old);
    }
    if (opts.dryRun) return obj;
    try {
      // the last finalizer of an object being deleted is gone: the update deletes it (store.go shouldDeleteDuringUpdate)
      if (old.metadata.deletionTimestamp && !obj.metadata.finalizers?.length) {
        await this.opts.store.delete(storageKey(info, namespace, name), expected || undefined);
        return obj;
      }
      return (await this.opts.store.update(storageKey(info, namespace, name), obj as never, expected || undefined)) as KubeObject;
    } catch (e) {
      throw mapStoreError(e, info, name);
    }
  }

  /**
   * Deletes an object (DELETE). The propagation policy (registry/deletion.ts) may leave finalizers
   * on it: then it only gets its `deletionTimestamp` and stays until the last finalizer is removed
   * (by the garbage collector, or whoever set it); {@link isBeingDeleted} tells the two apart.
   */
  async delete(info: ResourceInfo, namespace: string, name: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    validateDeletePolicy(opts);
    const old = this.get(info, namespace, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw errors.conflict(info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`, info.group);
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(info.resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`, info.group);
    }
    await this.admission?.run({ operation: 'DELETE', resource: info, namespace, name, object: undefined, oldObject: old, user: opts.user, dryRun: !!opts.dryRun });
    const graceful = this.opts.gracefulDeletion ? this.gracefulDeletion(info, old, opts.gracePeriodSeconds) : undefined;
    if (graceful) {
      if (opts.dryRun || graceful === 'pending') return graceful === 'pending' ? old : graceful;
      try {
        return (await this.opts.store.update(storageKey(info, namespace, name), graceful as never, old.metadata.resourceVersion)) as KubeObject;
      } catch (e) {
        throw mapStoreError(e, info, name);
      }
    }
    if (opts.dryRun) return old;
    if (info.kind === 'Namespace') await this.deleteNamespaceContent(name);
    else {
      const finalizers = deletionFinalizers(info, old.metadata, opts);
      if (finalizers.length) return this.markDeleting(info, namespace, name, old, finalizers);
    }
    try {
      return (await this.opts.store.delete(storageKey(info, namespace, name), pre.resourceVersion)) as KubeObject;
    } catch (e) {
      throw mapStoreError(e, info, name);
    }
  }

  /**
   * rest.BeforeDelete for a kind deleted gracefully (staging/src/k8s.io/apiserver/pkg/registry/
   * rest/delete.go, and Store.Delete's use of it):
   * - an object already being deleted: with no grace period left (nil or 0) it goes now; a
   *   shorter requested period moves its deletionTimestamp earlier (0: it goes now); anything
   *   else leaves it as it is ('pending': the answer is the object unchanged);
   * - otherwise the kind's policy decides: no grace (or 0) deletes now; a grace period sets
   *   `deletionTimestamp` = now + grace, `deletionGracePeriodSeconds` = grace, and bumps a
   *   generation > 0. The object stays until someone deletes it with grace 0 (the kubelet).
   * Returns the object to write, 'pending', or undefined to delete at once.
   */
  private gracefulDeletion(info: ResourceInfo, old: KubeObject, requestedRaw: number | undefined): KubeObject | 'pending' | undefined {
    // negative grace periods are read as 1 s on the delete path
    const requested = requestedRaw !== undefined && requestedRaw < 0 ? 1 : requestedRaw;
    const meta = old.metadata;
    const next = (deletionTimestampMs: number, grace: number, bump: boolean): KubeObject => {
      const o = structuredClone(old);
      o.metadata.deletionTimestamp = rfc3339(deletionTimestampMs);
      o.metadata.deletionGracePeriodSeconds = grace;
      if (bump && (o.metadata.generation ?? 0) > 0) o.metadata.generation = (o.metadata.generation ?? 0) + 1;
      return o;
    };
    if (meta.deletionTimestamp) {
      const current = meta.deletionGracePeriodSeconds;
      if (current === undefined || current <= 0) return undefined;
      if (requested === undefined || requested >= current) return 'pending';
      if (requested === 0) return undefined;
      return next(Date.parse(meta.deletionTimestamp) - current * 1000 + requested * 1000, requested, false);
    }
    const grace = this.opts.gracefulDeletion!(info, old, requested);
    if (!grace || grace <= 0) return undefined;
    return next(this.opts.clock.now() + grace * 1000, grace, true);
  }

  /** The deletion of an object that keeps finalizers: its deletionTimestamp set (once), the finalizers as the policy says. */
  private async markDeleting(info: ResourceInfo, namespace: string, name: string, old: KubeObject, finalizers: string[]): Promise<KubeObject> {
    if (old.metadata.deletionTimestamp && sameFinalizers(old.metadata.finalizers, finalizers)) return old;
    const next = structuredClone(old);
    next.metadata.finalizers = finalizers;
    if (!next.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = rfc3339(this.opts.clock.now());
      next.metadata.deletionGracePeriodSeconds = 0;
    }
    try {
      return (await this.opts.store.update(storageKey(info, namespace, name), next as never, old.metadata.resourceVersion)) as KubeObject;
    } catch (e) {
      throw mapStoreError(e, info, name);
    }
  }

  /** Whether the object is still there, waiting for its finalizers (a DELETE answered 202). */
  isBeingDeleted(info: ResourceInfo, namespace: string | undefined, name: string): boolean {
    return !!this.peek(info, namespace, name)?.metadata.deletionTimestamp;
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
    this.changedAt.set(info.resource, Math.max(this.changedAt.get(info.resource) ?? 0, e.revision));
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
    const apiVersion = apiVersionOf(info);
    checkTypeMeta(input, info.kind, apiVersion, 'the body of the request was not a JSON object');
    const obj = structuredClone(input);
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

  /** The REST storage's allocation after validation (a Service's cluster IP and node ports). */
  private allocate(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): void {
    const strategy = strategyFor(info.kind);
    if (!strategy.allocate) return;
    const errs = strategy.allocate(obj, old, () => this.list(info, undefined).items);
    if (errs.length) throw errors.invalid(info.kind, obj.metadata.name ?? '', errs, info.group);
  }

  /** ValidateXStatusUpdate: the metadata, and the status where the kind's strategy checks it. */
  private validateStatus(info: ResourceInfo, obj: KubeObject, old: KubeObject): void {
    const strategy = strategyFor(info.kind);
    const errs = validateObjectMeta(obj.metadata, info.namespaced, strategy.nameValidator);
    errs.push(...(strategy.validateStatusUpdate?.(obj, old) ?? []));
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
