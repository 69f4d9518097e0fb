import { decodeJws, signedWith, verifyWithKeys, type DecodedJws } from '../../tokens/jws.js';
import type { KeySource } from '../../tokens/key-source.js';
import { readClaims, type PresentedClaims } from '../../tokens/presented-claims.js';
import { aggregateMessage, goQuoteList } from '../../util/go-format.js';
import type { ValidatedToken } from './validated-token.js';

export type AuthOutcome =
  | { kind: 'notMine' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; token: ValidatedToken; audiences: string[] };

/** A token family's claim checks (bound or legacy): the validated token, or a thrown error whose message is Kubernetes'. */
export type ClaimsValidator = (token: string, claims: PresentedClaims) => Promise<ValidatedToken>;

/** authenticator.Audiences.Intersect: the requested audiences (in their order) the token also has. */
export function intersectAudiences(tokenAuds: readonly string[], requested: readonly string[]): string[] {
  const have = new Set(tokenAuds);
  return requested.filter((a) => have.has(a));
}

/**
 * `jwtTokenAuthenticator.AuthenticateToken` of pkg/serviceaccount/jwt.go, one instance per token
 * family (bound: the configured issuers; legacy: `kubernetes/serviceaccount`), over a token
 * decoded once ({@link decodeJws}):
 * - not mine unless `iss` is one of ours and the header is signed with an allowed alg
 * - keys by `kid` (all keys without one); none → `invalid signature, no keys found`
 * - signature against each candidate; all fail → their errors, aggregated
 * - audiences intersected (tokens without `aud` get the implicit audiences)
 * - the family's validator, on the claims read once
 */
export class JwtAuthenticator {
  private readonly issuers: Set<string>;

  constructor(
    private readonly opts: {
      issuers: readonly string[];
      keys: KeySource;
      implicitAudiences: readonly string[];
      validator: ClaimsValidator;
    },
  ) {
    this.issuers = new Set(opts.issuers);
  }

  /** Whether a decoded token names one of this family's issuers (`hasCorrectIssuer`). */
  claims(d: DecodedJws): boolean {
    const iss = d.payload.iss;
    return typeof iss === 'string' && this.issuers.has(iss);
  }

  /** Decodes and authenticates (the offline verifier's entry; the server decodes once for both families). */
  authenticate(token: string, requestedAudiences: readonly string[] | undefined): Promise<AuthOutcome> {
    const d = decodeJws(token);
    if (!d) return Promise.resolve({ kind: 'notMine' });
    return this.authenticateDecoded(token, d, requestedAudiences);
  }

  async authenticateDecoded(token: string, d: DecodedJws, requestedAudiences: readonly string[] | undefined): Promise<AuthOutcome> {
    if (!this.claims(d)) return { kind: 'notMine' };
    const signed = signedWith(d, this.opts.keys.algorithms());
    if (!signed) return { kind: 'notMine' };
    const keys = this.opts.keys.keysFor(signed.kid);
    if (keys.length === 0) return { kind: 'error', message: 'invalid signature, no keys found' };
    const errs = verifyWithKeys(d, signed.alg, keys);
    if (errs) return { kind: 'error', message: aggregateMessage(errs) };
    // jwt.go checks the issuer again here because its first look parsed the payload unverified;
    // satoken's first look (claims) read this same decoded payload, so the issuer is known good
    const claims = readClaims(d.payload);
    let tokenAuds = claims.aud;
    if (tokenAuds.length === 0) tokenAuds = [...this.opts.implicitAudiences];
    const requested = requestedAudiences && requestedAudiences.length ? requestedAudiences : this.opts.implicitAudiences;
    const auds = intersectAudiences(tokenAuds, requested);
    if (auds.length === 0 && this.opts.implicitAudiences.length !== 0) {
      return { kind: 'error', message: `token audiences ${goQuoteList(tokenAuds)} is invalid for the target audiences ${goQuoteList(requested)}` };
    }
    try {
      return { kind: 'ok', token: await this.opts.validator(token, claims), audiences: auds };
    } catch (e) {
      return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
  }
}
