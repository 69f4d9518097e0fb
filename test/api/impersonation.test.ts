import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { openContext, requestContext } from '../../src/api/context.js';
import { impersonate } from '../../src/api/impersonation.js';
import { Query, requestInfo } from '../../src/api/request-info.js';
import { FilterError } from '../../src/api/respond.js';
import type { Attributes, Authorizer } from '../../src/auth/authorizer/index.js';
import { StatusError } from '../../src/errors/index.js';
import type { UserInfo } from '../../src/registry/types.js';

/**
 * The impersonation filter on its own (staging/src/k8s.io/apiserver/pkg/endpoints/filters/
 * impersonation.go: the requests it builds, the checks in order, the groups it adds, Go's `%v`
 * of the request list), with an authorizer that records every check it is asked and allows all
 * but what a test refuses.
 */
const DEV: UserInfo = { username: 'dev', uid: '', groups: ['system:authenticated'], extra: {} };
const PATH = '/api/v1/namespaces/default/pods';

class RecordingAuthorizer implements Authorizer {
  readonly asked: Attributes[] = [];
  constructor(private readonly refuse: (a: Attributes) => boolean = () => false) {}
  async authorize(a: Attributes) {
    this.asked.push({ ...a });
    return this.refuse(a) ? { decision: 'NoOpinion' as const, reason: 'no' } : { decision: 'Allow' as const, reason: '' };
  }
}

/** headers as Node gives them: raw [name, value, ...] and headersDistinct (lower-case names, every line). */
function requestWith(headers: Array<[string, string]>): Request {
  const rawHeaders = headers.flat();
  const headersDistinct: Record<string, string[]> = {};
  for (const [k, v] of headers) (headersDistinct[k.toLowerCase()] ??= []).push(v);
  const req = { rawHeaders, headersDistinct } as unknown as Request;
  const ctx = openContext(req, requestInfo('GET', PATH, new Query('')), new Query(''), 0);
  ctx.user = DEV;
  return req;
}

async function run(headers: Array<[string, string]>, authz = new RecordingAuthorizer()) {
  const req = requestWith(headers);
  const err = await new Promise<unknown>((resolve) => impersonate(authz)(req, {} as Response, resolve));
  const ctx = requestContext(req);
  return { err, user: ctx.user, impersonator: ctx.impersonator, asked: authz.asked };
}

const check = (resource: string, name: string, more: Partial<Attributes> = {}): Attributes => ({ user: DEV, verb: 'impersonate', namespace: '', apiGroup: '', apiVersion: '', resource, subresource: '', name, resourceRequest: true, path: PATH, ...more });

describe('impersonation: the user acted as', () => {
  it.each<[string, Array<[string, string]>, UserInfo]>([
    ['a user gets system:authenticated', [['Impersonate-User', 'bob']], { username: 'bob', uid: '', groups: ['system:authenticated'], extra: {} }],
    ['groups in header order, then system:authenticated', [['Impersonate-User', 'bob'], ['Impersonate-Group', 'a'], ['Impersonate-Group', 'b']], { username: 'bob', uid: '', groups: ['a', 'b', 'system:authenticated'], extra: {} }],
    ['a given system:authenticated is not added twice', [['Impersonate-User', 'bob'], ['Impersonate-Group', 'system:authenticated']], { username: 'bob', uid: '', groups: ['system:authenticated'], extra: {} }],
    ['a given system:unauthenticated keeps system:authenticated out', [['Impersonate-User', 'bob'], ['Impersonate-Group', 'system:unauthenticated']], { username: 'bob', uid: '', groups: ['system:unauthenticated'], extra: {} }],
    ['a service account gets its two groups and system:authenticated', [['Impersonate-User', 'system:serviceaccount:ns:sa']], { username: 'system:serviceaccount:ns:sa', uid: '', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'], extra: {} }],
    ['a service account with groups gets only those', [['Impersonate-User', 'system:serviceaccount:ns:sa'], ['Impersonate-Group', 'g']], { username: 'system:serviceaccount:ns:sa', uid: '', groups: ['g', 'system:authenticated'], extra: {} }],
    ['system:anonymous gets system:unauthenticated', [['Impersonate-User', 'system:anonymous']], { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} }],
    ['system:anonymous with system:unauthenticated given gets it once', [['Impersonate-User', 'system:anonymous'], ['Impersonate-Group', 'system:unauthenticated']], { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} }],
    ['system:anonymous with system:authenticated given keeps it and adds system:unauthenticated', [['Impersonate-User', 'system:anonymous'], ['Impersonate-Group', 'system:authenticated']], { username: 'system:anonymous', uid: '', groups: ['system:authenticated', 'system:unauthenticated'], extra: {} }],
    ['extras: keys unescaped, values in order', [['Impersonate-User', 'bob'], ['Impersonate-Extra-Scopes', 'view'], ['Impersonate-Extra-Scopes', 'edit'], ['Impersonate-Extra-Acme.com%2Fproject', 'x']], { username: 'bob', uid: '', groups: ['system:authenticated'], extra: { scopes: ['view', 'edit'], 'acme.com/project': ['x'] } }],
    ['an extra key that does not unescape is kept as sent', [['Impersonate-User', 'bob'], ['Impersonate-Extra-a%zz', 'v']], { username: 'bob', uid: '', groups: ['system:authenticated'], extra: { 'a%zz': ['v'] } }],
    ['a uid', [['Impersonate-User', 'bob'], ['Impersonate-Uid', 'u-1']], { username: 'bob', uid: 'u-1', groups: ['system:authenticated'], extra: {} }],
  ])('%s', async (_n, headers, want) => {
    const r = await run(headers);
    expect(r.err).toBeUndefined();
    expect(r.user).toEqual(want);
    expect(r.impersonator).toBe(DEV);
  });

  it('leaves a request without impersonation headers alone (other Impersonate-less headers too)', async () => {
    for (const headers of [[], [['Accept', 'application/json']], [['Impersonate-', 'x']], [['X-Impersonate-User', 'bob']]] as Array<Array<[string, string]>>) {
      const r = await run(headers);
      expect(r.err).toBeUndefined();
      expect(r.user).toBe(DEV);
      expect(r.impersonator).toBeUndefined();
      expect(r.asked).toEqual([]);
    }
  });

  it('reads header names in any case', async () => {
    const r = await run([['IMPERSONATE-USER', 'bob']]);
    expect(r.user).toMatchObject({ username: 'bob' });
    const lower = await run([['impersonate-user', 'bob']]);
    expect(lower.user).toMatchObject({ username: 'bob' });
  });
});

