import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildOpenIdMetadata, KeySet, type OpenIdMetadataOptions } from '../../src/keys/index.js';
import { CONFIG_VECTOR, EC_PRIVATE_KEY, EC_PUBLIC_KEY, RSA_PRIVATE_KEY, RSA_PUBLIC_KEY } from './fixtures.js';

const keySet = new KeySet({ verificationKeys: [createPublicKey(RSA_PUBLIC_KEY), createPublicKey(EC_PUBLIC_KEY)] });
const issuer = 'https://issuer.example.com';
const jwksUri = `${issuer}/openid/v1/jwks`;
const configFor = (over: Partial<OpenIdMetadataOptions>): string => JSON.stringify(buildOpenIdMetadata({ issuer, jwksUri, keySet, ...over }));

function thrownMessage(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

describe('buildOpenIdMetadata', () => {
  it.each<[string, Partial<OpenIdMetadataOptions>, string]>([
    ['the exact config vector of TestNewOpenIDMetadata', {}, CONFIG_VECTOR],
    ['private keys, published as public only', { keySet: new KeySet({ verificationKeys: [createPrivateKey(RSA_PRIVATE_KEY), createPrivateKey(EC_PRIVATE_KEY)] }) }, CONFIG_VECTOR],
    [
      'a JWKS URI built from the external address',
      { jwksUri: '', externalAddress: '192.0.2.1:80' },
      '{"issuer":"https://issuer.example.com","jwks_uri":"https://192.0.2.1:80/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}',
    ],
    [
      'IP addresses instead of domains',
      { issuer: 'https://192.0.2.1:80', jwksUri: 'https://192.0.2.1:80/openid/v1/jwks' },
      '{"issuer":"https://192.0.2.1:80","jwks_uri":"https://192.0.2.1:80/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}',
    ],
    [
      'an http issuer when allowHttpIssuer is set (for go-oidc against a plain-HTTP server)',
      { issuer: 'http://127.0.0.1:8080', jwksUri: '', externalAddress: '127.0.0.1:8080', allowHttpIssuer: true },
      '{"issuer":"http://127.0.0.1:8080","jwks_uri":"https://127.0.0.1:8080/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}',
    ],
    [
      'an issuer with an empty query or fragment (Go sees no query and no fragment)',
      { issuer: 'https://issuer.example.com?#' },
      '{"issuer":"https://issuer.example.com?#","jwks_uri":"https://issuer.example.com/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}',
    ],
  ])('renders %s', (_name, over, expected) => {
    expect(configFor(over)).toBe(expected);
  });

  it.each<[string, Partial<OpenIdMetadataOptions>, string]>([
    ['issuer missing https', { issuer: 'http://issuer.example.com' }, 'issuer URL must use https scheme, got: http://issuer.example.com'],
    ['issuer missing scheme', { issuer: 'issuer.example.com' }, 'issuer URL must use https scheme, got: issuer.example.com'],
    ['issuer includes query', { issuer: 'https://issuer.example.com?foo=bar' }, 'issuer URL may not include a query, got: https://issuer.example.com?foo=bar'],
    ['issuer includes fragment', { issuer: 'https://issuer.example.com#baz' }, 'issuer URL may not include a fragment, got: https://issuer.example.com#baz'],
    ['issuer includes query and fragment', { issuer: 'https://issuer.example.com?foo=bar#baz' }, 'issuer URL may not include a query, got: https://issuer.example.com?foo=bar#baz'],
    ['issuer is not a valid URL', { issuer: 'issuer' }, 'issuer URL must use https scheme, got: issuer'],
    ['issuer does not parse', { issuer: 'https://host:port' }, 'parse "https://host:port": invalid port ":port" after host'],
    ['issuer is empty', { issuer: '' }, 'empty issuer URL'],
    ['an ftp issuer even with allowHttpIssuer', { issuer: 'ftp://issuer.example.com', allowHttpIssuer: true }, 'issuer URL must use https scheme, got: ftp://issuer.example.com'],
    ['jwks missing https', { jwksUri: 'http://issuer.example.com/openid/v1/jwks' }, 'jwksURI requires https scheme, parsed as: http://issuer.example.com/openid/v1/jwks'],
    ['jwks missing scheme', { jwksUri: 'issuer.example.com/openid/v1/jwks' }, 'jwksURI requires https scheme, parsed as: issuer.example.com/openid/v1/jwks'],
    ['jwks is not a valid URL', { jwksUri: 'issuer/openid/v1/jwks' }, 'jwksURI requires https scheme, parsed as: issuer/openid/v1/jwks'],
    [
      'external address also has a scheme',
      { jwksUri: '', externalAddress: 'https://192.0.2.1:80' },
      'attempted to build jwks_uri from external address https://192.0.2.1:80, but could not construct a valid URL. Error: parse "https://https:%2F%2F192.0.2.1:80/openid/v1/jwks": invalid URL escape "%2F"',
    ],
    ['missing external address and jwks', { jwksUri: '' }, 'either the JWKS URI or the default external address, or both, must be set'],
    ['no keys', { keySet: new KeySet() }, 'no keys provided for validating keyset'],
  ])('refuses: %s', (_name, over, message) => {
    expect(thrownMessage(() => configFor(over))).toBe(message);
  });
});
