import { isStatusError } from '../errors/index.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type DeletionPropagation } from '../registry/deletion.js';
import { kindInfo, parseApiVersion, RESOURCES, type ResourceInfo } from '../registry/kinds.js';
import type { ObjectRegistry, RegistryEvent } from '../registry/object-registry.js';
import type { KubeObject, OwnerReference } from '../registry/types.js';
import { Controller } from './controller.js';

/** One object in the graph: where it is. */
interface Item {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
}

/**
 * The garbage collector for owner references (pkg/controller/garbagecollector): a graph of
 * owners and dependents kept from the registry's events, and for each object it is asked about:
 * - an object being deleted with the `orphan` finalizer: its dependents lose their references
 *   to it, then the finalizer goes (and with it the object);
 * - one being deleted with `foregroundDeletion`: its dependents are deleted (those that hold
 *   `blockOwnerDeletion` references to it being waited for), then the finalizer goes;
 * - a dependent: its owners are solid (present, same uid, not deleting in foreground),
 *   dangling (absent or another uid) or waiting (deleting in foreground). With a solid owner it
 *   only drops its references to the others; without one it is deleted: in the foreground when
 *   an owner waits for it and it has dependents itself, else as its own finalizers say
 *   (orphan, foreground) or in the background.
 * Owners of kinds satoken does not serve count as solid: they cannot be checked.
 * @example
 * const gc = new GarbageCollector(registry); gc.start();
 * await registry.delete(kindInfo('Deployment')!, 'default', 'web', { propagationPolicy: 'Foreground' });
 */
export class GarbageCollector extends Controller {
  readonly name = 'garbage-collector';
  /** owner uid → keys of the objects that reference it */
  private readonly dependents = new Map<string, Set<string>>();
  /** key → the owner uids it references */
  private readonly ownersOf = new Map<string, string[]>();
  /** uid → key, for the objects that exist */
  private readonly byUid = new Map<string, string>();
  private readonly items = new Map<string, Item>();

  constructor(registry: ObjectRegistry, onError?: (controller: string, key: string, err: unknown) => void) {
    super(registry, onError);
  }

  protected initialKeys(): string[] {
    const keys: string[] = [];
    for (const info of RESOURCES) {
      for (const o of this.registry.list(info, undefined).items) {
        const key = this.index(info, o, false);
        if (interesting(o)) keys.push(key);
      }
    }
    return keys;
  }

  protected keysFor(e: RegistryEvent): string[] {
    const o = e.object;
    const deleted = e.type === 'DELETED';
    const key = this.index(e.resource, o, deleted);
    const keys = new Set<string>();
    if (!deleted && interesting(o)) keys.add(key);
    const uid = o.metadata.uid ?? '';
    // the dependents of an owner that went, or that began a foreground deletion
    if (deleted || deletingInForeground(o)) for (const d of this.dependents.get(uid) ?? []) keys.add(d);
    // owners waiting in the foreground for a dependent that went or let go of them
    const before = new Set((e.old?.metadata.ownerReferences ?? []).map((r) => r.uid));
    const after = new Set(deleted ? [] : (o.metadata.ownerReferences ?? []).map((r) => r.uid));
    for (const u of [...before, ...(deleted ? (o.metadata.ownerReferences ?? []).map((r) => r.uid) : [])]) {
      if (after.has(u) && !deleted) continue;
      const ownerKey = this.byUid.get(u);
      if (ownerKey) keys.add(ownerKey);
    }
    return [...keys];
  }

  /** Keeps the graph in step with one object; returns its key. */
  private index(info: ResourceInfo, o: KubeObject, deleted: boolean): string {
    const ns = info.namespaced ? o.metadata.namespace : undefined;
    const key = `${info.group}/${info.resource}/${ns ?? ''}/${o.metadata.name ?? ''}`;
    for (const u of this.ownersOf.get(key) ?? []) {
      const set = this.dependents.get(u);
      set?.delete(key);
      if (set && set.size === 0) this.dependents.delete(u);
    }
    this.ownersOf.delete(key);
    const uid = o.metadata.uid ?? '';
    if (deleted) {
      if (this.byUid.get(uid) === key) this.byUid.delete(uid);
      this.items.delete(key);
      return key;
    }
    this.items.set(key, { info, namespace: ns, name: o.metadata.name ?? '' });
    if (uid) this.byUid.set(uid, key);
    const owners = (o.metadata.ownerReferences ?? []).map((r) => r?.uid).filter((u): u is string => !!u);
    if (owners.length) {
      this.ownersOf.set(key, owners);
      for (const u of owners) {
        let set = this.dependents.get(u);
        if (!set) this.dependents.set(u, (set = new Set()));
        set.add(key);
      }
    }
    return key;
  }

