import { serviceAccountUsername } from './service-account-username.js';

/** pkg/serviceaccount/legacy.go: the issuer of Secret-based tokens. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export const LEGACY_NAMESPACE_CLAIM = 'kubernetes.io/serviceaccount/namespace';
export const LEGACY_SECRET_NAME_CLAIM = 'kubernetes.io/serviceaccount/secret.name';
export const LEGACY_SA_NAME_CLAIM = 'kubernetes.io/serviceaccount/service-account.name';
export const LEGACY_SA_UID_CLAIM = 'kubernetes.io/serviceaccount/service-account.uid';

export interface LegacyClaims {
  iss: string;
  [LEGACY_NAMESPACE_CLAIM]: string;
  [LEGACY_SECRET_NAME_CLAIM]: string;
  [LEGACY_SA_NAME_CLAIM]: string;
  [LEGACY_SA_UID_CLAIM]: string;
  sub: string;
}

/**
 * LegacyClaims: no aud, exp, iat, nbf or jti, so the token never expires.
 * @example
 * legacyClaims({ namespace: 'default', serviceAccountName: 'build-robot', serviceAccountUID: 'a709…', secretName: 'build-robot-token' });
 */
export function legacyClaims(i: { namespace: string; serviceAccountName: string; serviceAccountUID: string; secretName: string }): LegacyClaims {
  return {
    iss: LEGACY_ISSUER,
    [LEGACY_NAMESPACE_CLAIM]: i.namespace,
    [LEGACY_SECRET_NAME_CLAIM]: i.secretName,
    [LEGACY_SA_NAME_CLAIM]: i.serviceAccountName,
    [LEGACY_SA_UID_CLAIM]: i.serviceAccountUID,
    sub: serviceAccountUsername(i.namespace, i.serviceAccountName),
  };
}
