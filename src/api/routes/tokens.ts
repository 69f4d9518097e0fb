import type { Request, Response } from 'express';
import type { TokenService } from '../../registry/token-service.js';
import { requestObject } from '../body.js';
import { requestContext } from '../context.js';
import { contextReporter } from '../fault-annotations.js';
import { addWarnings, sendJson } from '../respond.js';

/**
 * `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token` and the short form
 * `POST /serviceaccounts/{name}/token?namespace=` (default namespace `default`): the request
 * info names both the same way. The answer is 201 with the TokenRequest; clamp warnings go out
 * as `Warning: 299` headers; the issued token's jti stays in the request context (for logs and
 * audit), never the token.
 */
export async function createToken(tokens: TokenService, req: Request, res: Response): Promise<void> {
  const ctx = requestContext(req);
  const { tokenRequest, warnings, issued } = await tokens.issue(ctx.info.namespace, ctx.info.name, requestObject(req, 'TokenRequest', 'authentication.k8s.io/v1'), ctx.user, contextReporter(ctx));
  ctx.issuedJti = issued.jti;
  addWarnings(res, warnings);
  sendJson(res, 201, tokenRequest);
}
