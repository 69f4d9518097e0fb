import { type AWSRole, type ConditionOperator, conditionClaim, providerKey } from '../../registry/kinds/trust.js';

/** The request context of AssumeRoleWithWebIdentity that a trust policy's conditions test. */
export interface WebIdentityContext {
  sub: string;
  /** the audience that matched the provider's client IDs */
  aud: string;
}

/** IAM's `StringLike` wildcards: `*` any run of characters, `?` exactly one. */
function like(pattern: string, value: string): boolean {
  const re = new RegExp(`^${[...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'su');
  return re.test(value);
}

const TESTS: Record<ConditionOperator, (values: string[], actual: string | undefined) => boolean> = {
  StringEquals: (values, actual) => actual !== undefined && values.includes(actual),
  StringNotEquals: (values, actual) => actual === undefined || !values.includes(actual),
  StringLike: (values, actual) => actual !== undefined && values.some((p) => like(p, actual)),
  StringNotLike: (values, actual) => actual === undefined || !values.some((p) => like(p, actual)),
};

/**
 * Whether a role's trust policy lets this web identity assume it, as IAM evaluates one
 * `Allow` statement for `sts:AssumeRoleWithWebIdentity`:
 * - the statement's `Principal.Federated` is the role's OIDC provider, which must be the
 *   token's issuer (compared as AWS names providers: host and path)
 * - every condition operator must hold (AND), and within one, every key (AND); a key holds when
 *   any of its values matches (OR); the negated operators hold when no value matches
 * - values compare case-sensitively
 * @example
 * trustsWebIdentity(role, 'https://127.0.0.1:6443', { sub: 'system:serviceaccount:default:app', aud: 'sts.amazonaws.com' });
 */
export function trustsWebIdentity(role: AWSRole, issuer: string, ctx: WebIdentityContext): boolean {
  const key = providerKey(role.spec.oidcProvider.url);
  if (key !== providerKey(issuer)) return false;
  for (const [op, block] of Object.entries(role.spec.conditions ?? {}) as Array<[ConditionOperator, Record<string, string | string[]>]>) {
    const test = TESTS[op];
    if (!test) return false;
    for (const [k, v] of Object.entries(block)) {
      const claim = conditionClaim(k, key);
      if (!claim || !test(typeof v === 'string' ? [v] : v, ctx[claim])) return false;
    }
  }
  return true;
}
