import type { Response } from 'express';
import type { Emulator } from '../../emulator.js';

/** Writes a body with exactly this Content-Type (express would append a charset to strings). */
function sendExact(res: Response, contentType: string, body: unknown): void {
  res.status(200).setHeader('Cache-Control', 'public, max-age=3600');
  res.setHeader('Content-Type', contentType);
  res.end(Buffer.from(JSON.stringify(body)));
}

/**
 * Service-account issuer discovery (pkg/routes/openidmetadata.go): the exact bodies, content
 * types and `Cache-Control: public, max-age=3600`.
 */
export function sendOpenIdConfiguration(emulator: Emulator, where: { jwksUri?: string; externalAddress?: string }, res: Response): void {
  sendExact(res, 'application/json', emulator.openIdConfiguration(where));
}

export function sendJwks(emulator: Emulator, res: Response): void {
  sendExact(res, 'application/jwk-set+json', emulator.jwks());
}
