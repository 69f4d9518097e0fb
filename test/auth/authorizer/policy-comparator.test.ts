import { describe, expect, it } from 'vitest';
import { breakdownRule, covers } from '../../../src/auth/authorizer/index.js';
import type { PolicyRule } from '../../../src/registry/types.js';

const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({ verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) });

describe('breakdownRule', () => {
  it('splits into one rule per group, resource, verb and name', () => {
    expect(breakdownRule(rule(['get', 'list'], ['', 'apps'], ['pods'], ['a']))).toEqual([
      rule(['get'], [''], ['pods'], ['a']),
      rule(['list'], [''], ['pods'], ['a']),
      rule(['get'], ['apps'], ['pods'], ['a']),
      rule(['list'], ['apps'], ['pods'], ['a']),
    ]);
  });

  it('pairs URLs with verbs only', () => {
    expect(breakdownRule({ verbs: ['get'], nonResourceURLs: ['/a', '/b'] })).toEqual([{ nonResourceURLs: ['/a'], verbs: ['get'] }, { nonResourceURLs: ['/b'], verbs: ['get'] }]);
  });
});

describe('covers', () => {
  it.each<[string, PolicyRule[], PolicyRule[], boolean]>([
    ['the same rule covers itself', [rule(['get'], [''], ['pods'])], [rule(['get'], [''], ['pods'])], true],
    ['* covers everything', [rule(['*'], ['*'], ['*'])], [rule(['delete'], ['apps'], ['deployments/scale'])], true],
    ['several owner rules can cover different parts', [rule(['get'], [''], ['pods']), rule(['list'], [''], ['pods'])], [rule(['get', 'list'], [''], ['pods'])], true],
    ['a missing verb is not covered', [rule(['get'], [''], ['pods'])], [rule(['get', 'delete'], [''], ['pods'])], false],
    ['*/scale covers a scale subresource', [rule(['update'], ['apps'], ['*/scale'])], [rule(['update'], ['apps'], ['deployments/scale'])], true],
    ['pods does not cover pods/log', [rule(['get'], [''], ['pods'])], [rule(['get'], [''], ['pods/log'])], false],
    ['named owner rules do not cover an unnamed rule', [rule(['get'], [''], ['secrets'], ['a'])], [rule(['get'], [''], ['secrets'])], false],
    ['an unnamed owner rule covers named ones', [rule(['get'], [''], ['secrets'])], [rule(['get'], [''], ['secrets'], ['a'])], true],
    ['a prefix URL covers paths below it', [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }], true],
    ['a resource rule does not cover a URL', [rule(['*'], ['*'], ['*'])], [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }], false],
  ])('%s', (_name, owner, servant, covered) => {
    expect(covers(owner, servant).covered).toBe(covered);
  });

  it('lists the atomic rules left uncovered', () => {
    expect(covers([rule(['get'], [''], ['pods'])], [rule(['get', 'delete'], [''], ['pods', 'secrets'])]).missing).toEqual([
      rule(['delete'], [''], ['pods']),
      rule(['get'], [''], ['secrets']),
      rule(['delete'], [''], ['secrets']),
    ]);
  });
});
