import { isStatusError } from '../errors/index.js';
import { apiVersionOf, type ResourceInfo } from '../registry/kinds.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import type { KubeObject, OwnerReference } from '../registry/types.js';

/**
 * Owner references as the workload controllers use them (apimachinery metav1
 * `NewControllerRef`, `GetControllerOf`; pkg/controller/controller_ref_manager.go).
 */

/**
 * `metav1.NewControllerRef`: a reference to `owner` with `controller` and `blockOwnerDeletion` set.
 * @example
 * newControllerRef(deployment, kindInfo('Deployment')!);
 * // { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: '…', controller: true, blockOwnerDeletion: true }
 */
export function newControllerRef(owner: KubeObject, info: ResourceInfo): OwnerReference {
  return { apiVersion: apiVersionOf(info), kind: info.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** `metav1.GetControllerOf`: the owner reference with `controller: true`, if any. */
export function controllerRefOf(o: KubeObject): OwnerReference | undefined {
  const refs = o.metadata.ownerReferences;
  return Array.isArray(refs) ? refs.find((r) => r?.controller === true) : undefined;
}

/** Whether `o` is controlled by the object with uid `ownerUid`. */
export function isControlledBy(o: KubeObject, ownerUid: string | undefined): boolean {
  return !!ownerUid && controllerRefOf(o)?.uid === ownerUid;
}

/**
 * `ControllerRefManager.ClaimObjects`: which of `candidates` (objects of `kind`, in the owner's
 * namespace) the owner keeps, adopting and releasing on the way:
 * - owned by another controller: ignored;
 * - owned by this one: kept while the selector matches, else released (its reference removed),
 *   unless the owner is being deleted;
 * - an orphan that matches, while neither it nor the owner is being deleted: adopted (the
 *   owner's controller reference added, preconditioned on the orphan's uid and version).
 * Objects gone meanwhile are skipped; another write in between fails the claim (the caller retries).
 * @example
 * const pods = await claimObjects(registry, rs, RS, POD, (p) => selectorMatches(sel, p.metadata.labels), candidates);
 */
export async function claimObjects(registry: ObjectRegistry, owner: KubeObject, ownerInfo: ResourceInfo, kind: ResourceInfo, match: (o: KubeObject) => boolean, candidates: readonly KubeObject[]): Promise<KubeObject[]> {
  const claimed: KubeObject[] = [];
  const ownerUid = owner.metadata.uid;
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  for (const o of candidates) {
    const ref = controllerRefOf(o);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (match(o)) {
        claimed.push(o);
        continue;
      }
      if (ownerDeleting) continue;
      await tolerateGone(setOwnerReferences(registry, kind, o, (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid)));
      continue;
    }
    if (ownerDeleting || !match(o) || o.metadata.deletionTimestamp || o.metadata.namespace !== owner.metadata.namespace) continue;
    const adopted = await tolerateGone(setOwnerReferences(registry, kind, o, [...(o.metadata.ownerReferences ?? []), newControllerRef(owner, ownerInfo)]));
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

/** Writes `o` with other owner references (an update preconditioned on its resourceVersion). */
async function setOwnerReferences(registry: ObjectRegistry, kind: ResourceInfo, o: KubeObject, refs: OwnerReference[]): Promise<KubeObject> {
  const next = structuredClone(o);
  if (refs.length) next.metadata.ownerReferences = refs;
  else delete next.metadata.ownerReferences;
  return registry.update(kind, o.metadata.namespace ?? '', o.metadata.name ?? '', next);
}

async function tolerateGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isStatusError(e) && e.reason === 'NotFound') return undefined;
    throw e;
  }
}
