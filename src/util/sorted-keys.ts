/**
 * Deep key sorting, for what Go writes from maps (sorted keys: a JWT payload through go-jose) and
 * for comparing objects whatever their key order.
 */

/**
 * `v` with the keys of every object sorted and undefined members left out. What is already so
 * (claims are built in that order) comes back as it is, without a copy.
 * @example
 * JSON.stringify(sortKeys({ b: 1, a: { d: 2, c: undefined } })); // '{"a":{"d":2},"b":1}'
 */
export function sortKeys(v: unknown): unknown {
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
