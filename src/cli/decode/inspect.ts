import { rfc3339 } from '../../clock/index.js';
import { decodeBase64Url } from '../../tokens/base64url.js';
import { LEGACY_ISSUER, LEGACY_NAMESPACE_CLAIM, LEGACY_SA_NAME_CLAIM, LEGACY_SA_UID_CLAIM, LEGACY_SECRET_NAME_CLAIM } from '../../tokens/legacy-claims.js';
import { goDuration, relative } from './durations.js';

/** Raised for input that is not a JWT at all; the CLI prints its message on one line. */
export class NotAJwtError extends Error {}

export interface TimeField {
  unix: number;
  rfc3339: string;
  relative: string;
}

/**
 * What `satoken decode -o json` prints. IMPORTANT: this shape is documented in README.md
 * ("decode output"); change both together.
 */
export interface TokenReport {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  type: 'bound' | 'legacy' | 'other';
  issuer: string | null;
  subject: string | null;
  audiences: string[];
  serviceAccount: { namespace: string; name: string; uid: string | null } | null;
  boundObject: { kind: 'Pod' | 'Secret' | 'Node'; name: string; uid: string | null } | null;
  node: { name: string; uid: string | null } | null;
  credentialId: string | null;
  times: { issuedAt: TimeField | null; notBefore: TimeField | null; expiresAt: TimeField | null; warnAfter: TimeField | null };
  lifetime: string | null;
  expired: boolean;
}

function segment(s: string, what: string): Record<string, unknown> {
  const buf = decodeBase64Url(s);
  if (!buf) throw new NotAJwtError(`token ${what} is not unpadded base64url`);
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch {
    throw new NotAJwtError(`token ${what} is not JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new NotAJwtError(`token ${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

/**
 * Reads a token without verifying it: header, claims, what it is bound to, and every time both
 * as RFC 3339 and relative to `nowMs`.
 * @example
 * inspectToken(jwt, Date.now()).times.expiresAt?.relative; // 'in 47m12s'
 */
export function inspectToken(raw: string, nowMs: number): TokenReport {
  const token = raw.trim();
  if (token === '') throw new NotAJwtError('no token given');
  const parts = token.split('.');
  if (parts.length === 5) throw new NotAJwtError('token is an encrypted JWT (JWE, 5 segments); service-account tokens are signed JWTs (3 segments)');
  if (parts.length !== 3) throw new NotAJwtError(`token is not a JWT: expected 3 segments separated by '.', got ${parts.length}`);
  const header = segment(parts[0]!, 'header');
  const claims = segment(parts[1]!, 'payload');
  if (!decodeBase64Url(parts[2]!) || parts[2] === '') throw new NotAJwtError('token signature is missing or not unpadded base64url');
  const now = Math.floor(nowMs / 1000);
  const time = (v: unknown): TimeField | null => (typeof v === 'number' && Number.isFinite(v) ? { unix: v, rfc3339: rfc3339(v * 1000), relative: relative(v, now) } : null);
  const kube = (claims['kubernetes.io'] && typeof claims['kubernetes.io'] === 'object' ? claims['kubernetes.io'] : undefined) as Record<string, { name?: string; uid?: string } | string | number> | undefined;
  const ref = (v: unknown) => (v && typeof v === 'object' ? { name: String((v as { name?: unknown }).name ?? ''), uid: typeof (v as { uid?: unknown }).uid === 'string' ? ((v as { uid: string }).uid) : null } : null);
  const aud = claims.aud;
  const report: TokenReport = {
    header,
    claims,
    type: kube ? 'bound' : claims.iss === LEGACY_ISSUER ? 'legacy' : 'other',
    issuer: typeof claims.iss === 'string' ? claims.iss : null,
    subject: typeof claims.sub === 'string' ? claims.sub : null,
    audiences: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [],
    serviceAccount: null,
    boundObject: null,
    node: null,
    credentialId: typeof claims.jti === 'string' ? `JTI=${claims.jti}` : null,
    times: { issuedAt: time(claims.iat), notBefore: time(claims.nbf), expiresAt: time(claims.exp), warnAfter: time(kube?.warnafter) },
    lifetime: typeof claims.exp === 'number' && typeof claims.iat === 'number' ? goDuration(claims.exp - claims.iat) : null,
    expired: typeof claims.exp === 'number' && claims.exp < now,
  };
  if (kube) {
    const sa = ref(kube.serviceaccount);
    report.serviceAccount = { namespace: String(kube.namespace ?? ''), name: sa?.name ?? '', uid: sa?.uid ?? null };
    for (const kind of ['pod', 'secret'] as const) {
      const r = ref(kube[kind]);
      if (r) report.boundObject = { kind: kind === 'pod' ? 'Pod' : 'Secret', ...r };
    }
    const node = ref(kube.node);
    if (node && !report.boundObject) report.boundObject = { kind: 'Node', ...node };
    if (node) report.node = node;
  } else if (report.type === 'legacy') {
    report.serviceAccount = { namespace: String(claims[LEGACY_NAMESPACE_CLAIM] ?? ''), name: String(claims[LEGACY_SA_NAME_CLAIM] ?? ''), uid: typeof claims[LEGACY_SA_UID_CLAIM] === 'string' ? (claims[LEGACY_SA_UID_CLAIM] as string) : null };
    report.boundObject = { kind: 'Secret', name: String(claims[LEGACY_SECRET_NAME_CLAIM] ?? ''), uid: null };
  }
  return report;
}
