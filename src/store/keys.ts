/**
 * Storage keys in Kubernetes' etcd layout (k8s.io/apiserver/pkg/registry/generic/registry/store.go,
 * `NamespaceKeyFunc` and `NoNamespaceKeyFunc` under the `/registry` prefix):
 * `/registry/<resource>/<namespace>/<name>` for namespaced objects and `/registry/<resource>/<name>`
 * for cluster-scoped ones.
 */
const ROOT = '/registry';

/**
 * The key of one object. An empty or absent namespace means a cluster-scoped object.
 * Rejects segments that would change the layout: empty ones, `.`, `..`, and ones containing `/`
 * or `%` (as Kubernetes' path segment validation does).
 * @example
 * objectKey('serviceaccounts', 'default', 'builder'); // '/registry/serviceaccounts/default/builder'
 * objectKey('namespaces', undefined, 'team-a'); // '/registry/namespaces/team-a'
 */
export function objectKey(resource: string, namespace: string | undefined, name: string): string {
  segment('resource', resource);
  segment('name', name);
  if (!namespace) return `${ROOT}/${resource}/${name}`;
  segment('namespace', namespace);
  return `${ROOT}/${resource}/${namespace}/${name}`;
}

/**
 * The prefix under which `list` and `watch` find every object of a resource, or of a resource in
 * one namespace. It always ends with `/`, so namespace `a` does not also match namespace `ab`.
 * @example
 * prefixFor('pods'); // '/registry/pods/'
 * prefixFor('pods', 'a'); // '/registry/pods/a/'
 */
export function prefixFor(resource: string, namespace?: string): string {
  segment('resource', resource);
  if (!namespace) return `${ROOT}/${resource}/`;
  // a prefix only reads: a `%` in it (a namespace no object can have) finds nothing, as in etcd
  segment('namespace', namespace, ['/']);
  return `${ROOT}/${resource}/${namespace}/`;
}

/** k8s.io/apimachinery/pkg/api/validation/path/name.go: IsValidPathSegmentName. */
function segment(what: string, value: string, forbidden: readonly string[] = ['/', '%']): void {
  if (typeof value !== 'string' || value === '') throw new RangeError(`${what} may not be empty`);
  if (value === '.' || value === '..') throw new RangeError(`${what} may not be '${value}'`);
  for (const bad of forbidden) {
    if (value.includes(bad)) throw new RangeError(`${what} may not contain '${bad}': ${JSON.stringify(value)}`);
  }
}
