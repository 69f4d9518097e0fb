import { randomUUID } from 'node:crypto';

const WIF_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';

/**
 * An error of the Microsoft identity platform's token endpoint: an OAuth `error`, an `AADSTS`
 * code and its description, and an HTTP status. Rendered by {@link entraErrorBody} as Entra
 * writes it (`error_description` ending in trace and correlation ids and a timestamp).
 */
export class EntraError extends Error {
  override readonly name = 'EntraError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number | undefined,
    description: string,
  ) {
    super(description);
  }
}

const aadsts = (status: number, error: string, code: number, text: string) => new EntraError(status, error, code, `AADSTS${code}: ${text}`);

/** `2024-10-02T22:05:03.6755165Z`: .NET's round-trip format, seven fractional digits, as AADSTS700024 prints times. */
function roundTrip(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** Entra's errors for the client-assertion (workload identity federation) flow, one constructor per case. */
export const entraErrors = {
  missingParameter: (name: string) => aadsts(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string) => aadsts(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  invalidScope: (scope: string) =>
    aadsts(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`),
  missingCredential: () => aadsts(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  invalidAssertionType: (type: string) => aadsts(400, 'invalid_request', 70002, `The client_assertion_type '${type}' is not supported; expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.`),
  tenantNotFound: (tenant: string) =>
    aadsts(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  applicationNotFound: (clientId: string, tenant: string) =>
    aadsts(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  malformedAssertion: () => aadsts(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.'),
  noFederatedCredential: (iss: string, sub: string, aud: string) =>
    aadsts(401, 'invalid_client', 70021, `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud}'. ${WIF_DOCS}`),
  noMatchingIssuer: (iss: string) =>
    aadsts(401, 'invalid_client', 700211, `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOCS}`),
  noMatchingAudience: (aud: string) =>
    aadsts(401, 'invalid_client', 700212, `No matching federated identity record found for presented assertion audience '${aud}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOCS}`),
  noMatchingSubject: (sub: string) =>
    aadsts(401, 'invalid_client', 700213, `No matching federated identity record found for presented assertion subject '${sub}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOCS}`),
  oidcUnreachable: () => aadsts(400, 'invalid_request', 90061, 'Request to External OIDC endpoint failed.'),
  oidcUnusable: () => aadsts(400, 'invalid_request', 50166, 'Request to External OIDC endpoint failed.'),
  keyNotFound: (kid: string | undefined) => aadsts(401, 'invalid_client', 700027, `Client assertion contains an invalid signature. [Reason - The key was not found., Key ID used by client: '${kid ?? ''}']`),
  badSignature: () => aadsts(401, 'invalid_client', 700027, 'Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value.]'),
  notInTimeRange: (now: number, nbf: number | undefined, exp: number | undefined) =>
    aadsts(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${roundTrip(now)}, assertion valid from ${roundTrip((nbf ?? 0) * 1000)}, expiry time of assertion ${roundTrip((exp ?? 0) * 1000)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    ),
  unsupportedEndpoint: (what: string) => new EntraError(400, 'invalid_request', undefined, `satoken's Entra endpoint serves the client-credentials grant with a client assertion, not ${what}.`),
  tooLarge: (limit: number) => new EntraError(413, 'invalid_request', undefined, `The request body is larger than ${limit} bytes.`),
};

/** `2022-10-27 23:39:22Z`, as Entra stamps its errors. */
export function entraTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The JSON body of an Entra error: `error`, `error_description` with ` Trace ID: … Correlation ID:
 * … Timestamp: …` appended, `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`.
 * @example
 * entraErrorBody(entraErrors.malformedAssertion(), { now, correlationId, host: 'https://127.0.0.1:6443/' });
 */
export function entraErrorBody(e: EntraError, o: { now: number; correlationId?: string; host: string }): Record<string, unknown> {
  const traceId = randomUUID();
  const correlationId = o.correlationId ?? randomUUID();
  const timestamp = entraTimestamp(o.now);
  return {
    error: e.error,
    error_description: `${e.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    ...(e.code !== undefined ? { error_codes: [e.code] } : {}),
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    ...(e.code !== undefined ? { error_uri: `${o.host}error?code=${e.code}` } : {}),
  };
}
