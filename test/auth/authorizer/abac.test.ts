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

  it('quotes the bad line and the cause, naming the abac scheme as apimachinery does', () => {
    expect(() => parseAbacPolicy('{"apiVersion":"x/v1","kind":"Policy"}', 'p')).toThrow(
      'error reading policy file p, line 1: {"apiVersion":"x/v1","kind":"Policy"}: no kind "Policy" is registered for version "x/v1" in scheme "pkg/apis/abac/register.go:33"',
    );
  });

  const V1BETA1 = '"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy"';
  it.each<[string, string, string]>([
    ['JSON cut short', '{"user":', "couldn't get version/kind; json parse error: unexpected end of JSON input"],
    ['a bad character', '{user: "a"}', "couldn't get version/kind; json parse error: invalid character 'u' looking for beginning of object key string"],
    ['text after the object', '{"user":"a"} x', "couldn't get version/kind; json parse error: invalid character 'x' after top-level value"],
    [
      'an array (not JSON to the recognizer, so YAML)',
      '[1]',
      'couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
    ],
    ['an apiVersion that is not a string', '{"apiVersion":1}', "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string"],
    ['an apiVersion with two slashes', '{"apiVersion":"a/b/c","kind":"Policy"}', 'unexpected GroupVersion string: a/b/c'],
    ['a group without a version', '{"apiVersion":"other/","kind":"Policy"}', 'Object \'apiVersion\' is missing in \'{"apiVersion":"other/","kind":"Policy"}\''],
    ['a spec field of the wrong type, named by its struct and path', `{${V1BETA1},"spec":{"user":7}}`, 'json: cannot unmarshal number into Go struct field PolicySpec.spec.user of type string'],
    ['the first wrong field in the line, not in the struct', `{${V1BETA1},"spec":{"resource":1,"user":2}}`, 'json: cannot unmarshal number into Go struct field PolicySpec.spec.resource of type string'],
    ['an array for a bool', `{${V1BETA1},"spec":{"readonly":[]}}`, 'json: cannot unmarshal array into Go struct field PolicySpec.spec.readonly of type bool'],
    ['a spec that is not an object', `{${V1BETA1},"spec":5}`, 'json: cannot unmarshal number into Go struct field Policy.spec of type v1beta1.PolicySpec'],
    ['a v0 field of the wrong type', '{"user":5}', 'json: cannot unmarshal number into Go struct field Policy.user of type string'],
    ['a v1beta1 line without a kind (decoded as v1beta1, which does not convert to v0)', '{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","spec":{"user":"a"}}', 'converting (v1beta1.Policy) to (v0.Policy): unknown conversion'],
    ['an unknown kind without a version (read as v0)', '{"kind":"Rule","user":"a"}', 'no kind "Rule" is registered for version "abac.authorization.kubernetes.io/v0" in scheme "pkg/apis/abac/register.go:33"'],
  ])('fails in Go\'s words on %s', (_name, text, why) => {
    expect(() => parseAbacPolicy(text, 'p')).toThrow(`error reading policy file p, line 1: ${text}: ${why}`);
  });

  it.each<[string, string, Partial<ReturnType<typeof parseAbacPolicy>[number]>]>([
    ['a v0 line ignores fields v0 does not have, whatever their type', '{"user":"a","apiGroup":5,"nonResourcePath":[]}', { user: 'a', apiGroup: '*', nonResourcePath: '*' }],
    ['"null" is an empty v0 policy: every authenticated user, everything', 'null', { user: '', group: 'system:authenticated', apiGroup: '*', namespace: '*', resource: '*', nonResourcePath: '*' }],
    ['a line that does not start with { is YAML', 'user: alice', { user: 'alice', group: '', namespace: '*' }],
    ['apiVersion and kind are found whatever their case', '{"APIVERSION":"abac.authorization.kubernetes.io/v1beta1","Kind":"Policy","spec":{"user":"bob"}}', { user: 'bob', group: '', apiGroup: '', namespace: '' }],
    ['spec members are matched exactly', `{${V1BETA1},"spec":{"User":"bob","user":"carol"}}`, { user: 'carol' }],
    ['a repeated member decodes over the earlier one', `{${V1BETA1},"spec":{"user":"a"},"spec":{"group":"g","readonly":true},"spec":null}`, { user: 'a', group: 'g', readonly: true }],
    ['an explicit v0 line', '{"apiVersion":"abac.authorization.kubernetes.io/v0","kind":"Policy","user":"old"}', { user: 'old', apiGroup: '*' }],
    ['a group with an empty version takes v0', '{"apiVersion":"abac.authorization.kubernetes.io/","kind":"Policy","user":"x"}', { user: 'x', apiGroup: '*' }],
  ])('reads %s', (_name, text, expected) => {
    expect(parseAbacPolicy(text)[0]).toMatchObject(expected);
  });

  it('stops at a line of 64 KiB or more, as bufio.Scanner does, after the lines before it', () => {
    const long = `{"user":"${'a'.repeat(64 * 1024)}"}`;
    expect(() => parseAbacPolicy(`{"user":"ok"}\n${long}\n`, 'p')).toThrow(/^error reading policy file p: bufio\.Scanner: token too long$/);
    expect(() => parseAbacPolicy(`{\n${long}`, 'p')).toThrow(/line 1:/);
    const fits = `{"user":"${'a'.repeat(64 * 1024 - 12)}"}`;
    expect(Buffer.byteLength(fits)).toBe(64 * 1024 - 1);
    expect(parseAbacPolicy(`${fits}\n`)[0]!.user.length).toBe(64 * 1024 - 12);
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

  it('fails on a missing file as os.Open does', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'abac-')), 'missing.jsonl');
    expect(() => AbacAuthorizer.fromFile(path)).toThrow(`open ${path}: no such file or directory`);
  });

  it('fails on a directory when reading it, as bufio.Scanner does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'abac-'));
    expect(() => AbacAuthorizer.fromFile(dir)).toThrow(`error reading policy file ${dir}: read ${dir}: is a directory`);
  });

  it('reads a policy file from disk', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'abac-')), 'policy.jsonl');
    writeFileSync(path, `${line({ user: 'x', namespace: '*', resource: '*', apiGroup: '*' })}\r\n`);
    expect((await AbacAuthorizer.fromFile(path).authorize(res(u('x'), 'get', 'pods'))).decision).toBe('Allow');
  });
});
