import { type KeyObject, verify } from 'node:crypto';
import { decodeBase64Url } from './base64url.js';
import type { VerificationKey } from './key-source.js';

/** Tokens longer than this are not even parsed (kube-apiserver refuses far smaller headers). */
export const MAX_TOKEN_LENGTH = 64 * 1024;

export interface JwsHeader {
  alg?: unknown;
  kid?: unknown;
  [k: string]: unknown;
}

/**
 * A compact JWS decoded once, before any check: header and payload JSON objects, the signing
 * input and the signature bytes. Every later step (issuer, algorithm, key, signature, claims)
 * reads this one value, so a review parses a token once.
 */
export interface DecodedJws {
  header: JwsHeader;
  payload: Record<string, unknown>;
  /** `<header>.<payload>`, the bytes the signature covers */
  signingInput: Buffer;
  signature: Buffer;
}

/**
 * Decodes a compact JWS: at most {@link MAX_TOKEN_LENGTH} characters, not the JSON
 * serialization, three segments of canonical unpadded base64url (Go's strict RawURLEncoding),
 * a header and a payload that are JSON objects, a non-empty signature. Anything else is not a
 * JWS (`undefined`): for kube-apiserver's token authenticators, "not mine".
 * @example
 * decodeJws(token)?.payload.iss; // 'https://kubernetes.default.svc.cluster.local'
 */
export function decodeJws(token: string): DecodedJws | undefined {
  if (token.length > MAX_TOKEN_LENGTH || token.trimStart().startsWith('{')) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const headerBytes = decodeBase64Url(h);
  const payloadBytes = decodeBase64Url(p);
  const signature = decodeBase64Url(s);
  if (!headerBytes || !payloadBytes || !signature || signature.length === 0) return undefined;
  try {
    const header = JSON.parse(headerBytes.toString('utf8')) as unknown;
    const payload = JSON.parse(payloadBytes.toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, signingInput: Buffer.from(token.slice(0, h.length + 1 + p.length), 'latin1'), signature };
  } catch {
    return undefined;
  }
}

/**
 * jwt.ParseSigned's header checks with the allowed algorithms: the `alg` one of them (so never
 * `none` nor an HMAC), no `crit`, `enc` or `b64` member (no JWE, no unencoded payloads), a
 * string `kid` if any. Returns the algorithm and key id, or undefined ("not mine").
 */
export function signedWith(d: DecodedJws, allowedAlgs: readonly string[]): { alg: string; kid: string | undefined } | undefined {
  const { alg, kid } = d.header;
  if (typeof alg !== 'string' || !allowedAlgs.includes(alg)) return undefined;
  if ('crit' in d.header || 'enc' in d.header || 'b64' in d.header) return undefined;
  if (kid !== undefined && typeof kid !== 'string') return undefined;
  return { alg, kid: kid || undefined };
}

/**
 * Tries each candidate key as go-jose's `tok.Claims(key)` loop does. Returns undefined when one
 * verified, else the errors (one per key).
 */
export function verifyWithKeys(d: DecodedJws, alg: string, keys: readonly VerificationKey[]): string[] | undefined {
  const errs: string[] = [];
  const input = d.signingInput;
  const sig = d.signature;
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
