import type { NextFunction, Request, Response } from 'express';
import { errors } from '../errors/index.js';
import type { UserInfo } from '../registry/types.js';
import { forbiddenError, type Attributes, type Authorizer } from '../auth/authorizer/index.js';
import { SERVICE_ACCOUNT_USERNAME_PREFIX } from '../tokens/claims.js';

const EXTRA_PREFIX = 'impersonate-extra-';

/**
 * The impersonation filter (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
 * `Impersonate-User`, `-Group`, `-Uid` and `-Extra-<key>` headers, each checked with the
 * `impersonate` verb against users, serviceaccounts, groups, uids and userextras/<key>; the
 * request then runs as the impersonated user (with `system:authenticated` added unless
 * impersonating anonymous).
 */
export function impersonate(authorizer: Authorizer) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const userName = req.get('impersonate-user');
      const groups = headerValues(req, 'impersonate-group');
      const uid = req.get('impersonate-uid');
      const extra: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (k.startsWith(EXTRA_PREFIX)) extra[decodeURIComponent(k.slice(EXTRA_PREFIX.length))] = (Array.isArray(v) ? v : [v ?? '']).flatMap((x) => x.split(',').map((s) => s.trim()));
      }
      if (!userName) {
        if (groups.length || uid || Object.keys(extra).length) {
          throw errors.badRequest('requested [' + [...groups.map((g) => `{Group ${g}}`)].join(' ') + '] without impersonating a user');
        }
        return next();
      }
      const actor = res.locals.user as UserInfo;
      const check = async (resource: string, name: string, namespace = '', subresource = '', group = '') => {
        const a: Attributes = { user: actor, verb: 'impersonate', namespace, apiGroup: group, apiVersion: '', resource, subresource, name, resourceRequest: true, path: req.path };
        const d = await authorizer.authorize(a);
        if (d.decision === 'Allow') return;
        if (d.error) throw errors.internal(d.error.message);
        throw forbiddenError(a, d.reason);
      };
      if (userName.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) {
        const [ns, sa] = userName.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':');
        await check('serviceaccounts', sa ?? '', ns ?? '');
      } else await check('users', userName);
      for (const g of groups) await check('groups', g);
      if (uid) await check('uids', uid, '', '', 'authentication.k8s.io');
      for (const k of Object.keys(extra)) for (const v of extra[k]!) await check('userextras', v, '', k, 'authentication.k8s.io');
      const finalGroups = [...groups];
      if (userName.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) {
        const ns = userName.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':')[0]!;
        finalGroups.push('system:serviceaccounts', `system:serviceaccounts:${ns}`);
      }
      if (userName !== 'system:anonymous' && !finalGroups.includes('system:authenticated')) finalGroups.push('system:authenticated');
      res.locals.impersonator = actor;
      res.locals.user = { username: userName, uid: uid ?? '', groups: finalGroups, extra } satisfies UserInfo;
      next();
    } catch (e) {
      next(e);
    }
  };
}

function headerValues(req: Request, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',').map((s) => s.trim())).filter(Boolean);
}
