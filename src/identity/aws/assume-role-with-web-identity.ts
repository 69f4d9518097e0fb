import { rfc3339 } from '../../clock/clock.js';
import type { Clock } from '../../clock/index.js';
import { credentialIdOf, type TokenExchangeRecord } from '../exchange-record.js';
import type { JsonFetcher } from '../oidc/fetch-json.js';
import { parseUnverified, type SignatureFailure, verifyIssuerSignature } from '../oidc/issuer-verifier.js';
import { providerKey } from '../../registry/kinds/trust.js';
import type { TrustRules } from '../trust-rules.js';
import { stsErrors, StsError } from './sts-error.js';
import type { AssumeRoleParams } from './sts-params.js';
import { type IssuedAwsCredentials, roleArnParts, type StsCredentialStore } from './sts-credentials.js';
import { trustsWebIdentity } from './trust-policy.js';

export interface WebIdentityDeps {
  trust: TrustRules;
  fetchJson: JsonFetcher;
  clock: Clock;
  credentials: StsCredentialStore;
}

export interface WebIdentityResult {
  credentials: IssuedAwsCredentials;
  subject: string;
  audience: string;
  /** the OIDC provider's ARN */
  provider: string;
}

/** What a refusal says to the log: the detail the cloud keeps to itself. */
export interface RefusalDetail {
  error: StsError;
  detail?: string;
}

function signatureError(f: SignatureFailure): RefusalDetail {
  switch (f.reason) {
    case 'discovery-unreachable':
    case 'jwks-unreachable':
      return { error: stsErrors.idpUnreachable(), detail: `${f.url}: ${f.detail}` };
    case 'discovery-invalid':
    case 'jwks-invalid':
      return { error: stsErrors.verificationKey(), detail: `${f.url}: ${f.detail}` };
    case 'issuer-mismatch':
      return { error: stsErrors.verificationKey(), detail: `${f.url} names the issuer ${JSON.stringify(f.documentIssuer)}, not the token's` };
    case 'key-not-found':
      return { error: stsErrors.verificationKey(), detail: `no key ${f.kid === undefined ? '' : JSON.stringify(f.kid)} in the issuer's JWKS` };
    case 'bad-signature':
      return { error: stsErrors.badSignature(), detail: 'the signature does not verify' };
  }
}

/**
 * AssumeRoleWithWebIdentity for an OIDC provider, checked in the order STS reports failures:
 * - the token must be a JWT (`InvalidIdentityToken`) with `iss`, `sub`, `aud` and `exp`
 * - an OIDC provider for its issuer must be declared (an `AWSRole` trusting it), else
 *   `No OpenIDConnect provider found in your account for <iss>`
 * - one of its audiences must be among the provider's client IDs (`Incorrect token audience`)
 * - its signature must verify against the keys the issuer publishes, fetched over the network
 *   (unreachable: `IDPCommunicationError`; a document naming another issuer, no such key, an
 *   unusable document: `Couldn't retrieve verification key ...`)
 * - it must not have expired (`ExpiredTokenException`, AWS's message)
 * - the role must exist and its trust policy allow this identity (`AccessDenied`)
 * - DurationSeconds (default 3600) must not exceed the role's MaxSessionDuration
 * Credentials last DurationSeconds and carry the token's credential id.
 * @example
 * const r = await assumeRoleWithWebIdentity(params, deps);
 */
export async function assumeRoleWithWebIdentity(p: AssumeRoleParams, deps: WebIdentityDeps, record: Partial<TokenExchangeRecord> = {}): Promise<WebIdentityResult> {
  const jwt = parseUnverified(p.webIdentityToken);
  if (!jwt) throw refusal({ error: stsErrors.notAJwt() });
  const { iss, sub, aud, exp, jti } = jwt.claims;
  Object.assign(record, { credentialId: credentialIdOf(jti), issuer: iss, subject: sub, audience: aud[0], principal: p.roleArn });
  if (iss === undefined) throw refusal({ error: stsErrors.missingClaim('iss') });
  if (sub === undefined) throw refusal({ error: stsErrors.missingClaim('sub') });
  if (aud.length === 0) throw refusal({ error: stsErrors.missingClaim('aud') });
  if (exp === undefined) throw refusal({ error: stsErrors.missingClaim('exp') });
  const roles = deps.trust.awsRoles();
  const providerRoles = roles.filter((r) => providerKey(r.spec.oidcProvider.url) === providerKey(iss));
  if (providerRoles.length === 0) throw refusal({ error: stsErrors.noProvider(iss) });
  const clientIds = new Set(providerRoles.flatMap((r) => r.spec.oidcProvider.clientIDs ?? ['sts.amazonaws.com']));
  const audience = aud.find((a) => clientIds.has(a));
  if (audience === undefined) throw refusal({ error: stsErrors.incorrectAudience(), detail: `the token's audiences ${JSON.stringify(aud)} are not among the provider's client IDs ${JSON.stringify([...clientIds])}` });
  record.audience = audience;
  const failure = await verifyIssuerSignature(jwt, deps.fetchJson);
  if (failure) throw refusal(signatureError(failure));
  const now = deps.clock.now();
  const nowSeconds = Math.floor(now / 1000);
  if (exp <= nowSeconds) throw refusal({ error: stsErrors.expiredToken(nowSeconds, exp) });
  const role = roles.find((r) => r.spec.arn === p.roleArn);
  if (!role || !trustsWebIdentity(role, iss, { sub, aud: audience })) {
    throw refusal({ error: stsErrors.notAuthorized(), detail: role ? `the trust policy of ${p.roleArn} does not allow ${sub}` : `no AWSRole declares ${p.roleArn}` });
  }
  const duration = p.durationSeconds ?? 3600;
  if (duration > (role.spec.maxSessionDuration ?? 3600)) throw refusal({ error: stsErrors.durationExceedsRole() });
  const credentials = deps.credentials.issue({ roleArn: role.spec.arn, sessionName: p.roleSessionName, expiration: now + duration * 1000, credentialId: credentialIdOf(jti), now });
  record.issued = { id: credentials.accessKeyId, expiration: rfc3339(credentials.expiration) };
  const { partition, account } = roleArnParts(role.spec.arn);
  return { credentials, subject: sub, audience, provider: `arn:${partition}:iam::${account}:oidc-provider/${providerKey(role.spec.oidcProvider.url)}` };
}

/** An StsError that also carries what the log may say about it. */
export class StsRefusal extends StsError {
  constructor(
    base: StsError,
    readonly detail: string | undefined,
  ) {
    super(base.code, base.message, base.status, base.type);
  }
}

function refusal(r: RefusalDetail): StsRefusal {
  return new StsRefusal(r.error, r.detail);
}
