import { type KeyObject, sign } from 'node:crypto';
import { errors } from '../errors/index.js';
import { canonicalJson } from './canonical-json.js';
import type { KeySource, SigningKey } from './key-source.js';

/**
 * Where signatures are computed:
 * - `inline`: `crypto.sign` on the calling thread. The cheapest per signature (no hand-off), so
 *   the most tokens per CPU second; the library's default.
 * - `pool`: `crypto.sign` with a callback, on libuv's thread pool. Costs ~15 % more CPU per
 *   signature but lets one process sign on every core while its event loop serves requests, as
 *   kube-apiserver's goroutines do; what `satoken serve` uses unless told otherwise.
 */
export type SigningMode = 'inline' | 'pool';

/** node:crypto's digest and signature encoding for each JWS algorithm Kubernetes signs with. */
const SIGNING: Record<string, { hash: string; ec: boolean }> = {
  RS256: { hash: 'sha256', ec: false },
  ES256: { hash: 'sha256', ec: true },
  ES384: { hash: 'sha384', ec: true },
  ES512: { hash: 'sha512', ec: true },
};

/** The encoded protected header of each signing key, computed once. */
const headers = new WeakMap<SigningKey, string>();

function encodedHeader(key: SigningKey): string {
  let h = headers.get(key);
  if (h === undefined) {
    // Exactly {"alg","kid"}, in that order, no typ (pkg/serviceaccount/jwt.go).
    h = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid }), 'utf8').toString('base64url');
    headers.set(key, h);
  }
  return h;
}

/**
 * Signs a payload as kube-apiserver does: compact JWS, protected header exactly `{"alg","kid"}`
 * (pkg/serviceaccount/jwt.go signerFromRSAPrivateKey / signerFromECDSAPrivateKey), the claims as
 * canonical JSON, ECDSA signatures as raw r||s (RFC 7518 §3.4).
 *
 * node:crypto signs directly: jose's CompactSign (WebCrypto) measured 0.76–0.88 of `crypto.sign`
 * on this machine alone, below issue 7's 0.85 goal for the whole issuance (bench/README.md).
 * @example
 * const jwt = await signToken(keySet, { iss: 'kubernetes/serviceaccount', sub: '…' });
 */
export async function signToken(keys: KeySource, claims: object, mode: SigningMode = 'inline'): Promise<string> {
  const key = keys.signingKey;
  if (!key) throw errors.internal('no service account signing key is configured');
  const how = SIGNING[key.alg];
  if (!how) throw errors.internal(`unsupported signing algorithm ${key.alg}`);
  const input = `${encodedHeader(key)}.${Buffer.from(canonicalJson(claims), 'utf8').toString('base64url')}`;
  const data = Buffer.from(input, 'latin1');
  const signer: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } = how.ec ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey;
  const signature = mode === 'pool' ? await signOnPool(how.hash, data, signer) : sign(how.hash, data, signer);
  return `${input}.${signature.toString('base64url')}`;
}

function signOnPool(hash: string, data: Buffer, key: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' }): Promise<Buffer> {
  return new Promise((resolve, reject) => sign(hash, data, key, (err, sig) => (err ? reject(err) : resolve(sig))));
}
