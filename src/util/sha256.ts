import * as nodeCrypto from 'node:crypto';

type Encoding = 'base64' | 'base64url' | 'hex';
type OneShot = (algorithm: string, data: string, encoding: Encoding) => string;

/** node:crypto's one-shot `hash` (Node ≥ 20.12, ~1.5× faster than a createHash chain on short input). */
const oneShot = (nodeCrypto as unknown as { hash?: OneShot }).hash;

/**
 * SHA-256 of a string's UTF-8 bytes, encoded. The hot paths (review-cache keys, static-token
 * look-ups) hash every bearer token they see.
 * @example
 * sha256('abc', 'hex'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256(data: string, encoding: Encoding): string {
  return oneShot ? oneShot('sha256', data, encoding) : nodeCrypto.createHash('sha256').update(data).digest(encoding);
}
