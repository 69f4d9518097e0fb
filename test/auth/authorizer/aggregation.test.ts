import { describe, expect, it } from 'vitest';
import { aggregateRules, labelSelectorMatches, resolveAggregatedRules, rulesEqual } from '../../../src/auth/authorizer/index.js';
import type { ClusterRole, LabelSelector, PolicyRule } from '../../../src/registry/types.js';
import { clusterRole } from './fakes.js';

const get = (resource: string): PolicyRule => ({ verbs: ['get'], apiGroups: [''], resources: [resource] });
const aggregated = (name: string, selectors: LabelSelector[], labels?: Record<string, string>, rules?: PolicyRule[]): ClusterRole => ({
  metadata: labels ? { name, labels } : { name },
  aggregationRule: { clusterRoleSelectors: selectors },
  ...(rules ? { rules } : {}),
});

describe('labelSelectorMatches', () => {
  it.each<[string, LabelSelector, Record<string, string> | undefined, boolean]>([
    ['matchLabels needs every pair', { matchLabels: { a: '1', b: '2' } }, { a: '1', b: '2', c: '3' }, true],
    ['matchLabels fails on a different value', { matchLabels: { a: '1' } }, { a: '2' }, false],
    ['an empty selector matches everything', {}, undefined, true],
    ['In needs the value among the values', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }, true],
    ['In fails without the label', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, {}, false],
    ['NotIn passes without the label', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {}, true],
    ['NotIn fails on a listed value', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { a: '1' }, false],
    ['Exists needs the key', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }, true],
    ['DoesNotExist needs the key absent', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: 'x' }, false],
  ])('%s', (_name, selector, labels, matches) => {
    expect(labelSelectorMatches(selector, labels)).toBe(matches);
  });

  it.each<[string, LabelSelector, string]>([
    ['an unknown operator', { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, '"Equals" is not a valid label selector operator'],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'],
  ])('rejects %s', (_name, selector, message) => {
    expect(() => labelSelectorMatches(selector, { a: 'x' })).toThrow(message);
  });
});

describe('aggregateRules', () => {
  const view = aggregated('view', [{ matchLabels: { 'aggregate-to-view': 'true' } }]);
  const all = [
    view,
    clusterRole('z-part', [get('secrets'), get('pods')], { 'aggregate-to-view': 'true' }),
    clusterRole('a-part', [get('pods'), { ...get('pods'), resourceNames: [] }], { 'aggregate-to-view': 'true' }),
    clusterRole('unrelated', [get('nodes')]),
  ];

  it('unions matching roles by name, dropping semantically equal rules', () => {
    expect(aggregateRules(view, all)).toEqual([get('pods'), get('secrets')]);
  });

  it('goes selector by selector', () => {
    const two = aggregated('two', [{ matchLabels: { k: 'b' } }, { matchLabels: { k: 'a' } }]);
    expect(aggregateRules(two, [two, clusterRole('x', [get('a')], { k: 'a' }), clusterRole('y', [get('b')], { k: 'b' })])).toEqual([get('b'), get('a')]);
  });

  it('never includes the role itself', () => {
    const self = aggregated('self', [{ matchLabels: { k: 'v' } }], { k: 'v' }, [get('stale')]);
    expect(aggregateRules(self, [self])).toEqual([]);
  });

  it('uses stored rules of aggregated parts, as one controller sync does', () => {
    const inner = aggregated('inner', [{ matchLabels: { leaf: 'y' } }], { outer: 'y' }, [get('stored')]);
    const outer = aggregated('outer', [{ matchLabels: { outer: 'y' } }]);
    const all2 = [outer, inner, clusterRole('leaf', [get('fresh')], { leaf: 'y' })];
    expect(aggregateRules(outer, all2)).toEqual([get('stored')]);
    expect(resolveAggregatedRules(outer, all2)).toEqual([get('fresh')]);
  });

  it('keeps the own rules of a role without an aggregationRule', () => {
    expect(aggregateRules(clusterRole('plain', [get('x')]), all)).toEqual([get('x')]);
  });

  it('survives a selector cycle', () => {
    const a = aggregated('a', [{ matchLabels: { to: 'a' } }], { to: 'b' }, [get('a')]);
    const b = aggregated('b', [{ matchLabels: { to: 'b' } }], { to: 'a' }, [get('b')]);
    expect(resolveAggregatedRules(a, [a, b])).toEqual([get('a')]);
  });
});

describe('rulesEqual', () => {
  it.each<[string, PolicyRule, PolicyRule, boolean]>([
    ['a missing list equals an empty one', { verbs: ['get'] }, { verbs: ['get'], apiGroups: [] }, true],
    ['order matters', { verbs: ['get', 'list'] }, { verbs: ['list', 'get'] }, false],
  ])('%s', (_name, a, b, equal) => {
    expect(rulesEqual(a, b)).toBe(equal);
  });
});