  protected async reconcile(key: string): Promise<void> {
    const item = this.items.get(key);
    if (!item) return;
    const o = this.registry.peek(item.info, item.namespace, item.name);
    if (!o) return;
    if (o.metadata.deletionTimestamp) {
      const finalizers = o.metadata.finalizers ?? [];
      if (finalizers.includes(ORPHAN_FINALIZER)) return this.orphanDependents(item, o);
      if (finalizers.includes(FOREGROUND_FINALIZER)) return this.deleteDependents(item, o);
      return;
    }
    const refs = o.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const state = this.ownerState(item, ref);
      (state === 'solid' ? solid : state === 'dangling' ? dangling : waiting).push(ref);
    }
    if (!dangling.length && !waiting.length) return;
    if (solid.length) {
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      return this.write(item, o, (next) => {
        next.metadata.ownerReferences = refs.filter((r) => !drop.has(r.uid));
      });
    }
    let policy: DeletionPropagation = 'Background';
    if (waiting.length && this.dependents.get(o.metadata.uid ?? '')?.size) policy = 'Foreground';
    else if ((o.metadata.finalizers ?? []).includes(ORPHAN_FINALIZER)) policy = 'Orphan';
    else if ((o.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) policy = 'Foreground';
    await this.remove(item, o, policy);
  }

  /** Whether an owner reference points at a present owner, a missing one, or one deleting in the foreground. */
  private ownerState(item: Item, ref: OwnerReference): 'solid' | 'dangling' | 'waiting' {
    const { group, version } = parseApiVersion(ref.apiVersion);
    const info = kindInfo(ref.kind, group);
    if (!info || info.version !== version) return 'solid';
    if (info.namespaced && !item.info.namespaced) return 'dangling';
    const owner = this.registry.peek(info, info.namespaced ? item.namespace : undefined, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) return 'dangling';
    return deletingInForeground(owner) ? 'waiting' : 'solid';
  }

  /** The orphan finalizer's work: the dependents let go of the owner, then the finalizer goes. */
  private async orphanDependents(item: Item, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    for (const dk of [...(this.dependents.get(uid) ?? [])]) {
      const dep = this.items.get(dk);
      const o = dep && this.registry.peek(dep.info, dep.namespace, dep.name);
      if (!dep || !o) continue;
      await this.write(dep, o, (next) => {
        const refs = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (refs.length) next.metadata.ownerReferences = refs;
        else delete next.metadata.ownerReferences;
      });
    }
    await this.dropFinalizer(item, owner, ORPHAN_FINALIZER);
  }

  /**
   * `processDeletingDependentsItem`: while dependents block the owner (their reference has
   * blockOwnerDeletion), they are deleted; once none is left, the finalizer goes.
   */
  private async deleteDependents(item: Item, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    let blocking = 0;
    for (const dk of [...(this.dependents.get(uid) ?? [])]) {
      const dep = this.items.get(dk);
      const o = dep && this.registry.peek(dep.info, dep.namespace, dep.name);
      if (!dep || !o) continue;
      if ((o.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true)) blocking++;
      this.queue.add(dk);
    }
    if (blocking === 0) await this.dropFinalizer(item, owner, FOREGROUND_FINALIZER);
  }

  private async dropFinalizer(item: Item, o: KubeObject, finalizer: string): Promise<void> {
    await this.write(item, o, (next) => {
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    });
  }

  /** An update of the cached object; gone is done, a conflict retries (the queue runs the key again). */
  private async write(item: Item, o: KubeObject, change: (next: KubeObject) => void): Promise<void> {
    const next = structuredClone(o);
    change(next);
    try {
      await this.registry.update(item.info, item.namespace ?? '', item.name, next);
    } catch (e) {
      if (isStatusError(e) && e.reason === 'NotFound') return;
      throw e;
    }
  }

  private async remove(item: Item, o: KubeObject, propagationPolicy: DeletionPropagation): Promise<void> {
    try {
      await this.registry.delete(item.info, item.namespace ?? '', item.name, { propagationPolicy, preconditions: { uid: o.metadata.uid ?? '' } });
    } catch (e) {
      if (isStatusError(e) && e.reason === 'NotFound') return;
      throw e;
    }
  }
}

/** Whether the object needs the collector: it has owners, or a deletion finalizer of the collector's. */
function interesting(o: KubeObject): boolean {
  if (o.metadata.ownerReferences?.length) return true;
  const f = o.metadata.finalizers ?? [];
  return !!o.metadata.deletionTimestamp && (f.includes(ORPHAN_FINALIZER) || f.includes(FOREGROUND_FINALIZER));
}

function deletingInForeground(o: KubeObject): boolean {
  return !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER);
}
