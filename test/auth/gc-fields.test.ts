import { describe, expect, it } from 'vitest';
import { isOnlyMutatingGCFields } from '../../src/auth/admission/gc-fields.js';
import type { KubeObject } from '../../src/registry/types.js';

const old: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'r', namespace: 'a', uid: 'u', resourceVersion: '7', labels: { x: 'y' }, finalizers: ['f'] },
  rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
};

const edit = (fn: (o: KubeObject) => void): KubeObject => {
  const o = structuredClone(old);
  fn(o);
  return o;
};

describe('isOnlyMutatingGCFields', () => {
  it.each<[string, KubeObject, boolean]>([
    ['the same object', structuredClone(old), true],
    ['new ownerReferences', edit((o) => (o.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'p1' }])), true],
    ['finalizers removed', edit((o) => delete o.metadata.finalizers), true],
    ['new managedFields', edit((o) => (o.metadata.managedFields = [{ manager: 'kubectl' }])), true],
    ['empty lists and maps where the old one has none', edit((o) => Object.assign(o.metadata, { annotations: {} })), true],
    ['a changed rule', edit((o) => ((o.rules as Array<{ verbs: string[] }>)[0]!.verbs = ['get', 'list'])), false],
    ['a changed label', edit((o) => (o.metadata.labels = { x: 'z' })), false],
    ['no resourceVersion (an unconditional update)', edit((o) => delete o.metadata.resourceVersion), false],
  ])('is %s → %s', (_name, obj, expected) => {
    expect(isOnlyMutatingGCFields(obj, old)).toBe(expected);
  });

  it('is false without an old object', () => {
    expect(isOnlyMutatingGCFields(old, undefined)).toBe(false);
  });
});
