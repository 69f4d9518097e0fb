/**
 * The v2.0 OpenID configuration of a tenant, as Entra serves it under
 * `<authority host><tenant>/v2.0/.well-known/openid-configuration` (its members in Entra's order;
 * those pointing at other Microsoft services left out). MSAL requires `authorization_endpoint`,
 * `token_endpoint`, `issuer` and `jwks_uri`, and the issuer's origin to be the authority's.
 * @example
 * entraOpenIdConfiguration('https://127.0.0.1:6443/', tenantId).token_endpoint; // 'https://127.0.0.1:6443/<tenant>/oauth2/v2.0/token'
 */
export function entraOpenIdConfiguration(host: string, tenant: string): Record<string, unknown> {
  const base = `${host}${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    tenant_region_scope: null,
  };
}
