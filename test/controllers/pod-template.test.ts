import { describe, expect, it } from 'vitest';
import { scaledValue } from '../../src/controllers/int-or-percent.js';
import { computeHash, equalIgnoreHash, safeEncodeString } from '../../src/controllers/pod-template.js';
import { fitError, tolerates, unfit } from '../../src/controllers/scheduling-filters.js';
import { fnv32a } from '../../src/util/fnv.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('the pod-template-hash', () => {
  it('hashes with FNV-32a as Go hash/fnv New32a', () => {
    // Go: fnv.New32a().Write([]byte(x)).Sum32()
    expect(fnv32a(bytes(''))).toBe(0x811c9dc5);
    expect(fnv32a(bytes('a'))).toBe(0xe40c292c);
    expect(fnv32a(bytes('foobar'))).toBe(0xbf9cf968);
  });

  it('encodes as rand.SafeEncodeString: each byte mod 27 into an alphabet without vowels', () => {
    expect(safeEncodeString('1234')).toBe('5678');
    expect(safeEncodeString('0')).toBe('4');
  });

  it('is stable for a template whatever its member order, changes with it and with the collision count', () => {
    const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
    expect(computeHash(a, undefined)).toBe(computeHash(b, undefined));
    expect(computeHash(a, undefined)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(a, 1)).not.toBe(computeHash(a, undefined));
    expect(computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }, undefined)).not.toBe(computeHash(a, undefined));
  });

  it('compares templates without their pod-template-hash label', () => {
    const t = { metadata: { labels: { app: 'web' } }, spec: {} };
    expect(equalIgnoreHash(t, { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: {} })).toBe(true);
    expect(equalIgnoreHash(t, { metadata: { labels: { app: 'db' } }, spec: {} })).toBe(false);
  });
});

describe('maxSurge and maxUnavailable', () => {
  it('scales percentages as intstr.GetScaledValueFromIntOrPercent', () => {
    expect(scaledValue('25%', 3, true)).toBe(1);
    expect(scaledValue('25%', 3, false)).toBe(0);
    expect(scaledValue(2, 10, true)).toBe(2);
    expect(scaledValue('x%', 3, true)).toBeUndefined();
  });
});

describe('the scheduler filters', () => {
  const node = (spec: Record<string, unknown>, labels: Record<string, string> = {}) => ({ metadata: { name: 'n1', labels }, spec });
  const pod = (spec: Record<string, unknown>) => ({ metadata: { name: 'p' }, spec: { containers: [], ...spec } });

  it('reports kube-scheduler reasons for taints, cordons and selectors', () => {
    expect(unfit(pod({}), node({ taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] }))).toBe('node(s) had untolerated taint {node.kubernetes.io/unreachable: }');
    expect(unfit(pod({}), node({ unschedulable: true }))).toBe('node(s) were unschedulable');
    expect(unfit(pod({ nodeSelector: { disk: 'ssd' } }), node({}, { disk: 'hdd' }))).toBe("node(s) didn't match Pod's node affinity/selector");
    expect(unfit(pod({ nodeSelector: { disk: 'ssd' } }), node({}, { disk: 'ssd' }))).toBeUndefined();
  });

  it('tolerates as Toleration.ToleratesTaint', () => {
    expect(tolerates({ operator: 'Exists' }, { key: 'k', effect: 'NoExecute' })).toBe(true);
    expect(tolerates({ key: 'k', value: 'v' }, { key: 'k', value: 'w', effect: 'NoSchedule' })).toBe(false);
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, { key: 'k', effect: 'NoExecute' })).toBe(false);
  });

  it('aggregates the reasons as FitError', () => {
    expect(fitError(2, ['node(s) were unschedulable', 'node(s) had untolerated taint {a: }'])).toBe(
      '0/2 nodes are available: 1 node(s) had untolerated taint {a: }, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    expect(fitError(0, [])).toBe('no nodes available to schedule pods');
  });
});
