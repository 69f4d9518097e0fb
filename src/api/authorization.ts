import type { NextFunction, Request, Response } from 'express';
import type { UserInfo } from '../registry/types.js';
import { forbiddenError, type Attributes, type Authorizer, type FieldRequirement } from '../auth/authorizer/index.js';
import { internalError } from './impersonation.js';
import type { RequestInfo } from './request-info.js';

/** The short form `POST /serviceaccounts/<name>/token` is authorized as the real subresource. */
function attributesFor(info: RequestInfo, req: Request, user: UserInfo): Attributes {
  const short = /^\/serviceaccounts\/([^/]+)\/token\/?$/.exec(req.path);
  if (short) {
    const ns = typeof req.query.namespace === 'string' && req.query.namespace ? req.query.namespace : 'default';
    return { user, verb: 'create', namespace: ns, apiGroup: '', apiVersion: 'v1', resource: 'serviceaccounts', subresource: 'token', name: decodeURIComponent(short[1]!), resourceRequest: true, path: req.path };
  }
  return {
    user,
    verb: info.verb,
    namespace: info.namespace,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
    resourceRequest: info.isResourceRequest,
    path: info.path,
    ...(info.verb === 'list' || info.verb === 'watch' ? { fieldSelector: fieldRequirements(req.query.fieldSelector) } : {}),
  };
}

/** The `field=value` / `field!=value` terms of a list or watch's field selector, for the Node authorizer. */
function fieldRequirements(selector: unknown): FieldRequirement[] {
  if (typeof selector !== 'string' || selector === '') return [];
  const out: FieldRequirement[] = [];
  for (const term of selector.split(',')) {
    const m = /^\s*([^!=\s]+)\s*(!=|==|=)\s*(.*?)\s*$/.exec(term);
    if (m) out.push({ field: m[1]!, operator: m[2] === '!=' ? '!=' : '=', value: m[3]! });
  }
  return out;
}

/**
 * The authorization filter (staging/src/k8s.io/apiserver/pkg/endpoints/filters/authorization.go):
 * Allow passes even when an authorizer failed; otherwise a failure is the filter's plain-text
 * 500, and Deny or NoOpinion a 403 with Kubernetes' message.
 * @example
 * app.use(authorize(authorizer));
 */
export function authorize(authorizer: Authorizer) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const a = attributesFor(res.locals.info as RequestInfo, req, res.locals.user as UserInfo);
      const d = await authorizer.authorize(a);
      if (d.decision === 'Allow') return next();
      if (d.error) return internalError(req, res, d.error.message);
      throw forbiddenError(a, d.reason);
    } catch (e) {
      next(e);
    }
  };
}
