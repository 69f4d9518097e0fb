import { aggregateMessage, goQuote, goQuoteList } from '../../util/go-format.js';
import { parseJws, unverifiedIssuer, verifyWithKeys } from '../../tokens/jws.js';
import type { KeySource } from '../../tokens/key-source.js';
import type { ServiceAccountInfo } from '../../tokens/service-account-info.js';

export type AuthOutcome =
  | { kind: 'notMine' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; info: ServiceAccountInfo; audiences: string[]; payload: Record<string, unknown>; legacy: boolean };

export type ClaimsValidator = (token: string, payload: Record<string, unknown>) => Promise<ServiceAccountInfo>;


/** authenticator.Audiences.Intersect: the requested audiences (in their order) the token also has. */
export function intersectAudiences(tokenAuds: readonly string[], requested: readonly string[]): string[] {
  const have = new Set(tokenAuds);
  return requested.filter((a) => have.has(a));
}

/**
 * `jwtTokenAuthenticator.AuthenticateToken` of pkg/serviceaccount/jwt.go, one instance per token
 * family (bound: the configured issuers; legacy: `kubernetes/serviceaccount`):
 * - not mine unless the unverified `iss` is one of ours and the JWS parses with an allowed alg
 * - keys by `kid` (all keys without one); none → `invalid signature, no keys found`
 * - signature against each candidate; all fail → their errors, aggregated
 * - issuer re-checked; audiences intersected (legacy tokens get the implicit audiences)
 * - the family's validator
 */
export class JwtAuthenticator {
  private readonly issuers: Set<string>;

  constructor(
    private readonly opts: {
      issuers: readonly string[];
      keys: KeySource;
      implicitAudiences: readonly string[];
      validator: ClaimsValidator;
      legacy: boolean;
    },
  ) {
    this.issuers = new Set(opts.issuers);
  }

  async authenticate(token: string, requestedAudiences: readonly string[] | undefined): Promise<AuthOutcome> {
    const iss = unverifiedIssuer(token);
    if (iss === undefined || !this.issuers.has(iss)) return { kind: 'notMine' };
    const jws = parseJws(token, this.opts.keys.algorithms());
    if (!jws) return { kind: 'notMine' };
    const kid = typeof jws.header.kid === 'string' && jws.header.kid ? jws.header.kid : undefined;
    const keys = this.opts.keys.keysFor(kid);
    if (keys.length === 0) return { kind: 'error', message: 'invalid signature, no keys found' };
    const errs = await verifyWithKeys(token, jws.header.alg, keys);
    if (errs) return { kind: 'error', message: aggregateMessage(errs) };
    const payload = jws.payload;
    if (!this.issuers.has(String(payload.iss))) return { kind: 'error', message: `token issuer ${goQuote(String(payload.iss))} is invalid` };
    let tokenAuds = audiencesOf(payload.aud);
    if (tokenAuds.length === 0) tokenAuds = [...this.opts.implicitAudiences];
    const requested = requestedAudiences && requestedAudiences.length ? requestedAudiences : this.opts.implicitAudiences;
    const auds = intersectAudiences(tokenAuds, requested);
    if (auds.length === 0 && this.opts.implicitAudiences.length !== 0) {
      return { kind: 'error', message: `token audiences ${goQuoteList(tokenAuds)} is invalid for the target audiences ${goQuoteList(requested)}` };
    }
    try {
      const info = await this.opts.validator(token, payload);
      return { kind: 'ok', info, audiences: auds, payload, legacy: this.opts.legacy };
    } catch (e) {
      return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** go-jose's `aud` accepts a string or an array. */
function audiencesOf(aud: unknown): string[] {
  if (typeof aud === 'string') return aud ? [aud] : [];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

