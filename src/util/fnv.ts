/**
 * FNV-1a, 32 bits (Go's hash/fnv `New32a`), continuing from `seed` (the offset basis by default).
 * @example
 * fnv32a(new TextEncoder().encode('a')); // 0xe40c292c
 */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}
