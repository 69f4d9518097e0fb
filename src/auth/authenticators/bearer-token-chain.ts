import type { UserInfo } from '../../registry/types.js';
import { aggregateMessage } from '../../util/go-format.js';

/**
 * A bearer-token authenticator: `undefined` = not mine; `{ error }` = mine but rejected. It may
 * answer synchronously (a review-cache hit, an empty token map) to spare the chain a promise.
 */
export type TokenAuthenticator = (token: string, audiences: readonly string[] | undefined) => TokenAuthResult | undefined | Promise<TokenAuthResult | undefined>;

export type TokenAuthResult = { user: UserInfo; audiences: string[] } | { error: string };

/** what the loopback authenticator says of every token it does not know */
const INVALID = 'invalid bearer token';

/**
 * The request chain's bearer-token union as clients see it (§4.6): a loopback authenticator that
 * always says `invalid bearer token` for foreign tokens, then the configured authenticators; the
 * first success wins, otherwise the distinct errors are aggregated: garbage gives
 * `invalid bearer token`, a rejected service-account token `[invalid bearer token, <why>]`.
 * @example
 * const chain = new BearerTokenChain([staticTokens, boundTokens, legacyTokens]);
 * await chain.authenticate(token, ['vault']);
 */
export class BearerTokenChain {
  constructor(private readonly authenticators: readonly TokenAuthenticator[]) {}

  async authenticate(token: string, audiences?: readonly string[]): Promise<TokenAuthResult> {
    return this.answer(token, audiences);
  }

  /** {@link authenticate}, without a promise when every authenticator asked answered at once. */
  answer(token: string, audiences?: readonly string[]): TokenAuthResult | Promise<TokenAuthResult> {
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
  private async rest(token: string, audiences: readonly string[] | undefined, errs: string[], i: number, r: TokenAuthResult | undefined): Promise<TokenAuthResult> {
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
