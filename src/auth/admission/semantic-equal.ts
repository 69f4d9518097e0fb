/**
 * `apiequality.Semantic.DeepEqual` over JSON objects: like a deep equality, except that an
 * empty list or map equals a missing one (Go's `Equalities.DeepEqual` treats nil and empty
 * slices and maps alike, and a JSON field left out decodes to nil or a zero struct). Also lists
 * the paths that differ, for messages and for checks that allow some fields to change.
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

/**
 * @example
 * semanticEqual([], undefined); // true
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return semanticDiff(a, b).length === 0;
}
