import { createPublicKey, type KeyObject } from 'node:crypto';
import type { KeySource } from '../tokens/key-source.js';
import { algorithmForKey, type SigningAlgorithm } from './algorithm.js';
import { keyIdFromPublicKey } from './key-id.js';
import { readPrivateKeyFile, readPublicKeysFile } from './pem.js';

/** kube-apiserver's start-up error when no verification key file is given (options/authentication.go `Validate`). */
export const MISSING_KEY_FILES_MESSAGE = 'either `--service-account-key-file` or `--service-account-signing-endpoint` must be set';

/** The one key new tokens are signed with. */
export interface SigningKeyEntry {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A key tokens are verified with (and that the JWKS publishes). */
export interface VerificationKeyEntry {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicKey: KeyObject;
}

/** What a {@link KeySet} is built from: key objects, private or public. */
export interface KeySetInit {
  /** A private key; absent on a server that only verifies. */
  signingKey?: KeyObject;
  /** Private keys are reduced to their public half; duplicates (same kid) are kept once. */
  verificationKeys?: readonly KeyObject[];
}

/** The flags kube-apiserver reads keys from. */
export interface KeyFilesOptions {
  /** `--service-account-signing-key-file` */
  signingKeyFile?: string;
  /** `--service-account-key-file`, repeatable; each file may hold several PEM keys. */
  keyFiles: readonly string[];
}

/**
 * One signing key and many verification keys, as kube-apiserver holds them
 * (`JWTTokenGenerator` + `StaticPublicKeysGetter`, pkg/serviceaccount/). The signing key's public
 * half is always a verification key (appended when the given keys lack it). Kids and algorithms are
 * computed once; `keysFor` is a Map lookup.
 * IMPORTANT: implements tokens/key-source.ts `KeySource`, which the signer and the validators use.
 * @example
 * const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
 * const keys = new KeySet({ signingKey: privateKey, verificationKeys: [publicKey] });
 * keys.keysFor(keys.signingKey!.kid).length; // 1
 */
export class KeySet implements KeySource {
  /** The signing key, or undefined on a verify-only server. */
  readonly signingKey: SigningKeyEntry | undefined;
  /** Every verification key, in the order given (the signing key's last when it was not given). */
  readonly verificationKeys: readonly VerificationKeyEntry[];
  private readonly byKid = new Map<string, readonly VerificationKeyEntry[]>();
  private readonly algs: readonly string[];

  constructor(init: KeySetInit = {}) {
    const entries: VerificationKeyEntry[] = [];
    const add = (key: KeyObject): VerificationKeyEntry => {
      const publicKey = key.type === 'private' ? createPublicKey(key) : key;
      const kid = keyIdFromPublicKey(publicKey);
      const existing = this.byKid.get(kid)?.[0];
      if (existing) return existing;
      const entry = Object.freeze({ kid, alg: algorithmForKey(publicKey), publicKey });
      entries.push(entry);
      this.byKid.set(kid, Object.freeze([entry]));
      return entry;
    };
    for (const key of init.verificationKeys ?? []) add(key);
    if (init.signingKey) {
      if (init.signingKey.type !== 'private') throw new Error(`the signing key must be a private key, got a ${init.signingKey.type} key`);
      const { kid, alg, publicKey } = add(init.signingKey);
      this.signingKey = Object.freeze({ kid, alg, privateKey: init.signingKey, publicKey });
    }
    this.verificationKeys = Object.freeze(entries);
    this.algs = Object.freeze([...new Set(entries.map((e) => e.alg))].sort());
  }

  /**
   * A key set of one signing key whose public half is the only verification key.
   * @example
   * const keys = KeySet.fromPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
   */
  static fromPrivateKey(privateKey: KeyObject): KeySet {
    return new KeySet({ signingKey: privateKey });
  }

  /**
   * Loads keys as kube-apiserver does from its flags:
   * - the signing key file, if given: `failed to parse service-account-issuer-key-file: <err>`
   *   when unreadable, `failed to build token generator: <err>` when of an unusable type or curve;
   * - no key file → `` either `--service-account-key-file` or `--service-account-signing-endpoint` must be set ``;
   * - every key file, in order: `error reading public key file <file>: <err>`.
   * @example
   * const keys = await KeySet.fromFiles({ signingKeyFile: 'keys/sa.key', keyFiles: ['keys/sa.pub'] });
   */
  static async fromFiles(options: KeyFilesOptions): Promise<KeySet> {
    let signingKey: KeyObject | undefined;
    if (options.signingKeyFile !== undefined && options.signingKeyFile !== '') {
      const file = options.signingKeyFile;
      try {
        signingKey = await readPrivateKeyFile(file);
      } catch (e) {
        throw new Error(`failed to parse service-account-issuer-key-file: ${(e as Error).message}`);
      }
      try {
        algorithmForKey(signingKey, file);
      } catch (e) {
        throw new Error(`failed to build token generator: ${(e as Error).message}`);
      }
    }
    if (options.keyFiles.length === 0) throw new Error(MISSING_KEY_FILES_MESSAGE);
    const verificationKeys: KeyObject[] = [];
    for (const file of options.keyFiles) verificationKeys.push(...(await readPublicKeysFile(file)));
    return new KeySet({ signingKey, verificationKeys });
  }

  /**
   * The keys a token may have been signed with (`GetPublicKeys(kid)`): those with this kid, or all
   * keys when the token names none (empty or absent kid), as Kubernetes does.
   * @example
   * keys.keysFor(undefined).length === keys.verificationKeys.length; // true
   */
  keysFor(kid: string | undefined): readonly VerificationKeyEntry[] {
    if (kid === undefined || kid === '') return this.verificationKeys;
    return this.byKid.get(kid) ?? [];
  }

  /**
   * Sorted unique algorithms of the verification keys (the discovery document's
   * `id_token_signing_alg_values_supported`).
   * @example
   * keys.algorithms(); // ['ES256', 'RS256']
   */
  algorithms(): string[] {
    return [...this.algs];
  }

  /**
   * Whether a verification key has this kid.
   * @example
   * keys.hasKid(keys.signingKey!.kid); // true
   */
  hasKid(kid: string): boolean {
    return this.byKid.has(kid);
  }
}
