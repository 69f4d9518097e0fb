/**
 * The lists a strategic merge patch merges instead of replacing, from the `patchStrategy:"merge"`
 * and `patchMergeKey` struct tags of k8s.io/api 1.33 (core/v1, apps/v1, batch/v1, policy/v1) and
 * apimachinery meta/v1 types.go. The OpenAPI the schemas are generated from carries them as
 * x-kubernetes-patch-* extensions, which the generated models drop; hence this table, keyed by
 * the schema's struct name and the list's JSON field. Lists not named here are atomic: a patch
 * replaces them whole (tolerations, RBAC rules, envFrom, …), as Kubernetes does.
 */

/** struct.field → the merge key of a list of objects. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  'V1ObjectMeta.ownerReferences': 'uid',
  'V1PodSpec.volumes': 'name',
  'V1PodSpec.initContainers': 'name',
  'V1PodSpec.containers': 'name',
  'V1PodSpec.ephemeralContainers': 'name',
  'V1PodSpec.imagePullSecrets': 'name',
  'V1PodSpec.hostAliases': 'ip',
  'V1PodSpec.topologySpreadConstraints': 'topologyKey',
  'V1PodSpec.resourceClaims': 'name',
  'V1PodSpec.schedulingGates': 'name',
  'V1Container.ports': 'containerPort',
  'V1Container.env': 'name',
  'V1Container.volumeMounts': 'mountPath',
  'V1Container.volumeDevices': 'devicePath',
  'V1EphemeralContainer.ports': 'containerPort',
  'V1EphemeralContainer.env': 'name',
  'V1EphemeralContainer.volumeMounts': 'mountPath',
  'V1EphemeralContainer.volumeDevices': 'devicePath',
  'V1PodStatus.conditions': 'type',
  'V1PodStatus.podIPs': 'ip',
  'V1PodStatus.hostIPs': 'ip',
  'V1PodStatus.resourceClaimStatuses': 'name',
  'V1NodeStatus.conditions': 'type',
  'V1NodeStatus.addresses': 'type',
  'V1NamespaceStatus.conditions': 'type',
  'V1PersistentVolumeClaimStatus.conditions': 'type',
  'V1ServiceAccount.secrets': 'name',
  'V1ServiceSpec.ports': 'port',
  'V1ServiceStatus.conditions': 'type',
  'V1DeploymentStatus.conditions': 'type',
  'V1ReplicaSetStatus.conditions': 'type',
  'V1StatefulSetStatus.conditions': 'type',
  'V1DaemonSetStatus.conditions': 'type',
  'V1JobStatus.conditions': 'type',
  'V1PodDisruptionBudgetStatus.conditions': 'type',
};

/** struct.field → lists of scalars that merge as sets (`patchStrategy:"merge"` without a key). */
const PRIMITIVE_MERGE_LISTS = new Set(['V1ObjectMeta.finalizers', 'V1NodeSpec.podCIDRs']);

/**
 * The merge key of a list field, or undefined when the list is atomic.
 * @example
 * mergeKeyOf('V1PodSpec', 'containers'); // 'name'
 * mergeKeyOf('V1PodSpec', 'tolerations'); // undefined
 */
export function mergeKeyOf(struct: string, field: string): string | undefined {
  const k = `${struct}.${field}`;
  return Object.hasOwn(MERGE_KEYS, k) ? MERGE_KEYS[k] : undefined;
}

/**
 * Whether a list of scalars merges as a set (finalizers).
 * @example
 * isPrimitiveMergeList('V1ObjectMeta', 'finalizers'); // true
 */
export function isPrimitiveMergeList(struct: string, field: string): boolean {
  return PRIMITIVE_MERGE_LISTS.has(`${struct}.${field}`);
}
