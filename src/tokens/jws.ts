import { type KeyObject, verify } from 'node:crypto';
import { decodeBase64Url } from './base64url.js';
import type { VerificationKey } from './key-source.js';

/** Tokens longer than this are not even parsed (kube-apiserver refuses far smaller headers). */
export const MAX_TOKEN_LENGTH = 64 * 1024;

export interface ParsedJws {
  header: { alg: string; kid?: string; [k: string]: unknown };
  payload: Record<string, unknown>;
}

/**
 * `hasCorrectIssuer` of pkg/serviceaccount/jwt.go: a cheap, unverified look at `iss`, deciding
 * whether a token is "mine". Anything not a 3-part compact JWS with a raw-base64url JSON payload
 * is not.
 */
export function unverifiedIssuer(token: string): string | undefined {
  if (token.length > MAX_TOKEN_LENGTH || token.trimStart().startsWith('{')) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = decodeBase64Url(parts[1]!);
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(payload.toString('utf8')) as unknown;
    const iss = claims && typeof claims === 'object' ? (claims as { iss?: unknown }).iss : undefined;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * jwt.ParseSigned with the allowed algorithms: parse failures make the token "not mine".
 * Rejects: non-canonical base64url in any segment, headers that are not JSON objects, an `alg`
 * outside `allowedAlgs` (so `none` and every HMAC), any `crit` header, and JWE.
 */
export function parseJws(token: string, allowedAlgs: readonly string[]): ParsedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const headerBytes = decodeBase64Url(h);
  const payloadBytes = decodeBase64Url(p);
  const sig = decodeBase64Url(s);
  if (!headerBytes || !payloadBytes || !sig || sig.length === 0) return undefined;
  try {
    const header = JSON.parse(headerBytes.toString('utf8')) as unknown;
    const payload = JSON.parse(payloadBytes.toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) return undefined;
    if (typeof header.alg !== 'string' || !allowedAlgs.includes(header.alg)) return undefined;
    if ('crit' in header || 'enc' in header || 'b64' in header) return undefined;
    if (header.kid !== undefined && typeof header.kid !== 'string') return undefined;
    return { header: header as ParsedJws['header'], payload };
  } catch {
    return undefined;
  }
}

/**
 * Tries each candidate key as go-jose's `tok.Claims(key)` loop does. Returns undefined when one
 * verified, else the errors (one per key).
 */
export async function verifyWithKeys(token: string, alg: string, keys: readonly VerificationKey[]): Promise<string[] | undefined> {
  const errs: string[] = [];
  const dot = token.lastIndexOf('.');
  const input = Buffer.from(token.slice(0, dot), 'latin1');
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  for (const key of keys) {
    if (key.alg !== alg) {
      errs.push('go-jose/go-jose: unexpected signature algorithm');
      continue;
    }
    if (verifies(alg, input, key.publicKey, sig)) return undefined;
    errs.push('go-jose/go-jose: error in cryptographic primitive');
  }
  return errs;
}

/** What each algorithm needs of a key and a signature (the checks jose made before, kept). */
const ALGS: Record<string, { hash: string; curve?: string; sigLength?: number; minBits?: number }> = {
  RS256: { hash: 'sha256', minBits: 2048 },
  ES256: { hash: 'sha256', curve: 'prime256v1', sigLength: 64 },
  ES384: { hash: 'sha384', curve: 'secp384r1', sigLength: 96 },
  ES512: { hash: 'sha512', curve: 'secp521r1', sigLength: 132 },
};

/**
 * Verifies with node:crypto directly (jose's compactVerify was the ceiling of review speed,
 * bench/README.md): RSA keys of at least 2048 bits for RS256; for ES*, the curve of the
 * algorithm and a raw r||s signature of exactly its length.
 */
function verifies(alg: string, input: Buffer, key: KeyObject, sig: Buffer): boolean {
  const a = ALGS[alg];
  if (!a) return false;
  const d = key.asymmetricKeyDetails;
  try {
    if (a.curve) {
      if (key.asymmetricKeyType !== 'ec' || d?.namedCurve !== a.curve || sig.length !== a.sigLength) return false;
      return verify(a.hash, input, { key, dsaEncoding: 'ieee-p1363' }, sig);
    }
    if (key.asymmetricKeyType !== 'rsa' || (d?.modulusLength ?? 0) < (a.minBits ?? 0)) return false;
    return verify(a.hash, input, key, sig);
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
