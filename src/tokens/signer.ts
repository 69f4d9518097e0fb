import { CompactSign } from 'jose';
import { errors } from '../errors/index.js';
import { canonicalJson } from './canonical-json.js';
import type { KeySource } from './key-source.js';

const encoder = new TextEncoder();

/**
 * Signs a payload as kube-apiserver does: protected header exactly `{"alg","kid"}`, no `typ`
 * (pkg/serviceaccount/jwt.go signerFromRSAPrivateKey / signerFromECDSAPrivateKey).
 * @example
 * const jwt = await signToken(keySet, { iss: 'kubernetes/serviceaccount', sub: '…' });
 */
export async function signToken(keys: KeySource, claims: object): Promise<string> {
  const key = keys.signingKey;
  if (!key) throw errors.internal('no service account signing key is configured');
  return new CompactSign(encoder.encode(canonicalJson(claims))).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
}
