import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * The key id Kubernetes puts in a token's `kid` header (`keyIDFromPublicKey`,
 * pkg/serviceaccount/jwt.go): the public key DER-encoded as PKIX SubjectPublicKeyInfo, hashed
 * with SHA-256, base64url without padding (43 characters). Not the RFC 7638 thumbprint.
 * A private key yields the id of its public half.
 * IMPORTANT: tokens/ and the JWKS (keys/jwks.ts) must agree on this id; both take it from here.
 * @example
 * const kid = keyIdFromPublicKey(createPublicKey(pem)); // 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU'
 */
export function keyIdFromPublicKey(key: KeyObject): string {
  if (key.type === 'secret') throw new Error('keyIdFromPublicKey: a symmetric key has no public key id');
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64url');
}
