import type { Request, Response } from 'express';
import type { Emulator } from '../../emulator.js';
import { errors } from '../../errors/index.js';
import { decodeBody } from '../media.js';
import { addWarnings, sendJson } from '../respond.js';

/**
 * `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token` and the short form
 * `POST /serviceaccounts/{name}/token?namespace=` (default namespace `default`).
 * The answer is 201 with the TokenRequest; clamp warnings go out as `Warning: 299` headers.
 */
export async function createToken(emulator: Emulator, namespace: string, name: string, req: Request, res: Response): Promise<void> {
  const body = decodeBody(req.body as Buffer, req.get('content-type'));
  const tr = await emulator.tokenRequest(namespace, name, body ?? {}, res.locals.user);
  const { warnings, ...tokenRequest } = tr;
  addWarnings(res, warnings);
  res.locals.tokenJti = jtiOf(tokenRequest.status.token);
  sendJson(res, 201, tokenRequest);
}

export function shortFormNamespace(req: Request): string {
  const ns = req.query.namespace;
  if (ns === undefined || ns === '') return 'default';
  if (typeof ns !== 'string') throw errors.badRequest('namespace must be given once');
  return ns;
}

/** The `jti` of a token for logs (never the token itself). */
export function jtiOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti?: unknown };
    return typeof payload.jti === 'string' ? payload.jti : undefined;
  } catch {
    return undefined;
  }
}
