import { forbiddenError, type Attributes, type Authorizer } from '../auth/authorizer/index.js';
import type { UserInfo } from '../registry/types.js';
import { requestContext } from './context.js';
import type { RequestInfo } from './request-info.js';
import { FilterError } from './respond.js';
import type { Step } from './step.js';

/** The authorization attributes of a request (`GetAuthorizerAttributes`). */
export function attributesOf(info: RequestInfo, user: UserInfo): Attributes {
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
    ...(info.fieldSelector ? { fieldSelector: info.fieldSelector } : {}),
  };
}

/**
 * The authorization filter (staging/src/k8s.io/apiserver/pkg/endpoints/filters/authorization.go):
 * Allow passes even when an authorizer failed; otherwise a failure is the filter's plain-text
 * 500, and Deny or NoOpinion a 403 with Kubernetes' message. The attributes and the decision
 * stay in the request context (for audit annotations).
 * @example
 * steps.push(authorize(authorizer));
 */
export function authorize(authorizer: Authorizer): Step {
  return (req, _res, next) => {
    const ctx = requestContext(req);
    const a = attributesOf(ctx.info, ctx.user!);
    ctx.attributes = a;
    authorizer.authorize(a).then((d) => {
      ctx.decision = d;
      if (d.decision === 'Allow') return next();
      if (d.error) return next(new FilterError(d.error.message));
      next(forbiddenError(a, d.reason));
    }, next);
  };
}
