import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { KeySet } from '../../keys/key-set.js';
import { renderJwks, type Jwks } from '../../keys/jwks.js';
import { signToken } from '../../tokens/signer.js';

const generate = promisify(generateKeyPair);

/** What an issued Entra access token says. */
export interface EntraAccessTokenClaims {
  /** the resource (the scope without `/.default`) */
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  /** the application's client id */
  azp: string;
  /** `2`: the client authenticated with a certificate or an assertion */
  azpacr: '2';
  idtyp: 'app';
  /** the service principal's object id */
  oid: string;
  sub: string;
  tid: string;
  /** the token's unique id */
  uti: string;
  ver: '2.0';
}

/** A stable GUID-shaped id for a name (the service principal of an application in a tenant). */
export function objectIdFor(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The signing key of satoken's Entra endpoint: RS256, as Entra signs, made on first use and kept
 * for the life of the process (its JWKS is served under each tenant's `discovery/v2.0/keys`).
 * @example
 * const token = await signer.sign(claims);
 */
export class EntraTokenSigner {
  private keys: Promise<KeySet> | undefined;

  private keySet(): Promise<KeySet> {
    this.keys ??= generate('rsa', { modulusLength: 2048 }).then(({ privateKey }) => new KeySet({ signingKey: privateKey }));
    return this.keys;
  }

  async sign(claims: EntraAccessTokenClaims): Promise<string> {
    return signToken(await this.keySet(), claims);
  }

  async jwks(): Promise<Jwks> {
    return renderJwks(await this.keySet());
  }

  /** A token id in Entra's `uti` shape (22 base64url characters). */
  static uti(): string {
    return randomBytes(16).toString('base64url').slice(0, 22);
  }
}
