/**
 * Strict unpadded base64url, as Go's base64.RawURLEncoding in strict mode: no padding, only the
 * URL-safe alphabet, and no stray bits in the last character. A token whose segments are not
 * canonical is rejected, so that no two strings are the same token.
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function decodeBase64Url(s: string): Buffer | undefined {
  if (!ALPHABET.test(s) || s.length % 4 === 1) return undefined;
  const buf = Buffer.from(s, 'base64url');
  return buf.toString('base64url') === s ? buf : undefined;
}

export function encodeBase64Url(b: Buffer | string): string {
  return (typeof b === 'string' ? Buffer.from(b, 'utf8') : b).toString('base64url');
}
