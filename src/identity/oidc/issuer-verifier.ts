import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeJws, type DecodedJws, signedWith, verifyWithKeys } from '../../tokens/jws.js';
import type { VerificationKey } from '../../tokens/key-source.js';
import { FetchError, type JsonFetcher } from './fetch-json.js';

/** The signature algorithms a cloud accepts from an OIDC issuer (those Kubernetes signs with). */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256', 'ES384', 'ES512'] as const;
/** The longest token the verifier looks at (AWS's WebIdentityToken limit is 20,000 characters). */
export const MAX_ASSERTION_LENGTH = 64 * 1024;

/** A JWT read without checking it: what a cloud looks at before it fetches any key. */
export interface UnverifiedJwt {
  raw: string;
  /** the token decoded once (signing input and signature included) */
  jws: DecodedJws;
  header: { alg: string; kid?: string };
  claims: { iss?: string; sub?: string; aud: string[]; exp?: number; nbf?: number; iat?: number; jti?: string; [k: string]: unknown };
}

/** Why a token's signature could not be verified against its issuer. */
export type SignatureFailure =
  | { reason: 'discovery-unreachable'; url: string; detail: string }
  | { reason: 'discovery-invalid'; url: string; detail: string }
  | { reason: 'issuer-mismatch'; url: string; documentIssuer: string }
  | { reason: 'jwks-unreachable'; url: string; detail: string }
  | { reason: 'jwks-invalid'; url: string; detail: string }
  | { reason: 'key-not-found'; kid: string | undefined }
  | { reason: 'bad-signature' };

/**
 * Reads a compact JWS without verifying it: three canonical base64url segments, a JSON object
 * header with an accepted `alg` (never `none` or HMAC), a JSON object payload; `aud` normalised
 * to a list. Anything else is undefined (the clouds' "not a valid JWT").
 * @example
 * parseUnverified(token)?.claims.iss; // 'https://127.0.0.1:6443'
 */
export function parseUnverified(token: string): UnverifiedJwt | undefined {
  if (token.length > MAX_ASSERTION_LENGTH) return undefined;
  const jws = decodeJws(token);
  const signed = jws && signedWith(jws, ACCEPTED_ALGORITHMS);
  if (!jws || !signed) return undefined;
  const p = jws.payload;
  const aud = typeof p.aud === 'string' ? [p.aud] : Array.isArray(p.aud) && p.aud.every((a: unknown) => typeof a === 'string') ? (p.aud as string[]) : [];
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const claims: UnverifiedJwt['claims'] = { ...p, aud };
  for (const k of ['iss', 'sub', 'jti'] as const) {
    const v = str(p[k]);
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  for (const k of ['exp', 'nbf', 'iat'] as const) {
    const v = num(p[k]);
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  return { raw: token, jws, header: { alg: signed.alg, ...(signed.kid !== undefined ? { kid: signed.kid } : {}) }, claims };
}

/** `<issuer>/.well-known/openid-configuration`, a trailing `/` of the issuer dropped (OIDC Discovery §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/**
 * Verifies a token's signature the way AWS STS and Entra do for a federated OIDC issuer, over
 * the network and never through a shortcut into the emulator:
 * - fetch `<iss>/.well-known/openid-configuration` (unreachable, not 200, not JSON: the IdP
 *   could not be reached; no `jwks_uri`: an unusable document)
 * - its `issuer` must equal the token's `iss` exactly
 * - fetch `jwks_uri`; keep the keys whose `kid` is the token's (all keys when it names none)
 *   and whose `use` is absent or `sig`
 * - one of them must verify the signature with the token's `alg`
 * Nothing is cached: a key rotated out of the JWKS fails at the next exchange.
 * @example
 * const failure = await verifyIssuerSignature(jwt, jsonFetcher({ ca: [caPem] }));
 */
export async function verifyIssuerSignature(jwt: UnverifiedJwt, fetchJson: JsonFetcher): Promise<SignatureFailure | undefined> {
  const iss = jwt.claims.iss ?? '';
  const url = discoveryUrl(iss);
  let doc: unknown;
  try {
    doc = await fetchJson(url);
  } catch (e) {
    if (e instanceof FetchError && e.kind === 'body') return { reason: 'discovery-invalid', url, detail: e.message };
    return { reason: 'discovery-unreachable', url, detail: (e as Error).message };
  }
  if (!isRecord(doc) || typeof doc.jwks_uri !== 'string') return { reason: 'discovery-invalid', url, detail: 'the document has no jwks_uri' };
  if (doc.issuer !== iss) return { reason: 'issuer-mismatch', url, documentIssuer: typeof doc.issuer === 'string' ? doc.issuer : String(doc.issuer) };
  const jwksUrl = doc.jwks_uri;
  let jwks: unknown;
  try {
    jwks = await fetchJson(jwksUrl);
  } catch (e) {
    if (e instanceof FetchError && e.kind === 'body') return { reason: 'jwks-invalid', url: jwksUrl, detail: e.message };
    return { reason: 'jwks-unreachable', url: jwksUrl, detail: (e as Error).message };
  }
  if (!isRecord(jwks) || !Array.isArray(jwks.keys)) return { reason: 'jwks-invalid', url: jwksUrl, detail: 'the document has no keys' };
  const kid = jwt.header.kid;
  const keys = jwks.keys.filter((k): k is Record<string, unknown> => isRecord(k) && (kid === undefined || k.kid === kid) && (k.use === undefined || k.use === 'sig')).flatMap((k) => verificationKey(k, jwt.header.alg));
  if (keys.length === 0) return { reason: 'key-not-found', kid };
  return verifyWithKeys(jwt.jws, jwt.header.alg, keys) === undefined ? undefined : { reason: 'bad-signature' };
}

/** A JWK as a verification key for `alg`, or nothing when it is not a usable public key. */
function verificationKey(jwk: Record<string, unknown>, alg: string): VerificationKey[] {
  if (jwk.alg !== undefined && jwk.alg !== alg) return [];
  let publicKey: KeyObject;
  try {
    const { kty, n, e, crv, x, y } = jwk;
    publicKey = createPublicKey({ key: { kty, n, e, crv, x, y } as JsonWebKey, format: 'jwk' });
  } catch {
    return [];
  }
  if (publicKey.type !== 'public') return [];
  return [{ kid: typeof jwk.kid === 'string' ? jwk.kid : '', alg, publicKey }];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
