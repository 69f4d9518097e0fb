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
