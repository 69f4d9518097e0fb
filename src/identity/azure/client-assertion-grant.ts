import { rfc3339 } from '../../clock/clock.js';
import type { Clock } from '../../clock/index.js';
import { credentialIdOf, type TokenExchangeRecord } from '../exchange-record.js';
import type { JsonFetcher } from '../oidc/fetch-json.js';
import { parseUnverified, type SignatureFailure, verifyIssuerSignature } from '../oidc/issuer-verifier.js';
import type { TrustRules } from '../trust-rules.js';
import { type EntraError, entraErrors } from './entra-error.js';
import { EntraTokenSigner, objectIdFor } from './entra-token-signer.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** How long issued access tokens last, as Entra's `expires_in` for app tokens usually reads. */
export const ACCESS_TOKEN_SECONDS = 3599;

export interface ClientAssertionDeps {
  trust: TrustRules;
  fetchJson: JsonFetcher;
  clock: Clock;
  signer: EntraTokenSigner;
  /** tenants that exist even with no federated credential declared (the webhook's default tenant) */
  tenants?: () => readonly string[];
}

export interface AccessTokenResponse {
  token_type: 'Bearer';
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
}

/** Whether a tenant exists: named by a federated credential, or configured. */
export function tenantExists(tenant: string, deps: Pick<ClientAssertionDeps, 'trust' | 'tenants'>): boolean {
  return (deps.tenants?.() ?? []).includes(tenant) || deps.trust.azureCredentials().some((f) => f.spec.tenantID === tenant);
}

function signatureError(f: SignatureFailure): EntraError {
  switch (f.reason) {
    case 'discovery-unreachable':
    case 'jwks-unreachable':
      return entraErrors.oidcUnreachable();
    case 'discovery-invalid':
    case 'jwks-invalid':
    case 'issuer-mismatch':
      return entraErrors.oidcUnusable();
    case 'key-not-found':
      return entraErrors.keyNotFound(f.kid);
    case 'bad-signature':
      return entraErrors.badSignature();
  }
}

/**
 * The token endpoint's client-credentials grant with a federated client assertion (what
 * WorkloadIdentityCredential sends), checked in this order, each failure with Entra's code:
 * - `grant_type` (client_credentials), `client_id`, `scope` present (AADSTS900144); a scope
 *   ending in `/.default` (AADSTS1002012); `client_assertion` present (AADSTS7000218) of type
 *   jwt-bearer
 * - the tenant exists (AADSTS90002) and has the application (AADSTS700016)
 * - the assertion is a JWT (AADSTS50027) with `iss` and `sub` (else AADSTS70021)
 * - one of the application's federated credentials has the assertion's issuer (AADSTS700211),
 *   then also its subject (AADSTS700213), then an audience the assertion carries (AADSTS700212);
 *   all compared case-sensitively
 * - the signature verifies against the issuer's published keys, fetched over the network
 *   (unreachable: AADSTS90061; an unusable document or another issuer named: AADSTS50166; no
 *   such key, a bad signature: AADSTS700027)
 * - the assertion is within `nbf`..`exp` (AADSTS700024)
 * The access token is an RS256 JWT for the resource, signed by the endpoint's own key.
 * @example
 * const body = await clientAssertionGrant({ tenant, form, authorityHost: 'https://127.0.0.1:6443/' }, deps, record);
 */
export async function clientAssertionGrant(req: { tenant: string; form: URLSearchParams; authorityHost: string }, deps: ClientAssertionDeps, record: Partial<TokenExchangeRecord> = {}): Promise<AccessTokenResponse> {
  const { tenant, form } = req;
  const required = (name: string) => {
    const v = form.get(name);
    if (v === null || v === '') throw entraErrors.missingParameter(name);
    return v;
  };
  const grant = required('grant_type');
  if (grant !== 'client_credentials') throw entraErrors.unsupportedGrant(grant);
  const clientId = required('client_id');
  record.principal = clientId;
  const scope = required('scope');
  const resourceScope = scope.split(' ').find((s) => s.endsWith('/.default'));
  if (!resourceScope) throw entraErrors.invalidScope(scope);
  const assertion = form.get('client_assertion');
  if (assertion === null || assertion === '') throw entraErrors.missingCredential();
  const assertionType = form.get('client_assertion_type') ?? '';
  if (assertionType !== JWT_BEARER) throw entraErrors.invalidAssertionType(assertionType);
  if (!tenantExists(tenant, deps)) throw entraErrors.tenantNotFound(tenant);
  const credentials = deps.trust.azureCredentials().filter((f) => f.spec.tenantID === tenant && f.spec.clientID === clientId);
  if (credentials.length === 0) throw entraErrors.applicationNotFound(clientId, tenant);
  const jwt = parseUnverified(assertion);
  if (!jwt) throw entraErrors.malformedAssertion();
  const { iss, sub, aud, exp, nbf, jti } = jwt.claims;
  Object.assign(record, { credentialId: credentialIdOf(jti), issuer: iss, subject: sub, audience: aud[0] });
  if (iss === undefined || sub === undefined) throw entraErrors.noFederatedCredential(iss ?? '', sub ?? '', aud.join(','));
  const byIssuer = credentials.filter((f) => f.spec.issuer === iss);
  if (byIssuer.length === 0) throw entraErrors.noMatchingIssuer(iss);
  const bySubject = byIssuer.filter((f) => f.spec.subject === sub);
  if (bySubject.length === 0) throw entraErrors.noMatchingSubject(sub);
  const match = bySubject.find((f) => aud.includes((f.spec.audiences ?? ['api://AzureADTokenExchange'])[0]!));
  if (!match) throw entraErrors.noMatchingAudience(aud.join(','));
  record.audience = (match.spec.audiences ?? ['api://AzureADTokenExchange'])[0];
  const failure = await verifyIssuerSignature(jwt, deps.fetchJson);
  if (failure) throw signatureError(failure);
  const now = deps.clock.now();
  const nowSeconds = Math.floor(now / 1000);
  if (exp === undefined || exp <= nowSeconds || (nbf !== undefined && nbf > nowSeconds)) throw entraErrors.notInTimeRange(now, nbf, exp);
  const uti = EntraTokenSigner.uti();
  const oid = objectIdFor(tenant, clientId);
  const accessToken = await deps.signer.sign({
    aud: resourceScope.slice(0, -'/.default'.length),
    iss: `${req.authorityHost}${tenant}/v2.0`,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + ACCESS_TOKEN_SECONDS,
    azp: clientId,
    azpacr: '2',
    idtyp: 'app',
    oid,
    sub: oid,
    tid: tenant,
    uti,
    ver: '2.0',
  });
  record.issued = { id: uti, expiration: rfc3339((nowSeconds + ACCESS_TOKEN_SECONDS) * 1000) };
  return { token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS, ext_expires_in: ACCESS_TOKEN_SECONDS, access_token: accessToken };
}
