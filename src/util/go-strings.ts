const SURROGATE = /[\ud800-\udfff]/;

/**
 * Go's string order (`a < b` on strings, as `sort.Strings` and encoding/json's map keys use it):
 * by UTF-8 bytes, which is code-point order. UTF-16 code units agree with it except that a
 * surrogate (half of a code point above U+FFFF) sorts after U+E000–U+FFFF; no bytes are copied.
 * @example
 * ['b', 'a', 'B'].sort(compareGoStrings); // ['B', 'a', 'b']
 * compareGoStrings('\uffff', '😀'); // < 0 (JavaScript's own order puts the emoji first)
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  // without surrogates, UTF-16 order is Go's: the engine's own comparison, far cheaper than a loop
  // (sortedExtra runs on every review answered from the cache)
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
