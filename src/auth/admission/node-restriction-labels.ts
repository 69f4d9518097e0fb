/**
 * Which Node labels a kubelet may set (plugin/pkg/admission/noderestriction/admission.go
 * `getModifiedLabels` / `getForbiddenLabels`, with k8s.io/kubelet/pkg/apis/well_known_labels.go):
 * - never `node-restriction.kubernetes.io/` (or a subdomain of it);
 * - of the `kubernetes.io` and `k8s.io` namespaces (and their subdomains) only the kubelet's own
 *   labels and the `kubelet.kubernetes.io` / `node.kubernetes.io` namespaces;
 * - anything else freely.
 */

/** `kubeletapis.KubeletLabels()`. */
export const KUBELET_LABELS: readonly string[] = [
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'beta.kubernetes.io/os',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'kubernetes.io/arch',
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'node.kubernetes.io/instance-type',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
];

/** `kubeletapis.KubeletLabelNamespaces()`. */
export const KUBELET_LABEL_NAMESPACES: readonly string[] = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

const NODE_RESTRICTION_NAMESPACE = 'node-restriction.kubernetes.io';

/** The prefix before `/`, or "" for a key without one. */
function labelNamespace(key: string): string {
  return key.slice(0, Math.max(key.indexOf('/'), 0));
}

/** `namespace` is `domain` or a subdomain of it. */
function within(namespace: string, domain: string): boolean {
  return namespace === domain || namespace.endsWith(`.${domain}`);
}

/** `kubeletapis.IsKubeletLabel`. */
export function isKubeletLabel(key: string): boolean {
  return KUBELET_LABELS.includes(key) || KUBELET_LABEL_NAMESPACES.some((ns) => within(labelNamespace(key), ns));
}

/** A label map, or an empty one for anything else (a missing or malformed `metadata.labels`). */
function labelMap(m: unknown): Record<string, unknown> {
  return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : {};
}

/**
 * The keys added, removed or changed between two label maps (missing maps are empty).
 * @example
 * modifiedLabels({ a: '1', b: '2' }, { a: '2', c: '3' }); // ['a', 'b', 'c']
 */
export function modifiedLabels(a: unknown, b: unknown): string[] {
  const x = labelMap(a);
  const y = labelMap(b);
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  // a key missing on one side reads there as undefined (or an Object.prototype member), never as a label value
  return [...keys].filter((k) => x[k] !== y[k]).sort();
}

/**
 * The labels among `keys` a node may not add, remove or change, sorted.
 * @example
 * forbiddenLabels(['kubernetes.io/hostname', 'other.k8s.io/foo']); // ['other.k8s.io/foo']
 */
export function forbiddenLabels(keys: readonly string[]): string[] {
  return keys
    .filter((k) => {
      const ns = labelNamespace(k);
      if (within(ns, NODE_RESTRICTION_NAMESPACE)) return true;
      return (within(ns, 'kubernetes.io') || within(ns, 'k8s.io')) && !isKubeletLabel(k);
    })
    .sort();
}
