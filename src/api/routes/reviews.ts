import type { Request, Response } from 'express';
import { errors, invalid } from '../../errors/index.js';
import type { TokenService } from '../../registry/token-service.js';
import type { UserInfo } from '../../registry/types.js';
import { sortedExtra } from '../../registry/user-info.js';
import type { Attributes, Authorizer, RuleResolver } from '../../auth/authorizer/index.js';
import { requestBody, requestObject } from '../body.js';
import { requestContext, userOf } from '../context.js';
import { contextAnnotator } from '../fault-annotations.js';
import { sendJson } from '../respond.js';

const AUTHZ = 'authorization.k8s.io/v1';

interface ReviewSpec {
  resourceAttributes?: { namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string };
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

function bodyOf(req: Request, kind: string): { metadata?: Record<string, unknown>; spec?: ReviewSpec & { namespace?: string } } {
  return requestObject(req, kind, AUTHZ) as never;
}

function attributesOf(user: UserInfo, spec: ReviewSpec, kind: string): Attributes {
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  // ValidateSubjectAccessReviewSpec: Go prints the nil attributes as "null"
  if (ra && nra) throw errors.invalid(kind, '', [invalid('spec.nonResourceAttributes', nra, 'cannot be specified in combination with resourceAttributes')], 'authorization.k8s.io');
  if (!ra && !nra) throw errors.invalid(kind, '', [invalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified')], 'authorization.k8s.io');
  if (ra) {
    return { user, verb: ra.verb ?? '', namespace: ra.namespace ?? '', apiGroup: ra.group ?? '', apiVersion: ra.version ?? '', resource: ra.resource ?? '', subresource: ra.subresource ?? '', name: ra.name ?? '', resourceRequest: true, path: '' };
  }
  return { user, verb: nra!.verb ?? '', namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', resourceRequest: false, path: nra!.path ?? '' };
}

async function decide(authorizer: Authorizer, a: Attributes): Promise<{ allowed: boolean; denied?: boolean; reason?: string; evaluationError?: string }> {
  const d = await authorizer.authorize(a);
  const status: { allowed: boolean; denied?: boolean; reason?: string; evaluationError?: string } = { allowed: d.decision === 'Allow' };
  if (d.decision === 'Deny') status.denied = true;
  if (d.reason) status.reason = d.reason;
  if (d.error) status.evaluationError = d.error.message;
  return status;
}

/** SelfSubjectAccessReview: may I? (`kubectl auth can-i`) */
export async function selfSubjectAccessReview(authorizer: Authorizer, req: Request, res: Response): Promise<void> {
  const b = bodyOf(req, 'SelfSubjectAccessReview');
  const spec = b.spec ?? {};
  const status = await decide(authorizer, attributesOf(userOf(req), spec, 'SelfSubjectAccessReview'));
  sendJson(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion: AUTHZ, metadata: { creationTimestamp: null }, spec, status });
}

/** SubjectAccessReview and LocalSubjectAccessReview: may this user? */
export async function subjectAccessReview(authorizer: Authorizer, req: Request, res: Response): Promise<void> {
  const namespace = requestContext(req).info.namespace || undefined;
  const kind = namespace ? 'LocalSubjectAccessReview' : 'SubjectAccessReview';
  const b = bodyOf(req, kind);
  const spec = b.spec ?? {};
  if (!spec.user && !(spec.groups ?? []).length) {
    throw errors.invalid(kind, '', [invalid('spec.user', '', 'at least one of user or group must be specified')], 'authorization.k8s.io');
  }
  if (namespace && spec.resourceAttributes && spec.resourceAttributes.namespace !== namespace) {
    throw errors.invalid(kind, '', [invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace')], 'authorization.k8s.io');
  }
  const user: UserInfo = { username: spec.user ?? '', uid: spec.uid ?? '', groups: spec.groups ?? [], extra: spec.extra ?? {} };
  const status = await decide(authorizer, attributesOf(user, spec, kind));
  sendJson(res, 201, { kind, apiVersion: AUTHZ, metadata: { ...(namespace ? { namespace } : {}), creationTimestamp: null }, spec, status });
}

/**
 * SelfSubjectRulesReview: what may I do in a namespace? (`kubectl auth can-i --list`). As
 * pkg/registry/authorization/selfsubjectrulesreview/rest.go, the answer is a new object with
 * only the status: its spec is empty.
 */
export async function selfSubjectRulesReview(resolver: RuleResolver, req: Request, res: Response): Promise<void> {
  const b = bodyOf(req, 'SelfSubjectRulesReview');
  const spec = b.spec ?? {};
  if (!spec.namespace) throw errors.badRequest('no namespace on request');
  const r = await resolver.rulesFor(userOf(req), spec.namespace);
  const status: Record<string, unknown> = { resourceRules: r.resourceRules, nonResourceRules: r.nonResourceRules, incomplete: r.incomplete };
  if (r.evaluationError) status.evaluationError = r.evaluationError;
  sendJson(res, 201, { kind: 'SelfSubjectRulesReview', apiVersion: AUTHZ, metadata: { creationTimestamp: null }, spec: {}, status });
}

/** SelfSubjectReview: who am I? (`kubectl auth whoami`) */
export function selfSubjectReview(req: Request, res: Response): void {
  const b = requestBody(req) as { apiVersion?: string } | undefined;
  const u = userOf(req);
  const userInfo: UserInfo = { username: u.username ?? '' };
  if (u.uid) userInfo.uid = u.uid;
  if (u.groups?.length) userInfo.groups = u.groups;
  const extra = sortedExtra(u.extra);
  if (Object.keys(extra).length) userInfo.extra = extra;
  sendJson(res, 201, { kind: 'SelfSubjectReview', apiVersion: b?.apiVersion || 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo } });
}

/** TokenReview (`POST /apis/authentication.k8s.io/v1/tokenreviews`). */
export async function tokenReview(tokens: TokenService, req: Request, res: Response): Promise<void> {
  sendJson(res, 201, await tokens.review(requestBody(req) ?? {}, undefined, contextAnnotator(requestContext(req))));
}
