import type { KeyObject } from 'node:crypto';

/** The JWS algorithms Kubernetes signs service-account tokens with. */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

/** Node's names of the curves Kubernetes accepts, with their JWS algorithm and JWK `crv`. */
const CURVES: Record<string, { alg: SigningAlgorithm; crv: string }> = {
  prime256v1: { alg: 'ES256', crv: 'P-256' },
  secp384r1: { alg: 'ES384', crv: 'P-384' },
  secp521r1: { alg: 'ES512', crv: 'P-521' },
};

/** Kubernetes' message for an EC key on a curve other than P-256/384/521. */
export const UNKNOWN_CURVE_MESSAGE = 'unknown private key curve, must be 256, 384, or 521';

/**
 * The algorithm Kubernetes uses for a key (`JWTTokenGenerator`, pkg/serviceaccount/jwt.go, and
 * `algorithmFromPublicKey`, pkg/serviceaccount/openidmetadata.go):
 * - RSA (any modulus size) → RS256;
 * - ECDSA P-256 → ES256, P-384 → ES384, P-521 → ES512;
 * - another curve → `unknown private key curve, must be 256, 384, or 521`;
 * - another key type → an error naming the type, the `source` (a file name) when given, and the
 *   accepted types (Kubernetes words it in Go types; satoken names RSA and ECDSA instead).
 * Works on private and public keys alike.
 * IMPORTANT: the JWK `crv` of keys/jwks.ts comes from {@link curveOf} below.
 * @example
 * algorithmForKey(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey); // 'ES384'
 */
export function algorithmForKey(key: KeyObject, source?: string): SigningAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ec') return curveEntry(key).alg;
  const where = source === undefined ? '' : ` in ${source}`;
  throw new Error(`unsupported key type ${JSON.stringify(type ?? key.type)}${where}, must be RSA or ECDSA (P-256, P-384 or P-521)`);
}

/**
 * The JWK `crv` of an EC key (`P-256`, `P-384`, `P-521`).
 * @example
 * curveOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey); // 'P-256'
 */
export function curveOf(key: KeyObject): string {
  return curveEntry(key).crv;
}

function curveEntry(key: KeyObject): { alg: SigningAlgorithm; crv: string } {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const entry = curve === undefined ? undefined : CURVES[curve];
  if (!entry) throw new Error(UNKNOWN_CURVE_MESSAGE);
  return entry;
}
