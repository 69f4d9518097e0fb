/**
 * `apiequality.Semantic.DeepEqual` over JSON objects: like a deep equality, except that an
 * empty list or map equals a missing one (Go's `Equalities.DeepEqual` treats nil and empty
 * slices and maps alike, and a JSON field left out decodes to nil). Also lists the paths that
 * differ, for messages.
 */

/** null, undefined, [] and {} are all "unset". */
function unset(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/**
 * The paths (`metadata.labels.team`, `spec.taints[0]`) where two JSON values differ
 * semantically; empty when they are equal.
 * @example
 * semanticDiff({ spec: { taints: [] } }, { spec: {} }); // []
 * semanticDiff({ a: 1 }, { a: 2 }); // ['a']
 */
export function semanticDiff(a: unknown, b: unknown, path = ''): string[] {
  if (unset(a) && unset(b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [path || '.'];
    return a.flatMap((x, i) => semanticDiff(x, b[i], `${path}[${i}]`));
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) || isObj(b)) {
    if (!isObj(a) || !isObj(b)) return [path || '.'];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => semanticDiff(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return Object.is(a, b) ? [] : [path || '.'];
}

/**
 * @example
 * semanticEqual([], undefined); // true
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return semanticDiff(a, b).length === 0;
}
