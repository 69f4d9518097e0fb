/**
 * Where two JSON objects differ under `apiequality.Semantic.DeepEqual` (registry/semantic-equal.ts
 * answers whether they do): an empty list or map equals a missing one, as Go's nil and empty
 * slices and maps do. The paths serve messages and checks that let some fields change.
 */

/** null, undefined, [] and {} are all "unset". */
function unset(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);
}

/**
 * The paths (`metadata.labels.team`, `spec.taints[0].key`, `.` for the root) where two JSON
 * values differ semantically, sorted by key within each map; empty when they are equal. A map
 * compared with a missing value is compared with an empty map (a zero struct), key by key.
 * @example
 * semanticDiff({ spec: { taints: [] } }, { spec: {} }); // []
 * semanticDiff({ a: 1 }, { a: 2 }); // ['a']
 */
export function semanticDiff(a: unknown, b: unknown, path = ''): string[] {
  if (unset(a) && unset(b)) return [];
  const here = [path || '.'];
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return here;
    return a.flatMap((x, i) => semanticDiff(x, b[i], `${path}[${i}]`));
  }
  if (typeof a === 'object' || typeof b === 'object') {
    // null never gets past here: unset, it reads as {}
    const x = (unset(a) ? {} : a) as Record<string, unknown>;
    const y = (unset(b) ? {} : b) as Record<string, unknown>;
    if (typeof x !== 'object' || typeof y !== 'object') return here;
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
    return keys.flatMap((k) => semanticDiff(x[k], y[k], path ? `${path}.${k}` : k));
  }
  return Object.is(a, b) ? [] : here;
}
