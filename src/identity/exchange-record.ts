/**
 * One token exchange at a cloud endpoint, for the request recorder (audit) and the log: which
 * service-account token was presented (its credential id, as Kubernetes writes it in audit
 * annotations: `JTI=<jti>`), what it asked for, and what was issued or why it was refused.
 * Never a token, secret or session token: issued credentials are named by their public id.
 */
export interface TokenExchangeRecord {
  cloud: 'aws' | 'azure';
  /** `AssumeRoleWithWebIdentity`, `GetCallerIdentity`, or Entra's `client_credentials` grant */
  operation: string;
  /** `issued`: credentials or a token were handed out; `answered`: a signed call was served */
  outcome: 'issued' | 'answered' | 'refused';
  /** the cloud's error code when refused (`InvalidIdentityToken`, `AADSTS700213`, …) */
  error?: string;
  /** `JTI=<jti>` of the presented service-account token */
  credentialId?: string;
  issuer?: string;
  subject?: string;
  audience?: string;
  /** the role ARN or the application's client id asked for */
  principal?: string;
  /** what was issued: an access key id or an access token's `uti`, and when it expires (RFC 3339) */
  issued?: { id: string; expiration: string };
  sourceIP?: string;
  userAgent?: string;
}

export type ExchangeObserver = (record: TokenExchangeRecord) => void;

/** `JTI=<jti>`, the credential id Kubernetes gives a service-account token (KEP-4193). */
export function credentialIdOf(jti: string | undefined): string | undefined {
  return jti ? `JTI=${jti}` : undefined;
}

const RECORDS = new WeakMap<object, TokenExchangeRecord>();

/**
 * The exchange a request made, once its endpoint has answered it: for observers of the request's
 * end (the request recorder, the request log), which see cloud endpoint requests like any other.
 * @example
 * const exchange = exchangeOf(req); // { cloud: 'aws', credentialId: 'JTI=…', outcome: 'issued', … }
 */
export function exchangeOf(req: object): TokenExchangeRecord | undefined {
  return RECORDS.get(req);
}

/** Attaches a request's exchange record (the endpoints do, before they tell the observer). */
export function attachExchange(req: object, record: TokenExchangeRecord): void {
  RECORDS.set(req, record);
}

/** The annotations an exchange's audit event carries (besides the user's credential id). */
export const EXCHANGE_ANNOTATIONS = {
  cloud: 'workload-identity.satoken.dev/cloud',
  operation: 'workload-identity.satoken.dev/operation',
  outcome: 'workload-identity.satoken.dev/outcome',
  error: 'workload-identity.satoken.dev/error',
  principal: 'workload-identity.satoken.dev/principal',
  issued: 'workload-identity.satoken.dev/issued-credential',
  /** a refused exchange's token was not verified: its credential id is only what it claimed */
  presented: 'workload-identity.satoken.dev/presented-credential-id',
} as const;

/**
 * How the audit records an exchange: as a use of the exchanged token when the cloud verified it
 * (the user its `sub`, with `authentication.kubernetes.io/credential-id: JTI=<jti>` in extra, so
 * that the token's lineage lists the exchange), else as the anonymous request it was (the claimed
 * credential id kept apart, in an annotation); the cloud, operation, outcome, error, principal
 * and issued credential's public id as annotations.
 * @example
 * const { user, annotations } = exchangeAudit(exchangeOf(req)!);
 */
export function exchangeAudit(r: TokenExchangeRecord): { user: { username: string; groups: string[]; extra?: Record<string, string[]> } | undefined; annotations: Record<string, string> } {
  const verified = r.outcome !== 'refused';
  const annotations: Record<string, string> = { [EXCHANGE_ANNOTATIONS.cloud]: r.cloud, [EXCHANGE_ANNOTATIONS.operation]: r.operation, [EXCHANGE_ANNOTATIONS.outcome]: r.outcome };
  if (r.error) annotations[EXCHANGE_ANNOTATIONS.error] = r.error;
  if (r.principal) annotations[EXCHANGE_ANNOTATIONS.principal] = r.principal;
  if (r.issued) annotations[EXCHANGE_ANNOTATIONS.issued] = r.issued.id;
  if (!verified && r.credentialId) annotations[EXCHANGE_ANNOTATIONS.presented] = r.credentialId;
  const user = verified && r.subject ? { username: r.subject, groups: [], ...(r.credentialId ? { extra: { 'authentication.kubernetes.io/credential-id': [r.credentialId] } } : {}) } : undefined;
  return { user, annotations };
}
