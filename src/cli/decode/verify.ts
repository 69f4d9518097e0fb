import { readFileSync } from 'node:fs';
import { createPublicKey, type JsonWebKey } from 'node:crypto';

type JWK = JsonWebKey & { kid?: string; alg?: string; use?: string };
import { apiRequest, TransportError } from '../../client/api-client.js';
import type { Connection } from '../../client/kubeconfig.js';
import { validateTimes } from '../../auth/authenticators/bound-validator.js';
import { JwtAuthenticator } from '../../auth/authenticators/jwt-authenticator.js';
import type { KeySource, VerificationKey } from '../../tokens/key-source.js';
import { LEGACY_ISSUER } from '../../tokens/legacy-claims.js';
import { DEFAULT_ISSUER } from '../../control-plane.js';
import { CliError } from '../create-token.js';

export interface Verdict {
  valid: boolean;
  /** Kubernetes' words for why not (what a TokenReview's status.error would say, unwrapped) */
  reason?: string;
  /** what was checked: 'offline' (JWKS) or 'server' (TokenReview) */
  mode: 'offline' | 'server';
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  /** offline: every check that failed, in the order kube-apiserver runs them (`reason` is the first) */
  problems?: string[];
  /** offline: what a JWKS cannot tell */
  notChecked?: string[];
}

/** A JWKS (file or URL) as the token code's key source. */
export async function jwksKeySource(ref: string, fetchJwks: (url: string) => Promise<string>): Promise<KeySource> {
  let text: string;
  try {
    text = /^https?:\/\//.test(ref) ? await fetchJwks(ref) : readFileSync(ref, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read JWKS ${ref}: ${(e as Error).message}`, 2);
  }
  let jwks: { keys?: JWK[] };
  try {
    jwks = JSON.parse(text) as { keys?: JWK[] };
  } catch {
    throw new CliError(`JWKS ${ref} is not JSON`, 2);
  }
  if (!Array.isArray(jwks.keys)) throw new CliError(`JWKS ${ref} has no "keys" list`, 2);
  const keys: VerificationKey[] = [];
  for (const jwk of jwks.keys) {
    if (!jwk.kid || !jwk.alg || (jwk.use && jwk.use !== 'sig')) continue;
    try {
      keys.push({ kid: jwk.kid, alg: jwk.alg, publicKey: createPublicKey({ key: jwk, format: 'jwk' }) });
    } catch (e) {
      throw new CliError(`JWKS ${ref}: key ${jwk.kid} is not a usable public key: ${(e as Error).message}`, 2);
    }
  }
  return {
    signingKey: undefined,
    keysFor: (kid) => (kid ? keys.filter((k) => k.kid === kid) : keys),
    algorithms: () => [...new Set(keys.map((k) => k.alg))].sort(),
  };
}

/**
 * The issuer offline verification accepts when no `--issuer` is given: Kubernetes' default
 * (kubeadm's `--service-account-issuer`, and satoken's).
 */
export const DEFAULT_OFFLINE_ISSUER = DEFAULT_ISSUER;

/**
 * Offline verification against a JWKS with kube-apiserver's steps and words: issuer (the
 * accepted ones, Kubernetes' default when none is given), algorithm and key id, signature,
 * issuer again, audiences, then validity times with 60 s leeway. Every check that can be judged
 * is reported, not only the first to fail:
 * - a wrong issuer is noted and the token is checked on as if its issuer were accepted;
 * - wrong audiences likewise, as if no audience were asked for;
 * - a bad signature ends it (the claims after it are not to be trusted), and so do the times,
 *   the last check.
 * `reason` is the first problem, what kube-apiserver would answer; `problems` is all of them.
 * It cannot know whether the service account or bound object still exists: a TokenReview on the
 * server (no `--jwks`) checks that.
 */
export async function verifyOffline(token: string, keys: KeySource, issuers: string[], audiences: string[], nowMs: number): Promise<Verdict> {
  const defaulted = issuers.length === 0;
  let accepted = defaulted ? [DEFAULT_OFFLINE_ISSUER] : issuers;
  let asked = audiences;
  const problems: string[] = [];
  const notChecked = [
    ...(audiences.length ? [] : ['audiences (pass --audience)']),
    'that the service account and the object the token is bound to still exist (verify on the server: leave out --jwks)',
  ];
  let granted: string[] | undefined;
  for (;;) {
    const r = await authenticateOnce(token, keys, accepted, asked, nowMs);
    if (r.kind === 'ok') {
      if (problems.length === 0) granted = r.audiences;
      break;
    }
    if (r.kind === 'notMine') {
      const iss = issuerOf(token);
      if (iss === undefined || accepted.includes(iss) || iss === LEGACY_ISSUER) {
        problems.push('invalid bearer token (not a JWS signed with an algorithm of the JWKS, or malformed)');
        break;
      }
      const list = accepted.map((i) => JSON.stringify(i)).join(', ');
      problems.push(`token issuer ${JSON.stringify(iss)} is invalid (accepted: ${list}${defaulted ? ", Kubernetes' default; pass --issuer to accept another" : ''})`);
      accepted = [...accepted, iss];
      continue;
    }
    problems.push(r.message);
    if (r.message.startsWith('token audiences ') && asked.length) {
      asked = [];
      continue;
    }
    break;
  }
  if (problems.length === 0) return { valid: true, mode: 'offline', ...(granted?.length ? { audiences: granted } : {}), notChecked };
  return { valid: false, mode: 'offline', reason: problems[0]!, problems, notChecked };
}

/** One pass of the token authenticator, as kube-apiserver runs it, with the times as the validator. */
function authenticateOnce(token: string, keys: KeySource, issuers: string[], audiences: string[], nowMs: number) {
  const auth = new JwtAuthenticator({
    issuers: [...issuers, LEGACY_ISSUER],
    keys,
    implicitAudiences: audiences,
    validator: async (_t, claims) => {
      validateTimes(claims, Math.floor(nowMs / 1000));
      return { info: { name: '', namespace: '', uid: '' }, exp: claims.exp, warnAfter: undefined, boundUid: undefined, sub: claims.sub ?? '' };
    },
  });
  return auth.authenticate(token, audiences.length ? audiences : undefined);
}

/** Online verification: a TokenReview through the kubeconfig's server. */
export async function verifyWithServer(conn: Connection, token: string, audiences: string[]): Promise<Verdict> {
  let res;
  try {
    res = await apiRequest(conn, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token, ...(audiences.length ? { audiences } : {}) },
    });
  } catch (e) {
    if (e instanceof TransportError) throw new CliError(`cannot reach the server: ${e.message}`, 2);
    throw e;
  }
  const body = safeJson(res.body) as { message?: string; status?: { authenticated?: boolean; error?: string; user?: Verdict['user']; audiences?: string[] } } | undefined;
  if (res.status >= 400) throw new CliError(`TokenReview failed: ${body?.message ?? `HTTP ${res.status}`}`, 2);
  const s = body?.status ?? {};
  if (s.authenticated) return { valid: true, mode: 'server', ...(s.user ? { user: s.user } : {}), ...(s.audiences ? { audiences: s.audiences } : {}) };
  return { valid: false, mode: 'server', reason: s.error ?? 'not authenticated' };
}

function issuerOf(token: string): string | undefined {
  try {
    const p = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof p.iss === 'string' ? p.iss : undefined;
  } catch {
    return undefined;
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
