import { isStatusError } from '../errors/index.js';
import { kindInfo, type ResourceInfo } from '../registry/kinds.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import { semanticEqual } from '../registry/semantic-equal.js';
import type { KubeObject } from '../registry/types.js';
import { controllerRefOf, newControllerRef } from './controller-ref.js';
import { computeHash, type PodTemplate } from './pod-template.js';

const REVISION = kindInfo('ControllerRevision', 'apps')!;
/** `ControllerRevisionHashLabel` on a ControllerRevision */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/** The `data` a StatefulSet or DaemonSet stores in its ControllerRevisions: the template, replacing. */
function revisionData(template: PodTemplate | undefined): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: 'replace' } } };
}

export interface Revision {
  /** `<owner>-<hash>`: the value of the pods' `controller-revision-hash` label */
  name: string;
  revision: number;
}

/**
 * The owner's ControllerRevisions (pkg/controller/history): `<owner>-<hash>` with the template
 * as `data`, the template's labels plus `controller.kubernetes.io/hash`, a controller reference
 * and a revision number one above the highest. An equal revision is reused, its number raised
 * to the newest when it is not the newest already (a rollback). Returns the current revision.
 */
export async function ensureRevision(registry: ObjectRegistry, owner: KubeObject, ownerInfo: ResourceInfo, template: PodTemplate | undefined, collisionCount = 0): Promise<Revision> {
  const ns = owner.metadata.namespace ?? '';
  const mine = registry.list(REVISION, ns).items.filter((r) => controllerRefOf(r)?.uid === owner.metadata.uid);
  const max = Math.max(0, ...mine.map((r) => Number((r as { revision?: number }).revision ?? 0)));
  const data = revisionData(template);
  const equal = mine.find((r) => semanticEqual((r as { data?: unknown }).data, data));
  if (equal) {
    const n = Number((equal as { revision?: number }).revision ?? 0);
    if (n === max) return { name: equal.metadata.name ?? '', revision: n };
    const next = structuredClone(equal) as KubeObject & { revision?: number };
    next.revision = max + 1;
    await registry.update(REVISION, ns, equal.metadata.name ?? '', next);
    return { name: equal.metadata.name ?? '', revision: max + 1 };
  }
  const hash = computeHash(template, collisionCount || undefined);
  const name = `${owner.metadata.name}-${hash}`;
  const revision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name, namespace: ns, labels: { ...(template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash }, ownerReferences: [newControllerRef(owner, ownerInfo)] },
    data,
    revision: max + 1,
  } as unknown as KubeObject;
  try {
    await registry.create(REVISION, ns, revision);
  } catch (e) {
    if (isStatusError(e) && e.reason === 'AlreadyExists') return ensureRevision(registry, owner, ownerInfo, template, collisionCount + 1);
    throw e;
  }
  return { name, revision: max + 1 };
}
