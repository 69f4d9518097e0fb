import type { ServerResponse } from 'node:http';
import type { EmulatorKeys } from '../../emulator-keys.js';

/** Writes a body with exactly this Content-Type and `Cache-Control: public, max-age=3600`. */
function sendExact(res: ServerResponse, contentType: string, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.statusCode = 200;
  res.setHeader('Cache-Control', 'public, max-age=3600');
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

/**
 * Service-account issuer discovery (pkg/routes/openidmetadata.go): the exact bodies, content
 * types and `Cache-Control: public, max-age=3600`.
 */
export function sendOpenIdConfiguration(keys: EmulatorKeys, issuer: string, where: { jwksUri?: string; externalAddress?: string }, res: ServerResponse): void {
  sendExact(res, 'application/json', keys.openIdConfiguration(issuer, where));
}

export function sendJwks(keys: EmulatorKeys, res: ServerResponse): void {
  sendKeySet(keys.jwks(), res);
}

/** A JWK set as `/openid/v1/jwks` serves one (a TokenFault's empty set too). */
export function sendKeySet(jwks: object, res: ServerResponse): void {
  sendExact(res, 'application/jwk-set+json', jwks);
}
