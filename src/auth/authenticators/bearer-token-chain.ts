import type { FaultReporter } from '../../registry/kinds/token-fault.js';
import type { TokenAuthResult } from '../../registry/types.js';
import { aggregateMessage } from '../../util/go-format.js';
import { decodeJws, type DecodedJws } from '../../tokens/jws.js';
import { sha256 } from '../../util/sha256.js';

/**
 * A bearer token as presented, with its SHA-256 (base64url) and its JWS decoding each computed
 * at most once per request: the static token map and the review cache key by the digest, the
 * bound and legacy authenticators read the one decoding.
 */
export class PresentedToken {
  private hash: string | undefined;
  private decoded: DecodedJws | null | undefined;

  constructor(readonly value: string) {}

  get digest(): string {
    return (this.hash ??= sha256(this.value, 'base64url'));
  }

  /** The token decoded as a compact JWS, once for every authenticator that asks; undefined when it is not one. */
  get jws(): DecodedJws | undefined {
    if (this.decoded === undefined) this.decoded = decodeJws(this.value) ?? null;
    return this.decoded ?? undefined;
  }
}

/**
 * A bearer-token authenticator: `undefined` = not mine; `{ error }` = mine but rejected. It may
 * answer synchronously (a review-cache hit, an empty token map) to spare the chain a promise.
 */
export type TokenAuthenticator = (token: PresentedToken, audiences: readonly string[] | undefined) => TokenAuthResult | undefined | Promise<TokenAuthResult | undefined>;

export type { TokenAuthResult };

/**
 * What a chain may put in front of its authenticators (faults/review-faults.ts: TokenFaults of
 * target `review`): undefined lets the chain answer as usual; anything else is the answer (it
 * may call `answer` later, after a delay, or throw a StatusError for the request to end with).
 */
export interface ChainInterceptor {
  intercept(token: PresentedToken, audiences: readonly string[] | undefined, report: FaultReporter | undefined, answer: () => TokenAuthResult | Promise<TokenAuthResult>): TokenAuthResult | Promise<TokenAuthResult> | undefined;
}

/** what the loopback authenticator says of every token it does not know */
const INVALID = 'invalid bearer token';

/**
 * The request chain's bearer-token union as clients see it (§4.6): a loopback authenticator that
 * always says `invalid bearer token` for foreign tokens, then the configured authenticators; the
 * first success wins, otherwise the distinct errors are aggregated: garbage gives
 * `invalid bearer token`, a rejected service-account token `[invalid bearer token, <why>]`.
 * An interceptor, when given, sees every token first.
 * @example
 * const chain = new BearerTokenChain([staticTokens, boundTokens, legacyTokens]);
 * await chain.authenticate(token, ['vault']);
 */
export class BearerTokenChain {
  constructor(
    private readonly authenticators: readonly TokenAuthenticator[],
    private readonly interceptor?: ChainInterceptor,
  ) {}

  async authenticate(token: string, audiences?: readonly string[], report?: FaultReporter): Promise<TokenAuthResult> {
    return this.answer(token, audiences, report);
  }

  /**
   * {@link authenticate}, without a promise when every authenticator asked answered at once.
   * `report` hears of a fault that acted on this token (the request's audit event is annotated).
   */
  answer(value: string, audiences?: readonly string[], report?: FaultReporter): TokenAuthResult | Promise<TokenAuthResult> {
    const token = new PresentedToken(value);
    if (this.interceptor) {
      const r = this.interceptor.intercept(token, audiences, report, () => this.run(token, audiences));
      if (r !== undefined) return r;
    }
    return this.run(token, audiences);
  }

  private run(token: PresentedToken, audiences: readonly string[] | undefined): TokenAuthResult | Promise<TokenAuthResult> {
    let errs: string[] | undefined;
    for (let i = 0; i < this.authenticators.length; i++) {
      const r = this.authenticators[i]!(token, audiences);
      if (r instanceof Promise) return r.then((x) => this.rest(token, audiences, errs ?? [INVALID], i, x));
      if (!r) continue;
      if ('user' in r) return r;
      (errs ??= [INVALID]).push(r.error);
    }
    return { error: aggregateMessage(errs ?? [INVALID]) };
  }
  /** The chain after authenticator `i` answered `r` asynchronously. */
  private async rest(token: PresentedToken, audiences: readonly string[] | undefined, errs: string[], i: number, r: TokenAuthResult | undefined): Promise<TokenAuthResult> {
    for (;;) {
      if (r) {
        if ('user' in r) return r;
        errs.push(r.error);
      }
      if (++i >= this.authenticators.length) return { error: aggregateMessage(errs) };
      r = await this.authenticators[i]!(token, audiences);
    }
  }
}
