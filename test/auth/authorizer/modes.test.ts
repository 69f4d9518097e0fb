import { describe, expect, it } from 'vitest';
import { alwaysAllow, alwaysDeny, authorizerChain, privilegedGroupAuthorizer, union, unionRuleResolvers } from '../../../src/auth/authorizer/index.js';
import type { AuthorizationResult, Authorizer, RuleResolver } from '../../../src/auth/authorizer/index.js';
import { alice, res } from './fakes.js';

/** An authorizer with a fixed answer that counts its calls. */
class Fixed implements Authorizer {
  calls = 0;
  constructor(private readonly answer: AuthorizationResult) {}
  async authorize(): Promise<AuthorizationResult> {
    this.calls++;
    return this.answer;
  }
}

const attrs = res(alice, 'get', 'pods', { namespace: 'a' });

describe('union', () => {
  it.each<[string, AuthorizationResult[], AuthorizationResult, number[]]>([
    ['the first Allow wins and later authorizers are not asked', [{ decision: 'NoOpinion', reason: 'n1' }, { decision: 'Allow', reason: 'yes' }, { decision: 'Deny', reason: 'no' }], { decision: 'Allow', reason: 'yes' }, [1, 1, 0]],
    ['a Deny wins over a later Allow', [{ decision: 'Deny', reason: 'no' }, { decision: 'Allow', reason: 'yes' }], { decision: 'Deny', reason: 'no' }, [1, 0]],
    ['all NoOpinion joins the non-empty reasons with newlines', [{ decision: 'NoOpinion', reason: 'a' }, { decision: 'NoOpinion', reason: '' }, { decision: 'NoOpinion', reason: 'b' }], { decision: 'NoOpinion', reason: 'a\nb' }, [1, 1, 1]],
    ['no authorizers means no opinion', [], { decision: 'NoOpinion', reason: '' }, []],
  ])('%s', async (_name, answers, expected, calls) => {
    const authorizers = answers.map((a) => new Fixed(a));
    expect(await union(authorizers).authorize(attrs)).toEqual(expected);
    expect(authorizers.map((a) => a.calls)).toEqual(calls);
  });

  it('aggregates the errors of authorizers that had no opinion', async () => {
    const d = await union([new Fixed({ decision: 'NoOpinion', reason: '', error: new Error('x') }), new Fixed({ decision: 'NoOpinion', reason: '', error: new Error('y') })]).authorize(attrs);
    expect(d.error?.message).toBe('[x, y]');
  });
});

describe('the simple modes', () => {
  it.each<[string, Authorizer, AuthorizationResult]>([
    ['AlwaysAllow allows', alwaysAllow(), { decision: 'Allow', reason: '' }],
    ['AlwaysDeny has no opinion and says everything is forbidden', alwaysDeny(), { decision: 'NoOpinion', reason: 'Everything is forbidden.' }],
    ['the privileged-group authorizer ignores other users', privilegedGroupAuthorizer(), { decision: 'NoOpinion', reason: '' }],
  ])('%s', async (_name, authz, expected) => {
    expect(await authz.authorize(attrs)).toEqual(expected);
  });

  it('lets system:masters through before any other authorizer is asked', async () => {
    const rbac = new Fixed({ decision: 'Deny', reason: 'no' });
    const chain = authorizerChain([rbac]);
    expect(await chain.authorize({ ...attrs, user: { username: 'root', groups: ['system:masters'] } })).toEqual({ decision: 'Allow', reason: '' });
    expect(rbac.calls).toBe(0);
    expect(await chain.authorize(attrs)).toEqual({ decision: 'Deny', reason: 'no' });
  });
});

describe('unionRuleResolvers', () => {
  it('concatenates rules, is incomplete if any part is, and aggregates errors', async () => {
    const partial: RuleResolver = { rulesFor: async () => ({ resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' }) };
    expect(await unionRuleResolvers([alwaysAllow(), partial, alwaysDeny()]).rulesFor(alice, 'a')).toEqual({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: true,
      evaluationError: 'node authorizer does not support user rule resolution',
    });
  });
});
