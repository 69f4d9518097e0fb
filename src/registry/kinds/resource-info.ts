/**
 * What satoken knows of one served resource: its names (as discovery lists them), its verbs, and
 * the semantics kube-apiserver's REST storage gives it that do not depend on the object's content
 * (the status subresource, `metadata.generation`, the scale subresource).
 * IMPORTANT: one group per file beside this one (core.ts, apps.ts, …); registry/kinds.ts composes them.
 */
export interface SubresourceInfo {
  name: string;
  /** the group, version and kind the subresource answers (`token` → authentication.k8s.io/v1 TokenRequest) */
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/**
 * The status subresource, as the kind's strategies in kube-apiserver define it:
 * - PrepareForCreate resets `status` to {@link StatusRules.initial} (the Go zero value as its JSON
 *   encoding reads, plus what defaulting adds, e.g. PVC `phase: Pending`);
 * - the main resource's PrepareForUpdate keeps the stored `status`;
 * - `/status` keeps the stored `spec` (and the metadata fields in `keepMetadata`), so it changes
 *   only the status (and labels, annotations... where the kind lets it).
 */
export interface StatusRules {
  /** status on create; absent: the kind keeps what the client sent (Node) or its strategy sets it (Pod) */
  initial?: Record<string, unknown>;
  /** metadata fields `/status` takes from the stored object (Deployment: labels; Pod: ownerReferences) */
  keepMetadata?: ReadonlyArray<'labels' | 'annotations' | 'ownerReferences'>;
}

export interface ResourceInfo {
  /** plural, as in URLs: `serviceaccounts` */
  resource: string;
  singular: string;
  kind: string;
  /** the list kind; empty for create-only kinds, which are never stored */
  listKind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  /** discovery categories (`all` makes `kubectl get all` include the kind) */
  categories?: string[];
  /** subresources served, with the kind they answer, sorted by name (as apiserver's installer sorts paths) */
  subresources: SubresourceInfo[];
  /** the status subresource (see {@link StatusRules}); absent for kinds without one */
  status?: StatusRules;
  /**
   * `metadata.generation`: 1 on create, +1 on an update that changes `spec` (and, for Deployment,
   * the annotations, which the controller copies to its ReplicaSets). Absent: the kind has none.
   */
  generation?: 'spec' | 'spec+annotations';
  /** the scale subresource (autoscaling/v1 Scale over `spec.replicas`, `status.replicas`, `spec.selector`) */
  scale?: boolean;
}

export const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

export interface KindOptions {
  shortNames?: string[];
  categories?: string[];
  status?: StatusRules;
  generation?: ResourceInfo['generation'];
  scale?: boolean;
  /** subresources other than status and scale (serviceaccounts/token) */
  extraSubresources?: SubresourceInfo[];
  singular?: string;
}

/**
 * A stored kind with every CRUD verb, its subresource list derived from `status` and `scale`.
 * @example
 * kind('apps', 'v1', 'deployments', 'Deployment', true, { shortNames: ['deploy'], status: {}, scale: true });
 */
export function kind(group: string, version: string, resource: string, kindName: string, namespaced: boolean, o: KindOptions = {}): ResourceInfo {
  const subresources: SubresourceInfo[] = [...(o.extraSubresources ?? [])];
  if (o.scale) subresources.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: STATUS_VERBS });
  if (o.status) subresources.push({ name: 'status', group, version, kind: kindName, verbs: STATUS_VERBS });
  subresources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const info: ResourceInfo = {
    resource,
    singular: o.singular ?? kindName.toLowerCase(),
    kind: kindName,
    listKind: `${kindName}List`,
    group,
    version,
    namespaced,
    shortNames: o.shortNames ?? [],
    verbs: CRUD,
    subresources,
  };
  if (o.categories) info.categories = o.categories;
  if (o.status) info.status = o.status;
  if (o.generation) info.generation = o.generation;
  if (o.scale) info.scale = true;
  return info;
}

/**
 * A create-only kind answered in place and never stored (no list, so `listKind` is empty).
 * @example
 * review('authentication.k8s.io', 'tokenreviews', 'TokenReview', false);
 */
export function review(group: string, resource: string, kindName: string, namespaced: boolean): ResourceInfo {
  return { resource, singular: resource.slice(0, -1), kind: kindName, listKind: '', group, version: 'v1', namespaced, shortNames: [], verbs: ['create'], subresources: [] };
}
