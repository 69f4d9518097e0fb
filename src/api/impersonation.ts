import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from '../registry/types.js';
import { forbiddenError, type Attributes, type Authorizer } from '../auth/authorizer/index.js';
import { serviceAccountUsername, splitServiceAccountUsername } from '../tokens/service-account-username.js';
import { requestContext } from './context.js';
import { FilterError } from './respond.js';
import type { Step } from './step.js';

const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHN_GROUP = 'authentication.k8s.io';

/** One thing the caller asks to act as (Go builds a `v1.ObjectReference` per header value). */
interface ImpersonationRequest {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  apiVersion: string;
  fieldPath: string;
}

function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Go's `%v` of the request list: `[{Group  devs    }]`. */
function describe(requests: readonly ImpersonationRequest[]): string {
  return `[${requests.map((r) => `{${[r.kind, r.namespace, r.name, '', r.apiVersion, '', r.fieldPath].join(' ')}}`).join(' ')}]`;
}

/** whether any header name starts with `impersonate-` (case-insensitive), without building headersDistinct. */
function hasImpersonationHeader(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const h = raw[i]!;
    if (h.length > 12 && (h.charCodeAt(0) | 32) === 105 && h.slice(0, 12).toLowerCase() === 'impersonate-') return true;
  }
  return false;
}

/** `buildImpersonationRequests`: the user (or service account) first, then groups, extras, uid. */
function buildRequests(req: { rawHeaders: string[]; headersDistinct: IncomingHttpHeaders | Record<string, string[] | undefined> }): { requests: ImpersonationRequest[]; hasUser: boolean; groupsSpecified: boolean } {
  if (!hasImpersonationHeader(req.rawHeaders)) return { requests: [], hasUser: false, groupsSpecified: false };
  const headers = req.headersDistinct;
  const requests: ImpersonationRequest[] = [];
  const ref = (kind: ImpersonationRequest['kind'], name: string, more: Partial<ImpersonationRequest> = {}): ImpersonationRequest => ({ kind, namespace: '', name, apiVersion: '', fieldPath: '', ...more });
  const user = headers['impersonate-user']?.[0] ?? '';
  if (user) {
    const sa = splitServiceAccountUsername(user);
    requests.push(sa ? ref('ServiceAccount', sa[1], { namespace: sa[0] }) : ref('User', user));
  }
  const groups = headers['impersonate-group'] ?? [];
  for (const g of groups) requests.push(ref('Group', g));
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    const key = unescapeExtraKey(header.slice(EXTRA_PREFIX.length));
    for (const v of values ?? []) requests.push(ref('UserExtra', v, { apiVersion: `${AUTHN_GROUP}/v1`, fieldPath: key }));
  }
  const uid = headers['impersonate-uid']?.[0] ?? '';
  if (uid) requests.push(ref('UID', uid, { apiVersion: `${AUTHN_GROUP}/v1` }));
  return { requests, hasUser: !!user, groupsSpecified: groups.length > 0 };
}

/**
 * The impersonation filter (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
 * - `Impersonate-User` (a `system:serviceaccount:<ns>:<name>` name is a service account),
 *   `-Group` (one value per header line), `-Extra-<key>` and `-Uid`; groups, extras or a uid
 *   without a user are a plain-text 500 `requested [...] without impersonating a user`;
 * - each is checked with the `impersonate` verb (users, serviceaccounts, groups, and
 *   userextras/<key> and uids in authentication.k8s.io); a refusal is the 403 of the first one;
 * - a service account gets its groups only when no group is given; `system:authenticated` is
 *   added unless a given group is it or `system:unauthenticated`; impersonating
 *   `system:anonymous` adds `system:unauthenticated` instead.
 * @example
 * app.use(impersonate(authorizer));
 */
export function impersonate(authorizer: Authorizer): Step {
  return (req, _res, next) => {
    const ctx = requestContext(req);
    const { requests, hasUser, groupsSpecified } = buildRequests(req);
    if (requests.length === 0) return next();
    if (!hasUser) return next(new FilterError(`requested ${describe(requests)} without impersonating a user`));
    impersonated(authorizer, ctx.user!, requests, groupsSpecified, ctx.info.path).then((user) => {
      ctx.impersonator = ctx.user;
      ctx.user = user;
      next();
    }, next);
  };
}

/** Checks each impersonation request with the `impersonate` verb and builds the user acted as. */
async function impersonated(authorizer: Authorizer, actor: UserInfo, requests: readonly ImpersonationRequest[], groupsSpecified: boolean, path: string): Promise<UserInfo> {
  let username = '';
  let groups: string[] = [];
  let uid = '';
  const extra: Record<string, string[]> = {};
  for (const r of requests) {
    const a: Attributes = { user: actor, verb: 'impersonate', namespace: r.namespace, apiGroup: '', apiVersion: '', resource: '', subresource: '', name: r.name, resourceRequest: true, path };
    switch (r.kind) {
      case 'ServiceAccount':
        a.resource = 'serviceaccounts';
        username = serviceAccountUsername(r.namespace, r.name);
        if (!groupsSpecified) groups = ['system:serviceaccounts', `system:serviceaccounts:${r.namespace}`];
        break;
      case 'User':
        a.resource = 'users';
        username = r.name;
        break;
      case 'Group':
        a.resource = 'groups';
        groups.push(r.name);
        break;
      case 'UserExtra':
        Object.assign(a, { apiGroup: AUTHN_GROUP, apiVersion: 'v1', resource: 'userextras', subresource: r.fieldPath });
        (extra[r.fieldPath] ??= []).push(r.name);
        break;
      case 'UID':
        Object.assign(a, { apiGroup: AUTHN_GROUP, apiVersion: 'v1', resource: 'uids' });
        uid = r.name;
        break;
    }
    const d = await authorizer.authorize(a);
    if (d.decision !== 'Allow') throw forbiddenError(a, d.reason);
  }
  if (username !== 'system:anonymous') {
    if (!groups.some((g) => g === 'system:authenticated' || g === 'system:unauthenticated')) groups.push('system:authenticated');
  } else if (!groups.includes('system:unauthenticated')) groups.push('system:unauthenticated');
  return { username, uid, groups, extra };
}