describe('impersonation: what is checked, in order', () => {
  it('checks the user, then each group, each extra value and the uid, with the impersonate verb', async () => {
    const r = await run([['Impersonate-User', 'bob'], ['Impersonate-Group', 'g1'], ['Impersonate-Extra-Scopes', 'view'], ['Impersonate-Uid', 'u-1']]);
    expect(r.asked).toEqual([
      check('users', 'bob'),
      check('groups', 'g1'),
      check('userextras', 'view', { apiGroup: 'authentication.k8s.io', apiVersion: 'v1', subresource: 'scopes' }),
      check('uids', 'u-1', { apiGroup: 'authentication.k8s.io', apiVersion: 'v1' }),
    ]);
  });

  it('checks a service account in its namespace', async () => {
    const r = await run([['Impersonate-User', 'system:serviceaccount:ns:sa']]);
    expect(r.asked).toEqual([check('serviceaccounts', 'sa', { namespace: 'ns' })]);
  });
});

describe('impersonation: refusals', () => {
  it.each<[string, Array<[string, string]>, (a: Attributes) => boolean, string, Record<string, string>]>([
    ['a user', [['Impersonate-User', 'anyone']], (a) => a.resource === 'users', 'users "anyone" is forbidden: User "dev" cannot impersonate resource "users" in API group "" at the cluster scope: no', { name: 'anyone', kind: 'users' }],
    ['a service account', [['Impersonate-User', 'system:serviceaccount:ns:sa']], () => true, 'serviceaccounts "sa" is forbidden: User "dev" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ns": no', { name: 'sa', kind: 'serviceaccounts' }],
    ['a group', [['Impersonate-User', 'bob'], ['Impersonate-Group', 'wheel']], (a) => a.resource === 'groups', 'groups "wheel" is forbidden: User "dev" cannot impersonate resource "groups" in API group "" at the cluster scope: no', { name: 'wheel', kind: 'groups' }],
    ['an extra', [['Impersonate-User', 'bob'], ['Impersonate-Extra-Scopes', 'edit']], (a) => a.resource === 'userextras', 'userextras.authentication.k8s.io "edit" is forbidden: User "dev" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope: no', { name: 'edit', group: 'authentication.k8s.io', kind: 'userextras' }],
    ['a uid', [['Impersonate-User', 'bob'], ['Impersonate-Uid', 'u-1']], (a) => a.resource === 'uids', 'uids.authentication.k8s.io "u-1" is forbidden: User "dev" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope: no', { name: 'u-1', group: 'authentication.k8s.io', kind: 'uids' }],
  ])('%s: a 403 naming the first refused check, and the user is left as it was', async (_n, headers, refuse, message, details) => {
    const r = await run(headers, new RecordingAuthorizer(refuse));
    expect(r.err).toBeInstanceOf(StatusError);
    const status = (r.err as StatusError).toStatus();
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden', message });
    expect(status.details).toEqual(details);
    expect(r.user).toBe(DEV);
    expect(r.impersonator).toBeUndefined();
  });

  it('stops at the first refusal', async () => {
    const r = await run([['Impersonate-User', 'bob'], ['Impersonate-Group', 'a'], ['Impersonate-Group', 'b']], new RecordingAuthorizer((a) => a.name === 'a'));
    expect(r.asked.map((a) => a.name)).toEqual(['bob', 'a']);
  });

  it.each<[string, Array<[string, string]>, string]>([
    ['a group', [['Impersonate-Group', 'some-group']], 'requested [{Group  some-group    }] without impersonating a user'],
    ['an extra', [['Impersonate-Extra-First', 'v1']], 'requested [{UserExtra  v1  authentication.k8s.io/v1  first}] without impersonating a user'],
    ['a uid', [['Impersonate-Uid', 'u']], 'requested [{UID  u  authentication.k8s.io/v1  }] without impersonating a user'],
    ['an empty user and a group', [['Impersonate-User', ''], ['Impersonate-Group', 'g'], ['Impersonate-Group', 'h']], 'requested [{Group  g    } {Group  h    }] without impersonating a user'],
  ])('%s without a user is an internal error with Go\'s message, and nothing is checked', async (_n, headers, message) => {
    const r = await run(headers);
    expect(r.err).toBeInstanceOf(FilterError);
    expect((r.err as Error).message).toBe(message);
    expect(r.asked).toEqual([]);
  });
});
