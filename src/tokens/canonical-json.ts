import { goJsonStringify } from '../util/go-json.js';

/**
 * JSON as go-jose writes a JWT payload: a map, so keys sorted at every level, integers as
 * integers, and `<`, `>`, `&`, U+2028, U+2029 escaped as Go's encoding/json does.
 * Reference: pkg/serviceaccount/jwt.go (claims merged through maps) and go-jose's json fork.
 */
export function canonicalJson(value: unknown): string {
  return goJsonStringify(sortKeys(value));
}

/**
 * `v` with the keys of every object sorted and undefined members left out. What is already so
 * (claims are built in that order) comes back as it is, without a copy.
 */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = sortKeys(v[i]);
      if (x !== v[i]) (out ??= [...v])[i] = x;
    }
    return out ?? v;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    let same = true;
    for (let i = 0; i < keys.length && same; i++) {
      const x = o[keys[i]!];
      same = (i === 0 || keys[i - 1]! < keys[i]!) && x !== undefined && sortKeys(x) === x;
    }
    if (same) return v;
    const out: Record<string, unknown> = {};
    for (const k of keys.sort()) {
      const x = o[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}
