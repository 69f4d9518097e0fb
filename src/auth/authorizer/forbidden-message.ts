/**
 * The 403 kube-apiserver sends when no authorizer allows a request
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go `Forbidden`,
 * wrapped by apimachinery's `NewForbidden`):
 * - `User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"` (or
 *   `at the cluster scope`); `User "u" cannot get path "/x"` for non-resource requests;
 *   `&`, `<`, `>` HTML-escaped;
 * - the authorizer's reason, if any, appended after `: ` as is;
 * - prefixed `pods "name" is forbidden: `, `pods is forbidden: `, `roles.rbac.authorization.k8s.io ...`,
 *   or just `forbidden: ` when there is no resource.
 * IMPORTANT: src/api/authorization.ts and src/api/impersonation.ts render their 403s; keep them
 * on these functions so every denial reads the same.
 */
import { StatusError } from '../../errors/index.js';
import { goQuote } from '../../util/go-format.js';
import type { Attributes } from './types.js';

function sanitize(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The sentence that says who cannot do what (Go's `forbiddenMessage`), before sanitising.
 * @example
 * denialMessage(attrs); // 'User "alice" cannot list resource "pods" in API group "" in the namespace "default"'
 */
export function denialMessage(a: Attributes): string {
  const user = goQuote(a.user.username ?? '');
  if (!a.resourceRequest) return `User ${user} cannot ${a.verb} path ${goQuote(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${goQuote(a.namespace)}` : 'at the cluster scope';
  return `User ${user} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(a.apiGroup)} ${scope}`;
}

/**
 * The whole `message` of the 403 Status for `a`, with the authorizers' `reason` appended.
 * @example
 * forbiddenMessage(attrs, 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
 * // 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default": RBAC: clusterrole...'
 */
export function forbiddenMessage(a: Attributes, reason = ''): string {
  const msg = sanitize(denialMessage(a));
  const why = reason ? `${msg}: ${reason}` : msg;
  const group = a.resourceRequest ? a.apiGroup : '';
  const resource = a.resourceRequest ? a.resource : '';
  if (!group && !resource) return `forbidden: ${why}`;
  const qualified = group ? `${resource}.${group}` : resource;
  return a.name ? `${qualified} ${goQuote(a.name)} is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
}

/**
 * The 403 as a {@link StatusError}: reason Forbidden, details name, group and kind (the
 * resource, without the subresource), as `apierrors.NewForbidden` fills them; a non-resource
 * request gets an empty `details: {}`, as kube-apiserver sends it.
 * @example
 * throw forbiddenError(attrs, decision.reason);
 */
export function forbiddenError(a: Attributes, reason = ''): StatusError {
  const details = a.resourceRequest ? { name: a.name, group: a.apiGroup, kind: a.resource } : { name: '', group: '', kind: '' };
  return new StatusError(403, 'Forbidden', forbiddenMessage(a, reason), details);
}
