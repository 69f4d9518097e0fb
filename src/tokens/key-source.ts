import type { KeyObject } from 'node:crypto';

/**
 * What the token code needs of the key set (implemented by keys/KeySet): one signing key, and
 * verification keys looked up by kid (all keys when the token names none, as Kubernetes'
 * StaticPublicKeysGetter does).
 */
export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
}

export interface VerificationKey {
  kid: string;
  alg: string;
  publicKey: KeyObject;
}

export interface KeySource {
  readonly signingKey: SigningKey | undefined;
  keysFor(kid: string | undefined): readonly VerificationKey[];
  algorithms(): string[];
}
