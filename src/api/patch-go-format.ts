import { GoNumber } from '../util/go-json-parse.js';

/**
 * How kube-apiserver's patch errors print the patch or the patched object:
 * - {@link goSprintV}: Go's `fmt.Sprintf("%+v", map[string]interface{})` (strategic merge patches):
 *   `map[k:v …]` with keys sorted, `[a b]` for slices, strings bare, `<nil>` for null;
 * - {@link goJsonSorted}: `json.Marshal` of the patched document with map keys sorted (JSON and
 *   merge patches; evanphx/json-patch holds documents as Go maps).
 */

/**
 * Go's `%+v` of a decoded JSON value.
 * @example
 * goSprintV({ spec: { b: 1, a: 'x' } }); // 'map[spec:map[a:x b:1]]'
 */
export function goSprintV(v: unknown): string {
  const parts: string[] = [];
  const work: Array<unknown> = [v];
  while (work.length) {
    const x = work.pop();
    if (typeof x === 'symbol') {
      parts.push(x.description ?? '');
      continue;
    }
    if (x === null || x === undefined) parts.push('<nil>');
    else if (x instanceof GoNumber) parts.push(goFloat(Number(x.text), x.text));
    else if (typeof x === 'number') parts.push(goFloat(x, String(x)));
    else if (typeof x === 'string' || typeof x === 'boolean') parts.push(String(x));
    else if (Array.isArray(x)) {
      const seq: unknown[] = [Symbol('['), ...x.flatMap((e, i) => (i ? [Symbol(' '), e] : [e])), Symbol(']')];
      for (let i = seq.length - 1; i >= 0; i--) work.push(seq[i]);
    } else {
      const obj = x as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      const seq: unknown[] = [Symbol('map[')];
      keys.forEach((k, i) => seq.push(Symbol(`${i ? ' ' : ''}${k}:`), obj[k]));
      seq.push(Symbol(']'));
      for (let i = seq.length - 1; i >= 0; i--) work.push(seq[i]);
    }
  }
  return parts.join('');
}

/** A JSON number as `%v` prints it: an int64 (integers stay ints, PreserveInts) or a float64 ('g', shortest). */
function goFloat(n: number, text: string): string {
  if (/^-?\d+$/.test(text)) return text;
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 6) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(n);
}

/**
 * `json.Marshal` of a JSON document whose objects are Go maps: keys sorted at every level,
 * `<`, `>`, `&` escaped as Go escapes them.
 * @example
 * goJsonSorted({ b: 1, a: '<' }); // '{"a":"\\u003c","b":1}'
 */
export function goJsonSorted(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (x instanceof GoNumber) return Number(x.text);
    if (Array.isArray(x)) return x.map(sorted);
    if (typeof x !== 'object' || x === null) return x;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) Object.defineProperty(out, k, { value: sorted((x as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    return out;
  };
  return JSON.stringify(sorted(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
