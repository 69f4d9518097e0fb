import { generateKeyPairSync } from 'node:crypto';
import type { Clock } from './clock/index.js';
import { KeySet, buildOpenIdMetadata, renderJwks, createCertificateAuthority } from './keys/index.js';
import type { KeySource } from './tokens/key-source.js';

export interface KeyOptions {
  /** algorithm of a generated signing key (default RS256) */
  algorithm?: 'RS256' | 'ES256';
  /** a ready key set (e.g. loaded from a keys directory by `serve`) */
  keySet?: KeySet;
  /** PEM of the cluster CA published in `kube-root-ca.crt` (default: a fresh in-memory CA) */
  caCert?: string;
  /** let `http://` issuers publish discovery (go-oidc accepts them; kube-apiserver does not) */
  allowHttpIssuer?: boolean;
}

/** What the emulator needs of its keys: signing/verification, JWKS, discovery, and the CA to publish. */
export interface EmulatorKeys {
  keySet: KeySet;
  source: KeySource;
  caCert: string;
  /** the CA's private key, when the emulator made the CA itself: `listen()` serves a certificate it signed */
  caKey?: string;
  jwks(): object;
  /** discovery for `issuer`; the JWKS URI is `jwksUri`, else `https://<externalAddress>/openid/v1/jwks`, else `<issuer>/openid/v1/jwks` */
  openIdConfiguration(issuer: string, where?: { jwksUri?: string; externalAddress?: string }): object;
}

/**
 * Keys for an emulator: the given key set, or a new in-memory one (RSA 2048 by default), so the
 * library starts without touching the disk.
 */
export async function loadEmulatorKeys(opts: KeyOptions, clock: Clock): Promise<EmulatorKeys> {
  const keySet = opts.keySet ?? new KeySet({ signingKey: opts.algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey });
  const ca = opts.caCert === undefined ? await createCertificateAuthority({ clock }) : undefined;
  const caCert = opts.caCert ?? ca!.cert;
  return {
    keySet,
    source: keySet,
    caCert,
    ...(ca ? { caKey: ca.key } : {}),
    jwks: () => renderJwks(keySet),
    openIdConfiguration: (issuer, where = {}) =>
      buildOpenIdMetadata({
        issuer,
        keySet,
        allowHttpIssuer: opts.allowHttpIssuer ?? true,
        ...(where.jwksUri ? { jwksUri: where.jwksUri } : where.externalAddress ? { externalAddress: where.externalAddress } : { jwksUri: `${issuer.replace(/\/$/, '')}/openid/v1/jwks` }),
      }),
  };
}
