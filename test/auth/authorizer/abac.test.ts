import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbacAuthorizer, AbacPolicyError, parseAbacPolicy } from '../../../src/auth/authorizer/index.js';
import type { UserInfo } from '../../../src/registry/types.js';
import { nonRes, res } from './fakes.js';

const line = (spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'abac.authorization.kubernetes.io/v1beta1', kind: 'Policy', spec });

const POLICY = [
  '# admins',
  line({ user: 'admin', namespace: '*', resource: '*', apiGroup: '*', nonResourcePath: '*' }),
  '',
  line({ user: 'alice', namespace: 'projectCaribou', resource: 'pods', apiGroup: '', readonly: true }),
  line({ group: 'system:authenticated', readonly: true, nonResourcePath: '/version' }),
  line({ user: 'bob', namespace: '*', resource: 'deployments', apiGroup: 'apps' }),
  line({ user: '*', readonly: true, nonResourcePath: '/api*' }),
  '{"user":"legacy","readonly":true}',
].join('\n');

const abac = new AbacAuthorizer(parseAbacPolicy(POLICY, 'policy.jsonl'));
const u = (username: string, groups: string[] = ['system:authenticated']): UserInfo => ({ username, groups });

describe('parseAbacPolicy', () => {
  it('reads v1beta1 lines, skipping comments and blank lines', () => {
    expect(parseAbacPolicy(POLICY).length).toBe(6);
  });

  it('turns "*" as user into every authenticated user', () => {
    expect(parseAbacPolicy(POLICY)[4]).toEqual({ user: '', group: 'system:authenticated', readonly: true, apiGroup: '', namespace: '', resource: '', nonResourcePath: '/api*' });
  });

  it('migrates an unversioned line as v0 policies were read', () => {
    expect(parseAbacPolicy(POLICY)[5]).toEqual({ user: 'legacy', group: '', readonly: true, apiGroup: '*', namespace: '*', resource: '*', nonResourcePath: '*' });
  });

  it.each([
    ['a line that is not JSON', 'ok\n{"apiVersion":', 1],
    ['an unknown kind', `${line({ user: 'a' })}\n\n{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Rule"}`, 3],
    ['a field of the wrong type', `# c\n${line({ user: 7 })}`, 2],
  ])('names the line of %s', (_name, text, lineNo) => {
    let err: unknown;
    try {
      parseAbacPolicy(text, '/etc/abac.jsonl');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AbacPolicyError);
    expect((err as AbacPolicyError).line).toBe(lineNo);
    expect((err as Error).message).toMatch(new RegExp(`^error reading policy file /etc/abac.jsonl, line ${lineNo}: `));
  });

  it('quotes the bad line and the cause', () => {
    expect(() => parseAbacPolicy('{"apiVersion":"x/v1","kind":"Policy"}', 'p')).toThrow('error reading policy file p, line 1: {"apiVersion":"x/v1","kind":"Policy"}: no kind "Policy" is registered for version "x/v1"');
  });
});

describe('AbacAuthorizer.authorize', () => {
  it.each([
    ['a user with a * policy may do anything', res(u('admin'), 'delete', 'secrets', { namespace: 'x' }), 'Allow'],
    ['a * policy covers paths', nonRes(u('admin'), 'post', '/logs'), 'Allow'],
    ['a read-only policy allows reads in its namespace', res(u('alice'), 'watch', 'pods', { namespace: 'projectCaribou' }), 'Allow'],
    ['a read-only policy refuses writes', res(u('alice'), 'create', 'pods', { namespace: 'projectCaribou' }), 'NoOpinion'],
    ['a namespaced policy refuses other namespaces', res(u('alice'), 'get', 'pods', { namespace: 'other' }), 'NoOpinion'],
    ['a policy matches the API group', res(u('bob'), 'update', 'deployments', { namespace: 'x', apiGroup: 'apps' }), 'Allow'],
    ['another API group is refused', res(u('bob'), 'update', 'deployments', { namespace: 'x', apiGroup: 'extensions' }), 'NoOpinion'],
    ['a group policy matches members', nonRes(u('carol'), 'get', '/version'), 'Allow'],
    ['a group policy refuses non-members', nonRes(u('system:anonymous', ['system:unauthenticated']), 'get', '/version'), 'NoOpinion'],
    ['a trailing * matches a path prefix', nonRes(u('carol'), 'get', '/apis/apps'), 'Allow'],
    ['a resource policy never matches a path', nonRes(u('bob'), 'get', '/deployments'), 'NoOpinion'],
    ['a migrated v0 line allows reads everywhere', res(u('legacy', []), 'list', 'nodes'), 'Allow'],
  ])('%s', async (_name, attrs, decision) => {
    const d = await abac.authorize(attrs);
    expect(d).toEqual(decision === 'Allow' ? { decision, reason: '' } : { decision, reason: 'No policy matched.' });
  });
});

describe('AbacAuthorizer', () => {
  it('lists the rules of policies matching the user and namespace', async () => {
    expect(await abac.rulesFor(u('alice'), 'projectCaribou')).toEqual({
      resourceRules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [],
      incomplete: false,
    });
  });

  it('lists path policies (which have no namespace) only for the empty namespace, as upstream does', async () => {
    expect((await abac.rulesFor(u('alice'), '')).nonResourceRules).toEqual([
      { verbs: ['get', 'list', 'watch'], nonResourceURLs: ['/version'] },
      { verbs: ['get', 'list', 'watch'], nonResourceURLs: ['/api*'] },
    ]);
  });

  it('reads a policy file from disk', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'abac-')), 'policy.jsonl');
    writeFileSync(path, `${line({ user: 'x', namespace: '*', resource: '*', apiGroup: '*' })}\r\n`);
    expect((await AbacAuthorizer.fromFile(path).authorize(res(u('x'), 'get', 'pods'))).decision).toBe('Allow');
  });
});
