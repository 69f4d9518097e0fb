import { goJsonStringify } from '../util/go-json.js';

/**
 * JSON as go-jose writes a JWT payload: a map, so keys sorted at every level, integers as
 * integers, and `<`, `>`, `&`, U+2028, U+2029 escaped as Go's encoding/json does.
 * Reference: pkg/serviceaccount/jwt.go (claims merged through maps) and go-jose's json fork.
 */
export function canonicalJson(value: unknown): string {
  return goJsonStringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}
