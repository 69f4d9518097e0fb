/**
 * apimachinery's `equality.Semantic.DeepEqual` on JSON values: deep equality in which an empty
 * list or map equals an absent one (Go's nil and empty slices and maps compare equal there).
 * Strategies use it to decide whether an update changed `spec` (and so bumps `metadata.generation`).
 * @example
 * semanticEqual({ a: [], b: 1 }, { b: 1 }); // true
 * semanticEqual({ replicas: 0 }, {}); // false: a pointer set to 0 is not a nil pointer
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => semanticEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!semanticEqual(ao[k], bo[k])) return false;
  return true;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}
