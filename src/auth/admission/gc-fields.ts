/**
 * `IsOnlyMutatingGCFields` (pkg/registry/rbac/helpers.go) with apimachinery's semantic equality:
 * an update that changes nothing but what the garbage collector and the server manage may pass
 * the RBAC escalation check, so the GC can always finish deleting roles and bindings.
 */
import type { KubeObject } from '../../registry/types.js';

const STOMPED = ['ownerReferences', 'finalizers', 'selfLink', 'managedFields'] as const;

/**
 * The value with what Go's `equality.Semantic.DeepEqual` does not tell apart removed: absent,
 * null, empty lists and empty maps are all "unset".
 */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(normalize) : undefined;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, normalize(x)] as const)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return v === null ? undefined : v;
}

/**
 * True when `obj` differs from `old` at most in ownerReferences, finalizers, selfLink and
 * managedFields; false when there is no old object.
 * @example
 * isOnlyMutatingGCFields({ ...old, metadata: { ...old.metadata, finalizers: [] } }, old); // true
 */
export function isOnlyMutatingGCFields(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!old) return false;
  const copied = structuredClone(obj);
  const meta: Record<string, unknown> = { ...(copied.metadata ?? {}) };
  for (const field of STOMPED) {
    if (old.metadata?.[field] === undefined) delete meta[field];
    else meta[field] = old.metadata[field];
  }
  copied.metadata = meta;
  return JSON.stringify(normalize(copied)) === JSON.stringify(normalize(old));
}
