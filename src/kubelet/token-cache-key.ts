import type { TokenRequest } from '../registry/types.js';
import { goQuote } from '../util/go-format.js';

/**
 * The token manager's cache key (`keyFunc` in pkg/kubelet/token/token_manager.go), formatted as Go's
 * `fmt.Sprintf("%q/%q/%#v/%#v/%#v", name, namespace, spec.audiences, exp, boundObjectRef)` so that the
 * error `token <key> expired and refresh failed: ...` reads as the kubelet's does:
 *
 * - audiences keep their order, and `null` (Go's `[]string(nil)`) differs from `[]` (`[]string{}`);
 * - `exp` is `spec.expirationSeconds`, or 0 when unset;
 * - the bound object reference is printed whole (all four fields, empty when absent);
 * - newest upstream also keys on the request's `metadata.uid` (the service account's UID), so a
 *   recreated service account misses the cache; appended here as `/%q` (empty on both sides still hits).
 *
 * Keys hold no secret and are safe to log.
 * @example
 * tokenCacheKey('default', 'ns', tr);
 * // '"default"/"ns"/[]string{"api"}/3607/v1.BoundObjectReference{Kind:"Pod", APIVersion:"v1", Name:"web", UID:"u1"}/""'
 */
export function tokenCacheKey(name: string, namespace: string, tr: TokenRequest): string {
  const spec = tr.spec ?? { audiences: null, expirationSeconds: null, boundObjectRef: null };
  const audiences = spec.audiences == null ? '[]string(nil)' : `[]string{${spec.audiences.map(goQuote).join(', ')}}`;
  const exp = spec.expirationSeconds ?? 0;
  const ref = spec.boundObjectRef ?? {};
  const refText =
    `v1.BoundObjectReference{Kind:${goQuote(ref.kind ?? '')}, APIVersion:${goQuote(ref.apiVersion ?? '')}, ` +
    `Name:${goQuote(ref.name ?? '')}, UID:${goQuote(ref.uid ?? '')}}`;
  return `${goQuote(name)}/${goQuote(namespace)}/${audiences}/${exp}/${refText}/${goQuote(tr.metadata?.uid ?? '')}`;
}
