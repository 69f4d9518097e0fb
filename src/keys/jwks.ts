import type { JsonWebKey as NodeJwk } from 'node:crypto';
import { curveOf } from './algorithm.js';
import type { VerificationKeyEntry } from './key-set.js';

/** An RSA key as go-jose marshals it: members in this order. */
export interface RsaJwk {
  use: 'sig';
  kty: 'RSA';
  kid: string;
  alg: string;
  n: string;
  e: string;
}

/** An EC key as go-jose marshals it: members in this order. */
export interface EcJwk {
  use: 'sig';
  kty: 'EC';
  kid: string;
  crv: string;
  alg: string;
  x: string;
  y: string;
}

/** The body of `/openid/v1/jwks`. */
export interface Jwks {
  keys: Array<RsaJwk | EcJwk>;
}

/**
 * The JWK of one verification key, public members only, in go-jose's member order
 * (`use, kty, kid, alg, n, e` for RSA; `use, kty, kid, crv, alg, x, y` for EC); `use` is `sig`.
 * Coordinates are the curve's fixed size, as go-jose pads them.
 * @example
 * JSON.stringify(jwkFromKey(keys.verificationKeys[0]!)); // '{"use":"sig","kty":"EC","kid":"…","crv":"P-256","alg":"ES256","x":"…","y":"…"}'
 */
export function jwkFromKey(key: VerificationKeyEntry): RsaJwk | EcJwk {
  const jwk = key.publicKey.export({ format: 'jwk' }) as NodeJwk;
  if (jwk.kty === 'RSA') return { use: 'sig', kty: 'RSA', kid: key.kid, alg: key.alg, n: jwk.n!, e: jwk.e! };
  return { use: 'sig', kty: 'EC', kid: key.kid, crv: curveOf(key.publicKey), alg: key.alg, x: jwk.x!, y: jwk.y! };
}

/**
 * The JWKS Kubernetes serves at `/openid/v1/jwks` (`publicJWKSFromKeys`,
 * pkg/serviceaccount/openidmetadata.go): one JWK per verification key, in key order, private
 * members never included. `JSON.stringify` of the result is byte-identical to kube-apiserver's body.
 * IMPORTANT: api/routes/oidc.ts serves it with `Content-Type: application/jwk-set+json`.
 * @example
 * res.type('application/jwk-set+json').send(JSON.stringify(renderJwks(keySet)));
 */
export function renderJwks(keySet: { readonly verificationKeys: readonly VerificationKeyEntry[] }): Jwks {
  return { keys: keySet.verificationKeys.map(jwkFromKey) };
}
