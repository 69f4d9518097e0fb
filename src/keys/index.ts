/**
 * keys/: signing and verification keys as Kubernetes handles them (key ids, PEM files, the JWKS and
 * discovery document, issuer flags, the keys directory with rotation) and the TLS material of
 * `satoken serve` (CA, serving and client certificates).
 */
export { algorithmForKey, curveOf, UNKNOWN_CURVE_MESSAGE, type SigningAlgorithm } from './algorithm.js';
export { createCertificateAuthority, issueCertificate, keyMatchesCertificate, readCertificate, type CertificateAndKey, type LeafOptions } from './certificates.js';
export { certificateSubject, issueClientCertificate, type CertificateSubject, type ClientCertificateOptions } from './client-certificate.js';
export { formatGoUrl, GoUrlError, parseGoUrl, type GoUrl } from './go-url.js';
export { issuerErrors, validateIssuers } from './issuers.js';
export { aggregateMessage, goQuote } from '../util/go-format.js';
export { jwkFromKey, renderJwks, type EcJwk, type Jwks, type RsaJwk } from './jwks.js';
export {
  ensureSigningKey,
  generateSigningKey,
  listKeys,
  loadKeyDirectory,
  retiredKeyFile,
  rotateSigningKey,
  PUBLIC_KEY_FILE,
  SIGNING_KEY_FILE,
  type EnsureSigningKeyResult,
  type GeneratedAlgorithm,
  type KeyListing,
  type RotateResult,
  type SigningKeyFiles,
} from './key-directory.js';
export { keyIdFromPublicKey } from './key-id.js';
export { KeySet, MISSING_KEY_FILES_MESSAGE, type KeyFilesOptions, type KeySetInit, type SigningKeyEntry, type VerificationKeyEntry } from './key-set.js';
export { buildOpenIdMetadata, JWKS_PATH, OPENID_CONFIG_PATH, type OpenIdMetadata, type OpenIdMetadataOptions } from './openid-metadata.js';
export {
  decodePemBlocks,
  NO_PRIVATE_KEY_MESSAGE,
  NO_PUBLIC_KEYS_MESSAGE,
  parsePrivateKeyPem,
  parsePublicKeysPem,
  readPrivateKeyFile,
  readPublicKeysFile,
  type PemBlock,
} from './pem.js';
export { CA_CERT_FILE, CA_KEY_FILE, DEFAULT_SERVING_HOSTS, ensureServingCertificates, SERVING_CERT_FILE, SERVING_KEY_FILE, type ServingCertificates } from './tls.js';
