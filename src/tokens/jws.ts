import { compactVerify } from 'jose';
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
  for (const key of keys) {
    if (key.alg !== alg) {
      errs.push('go-jose/go-jose: unexpected signature algorithm');
      continue;
    }
    try {
      await compactVerify(token, key.publicKey, { algorithms: [alg] });
      return undefined;
    } catch {
      errs.push('go-jose/go-jose: error in cryptographic primitive');
    }
  }
  return errs;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
