import { formatGoUrl, parseGoUrl, type GoUrl } from './go-url.js';
import { renderJwks } from './jwks.js';
import type { VerificationKeyEntry } from './key-set.js';

/** Path of the JWKS on the API server (`serviceaccount.JWKSPath`). */
export const JWKS_PATH = '/openid/v1/jwks';
/** Path of the discovery document (`serviceaccount.OpenIDConfigPath`). */
export const OPENID_CONFIG_PATH = '/.well-known/openid-configuration';

/** The discovery document, members in kube-apiserver's struct order. */
export interface OpenIdMetadata {
  issuer: string;
  jwks_uri: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
}

/** The flags and keys the discovery document is built from. */
export interface OpenIdMetadataOptions {
  /** The first `--service-account-issuer`. */
  issuer: string;
  /** `--service-account-jwks-uri`; when empty, built from `externalAddress`. */
  jwksUri?: string;
  /** The API server's external `host:port`: the JWKS URI becomes `https://<addr>/openid/v1/jwks`. */
  externalAddress?: string;
  keySet: { readonly verificationKeys: readonly VerificationKeyEntry[] };
  /**
   * Accept an `http://` issuer and JWKS URI (kube-apiserver refuses both). satoken relaxes this on
   * purpose so that relying parties such as go-oidc can discover a plain-HTTP test server. Default false.
   */
  allowHttpIssuer?: boolean;
}

/**
 * The `/.well-known/openid-configuration` body (`NewOpenIDMetadataProvider` and `openIDConfigJSON`,
 * pkg/serviceaccount/openidmetadata.go). Checks, in Kubernetes' order, with its messages:
 * - issuer set (`empty issuer URL`); JWKS URI or external address set (`either the JWKS URI or the
 *   default external address, or both, must be set`);
 * - issuer parses as Go parses URLs (`parse "<x>": …`), uses https (`issuer URL must use https
 *   scheme, got: <x>`, relaxed to http too by `allowHttpIssuer`), has no query (`issuer URL may not
 *   include a query, got: <x>`) and no fragment (`issuer URL may not include a fragment, got: <x>`);
 * - without a JWKS URI: `https://<externalAddress>/openid/v1/jwks`, which must re-parse to the same
 *   scheme, host and path; with one: it parses and uses https (`jwksURI requires https scheme, parsed as: <x>`);
 * - at least one key (`no keys provided for validating keyset`).
 * `id_token_signing_alg_values_supported` is the sorted unique algorithms of the published keys.
 * @example
 * JSON.stringify(buildOpenIdMetadata({ issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/openid/v1/jwks', keySet }));
 */
export function buildOpenIdMetadata(options: OpenIdMetadataOptions): OpenIdMetadata {
  const { issuer, jwksUri = '', externalAddress = '' } = options;
  if (issuer === '') throw new Error('empty issuer URL');
  if (jwksUri === '' && externalAddress === '') throw new Error('either the JWKS URI or the default external address, or both, must be set');
  const iss = parseGoUrl(issuer);
  if (iss.scheme !== 'https' && !(options.allowHttpIssuer === true && iss.scheme === 'http')) {
    throw new Error(`issuer URL must use https scheme, got: ${issuer}`);
  }
  if (iss.rawQuery !== '') throw new Error(`issuer URL may not include a query, got: ${issuer}`);
  if (iss.fragment !== '') throw new Error(`issuer URL may not include a fragment, got: ${issuer}`);
  const jwks = jwksUri === '' ? jwksUriFromExternalAddress(externalAddress) : checkJwksUri(jwksUri, options.allowHttpIssuer === true);
  const keys = renderJwks(options.keySet).keys;
  if (keys.length === 0) throw new Error('no keys provided for validating keyset');
  return {
    issuer,
    jwks_uri: jwks,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(keys.map((k) => k.alg))].sort(),
  };
}

function checkJwksUri(jwksUri: string, allowHttp: boolean): string {
  const u = parseGoUrl(jwksUri);
  if (u.scheme !== 'https' && !(allowHttp && u.scheme === 'http')) throw new Error(`jwksURI requires https scheme, parsed as: ${formatGoUrl(u)}`);
  return jwksUri;
}

function jwksUriFromExternalAddress(address: string): string {
  const fail = (why: string): Error =>
    new Error(`attempted to build jwks_uri from external address ${address}, but could not construct a valid URL. Error: ${why}`);
  const built: GoUrl = { ...parseGoUrl(''), scheme: 'https', host: address, path: JWKS_PATH };
  const uri = formatGoUrl(built);
  let parsed: GoUrl;
  try {
    parsed = parseGoUrl(uri);
  } catch (e) {
    throw fail((e as Error).message);
  }
  if (parsed.scheme !== built.scheme || parsed.host !== built.host || parsed.path !== built.path) {
    throw fail(`got ${formatGoUrl(parsed)}, expected ${uri}`);
  }
  return uri;
}
