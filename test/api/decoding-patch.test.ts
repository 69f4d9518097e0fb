import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyPatchRequest, mergePatch, strategicMerge } from '../../src/api/patch.js';
import { goSprintV } from '../../src/api/patch-go-format.js';
import { KindSchemas } from '../../src/registry/schema/index.js';

const schemas = new KindSchemas();

describe('JSON merge patch (RFC 7386, as evanphx/json-patch v4 MergePatch)', () => {
  it.each([
    ['null deletes, objects merge', { a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 } }, { a: 1, b: { d: 3, e: 4 } }],
    ['nulls inside a new object are pruned', { a: 1 }, { b: { c: null, d: 1 } }, { a: 1, b: { d: 1 } }],
    ['nulls inside arrays are kept', { a: 1 }, { b: [null, 1] }, { a: 1, b: [null, 1] }],
    ['a scalar replaces an object', { a: { b: 1 } }, { a: 2 }, { a: 2 }],
    ['an array patch replaces the document', { a: 1 }, [1, 2], [1, 2]],
  ])('%s', (_name, target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });
});

describe('JSON patch (RFC 6902, as evanphx/json-patch v4 applies it)', () => {
  it.each([
    ['add appends with -', { a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }], { a: [1, 2] }],
    ['add inserts at an index', { a: [1, 3] }, [{ op: 'add', path: '/a/1', value: 2 }], { a: [1, 2, 3] }],
    ['negative indices count from the end', { a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }], { a: [1, 2] }],
    ['~1 and ~0 escape / and ~', { 'a/b': { '~c': 1 } }, [{ op: 'replace', path: '/a~1b/~0c', value: 2 }], { 'a/b': { '~c': 2 } }],
    ['move', { a: { x: 1 }, b: {} }, [{ op: 'move', from: '/a/x', path: '/b/y' }], { a: {}, b: { y: 1 } }],
    ['copy', { a: { x: 1 } }, [{ op: 'copy', from: '/a', path: '/b' }], { a: { x: 1 }, b: { x: 1 } }],
    ['test then replace', { a: 'x' }, [{ op: 'test', path: '/a', value: 'x' }, { op: 'replace', path: '/a', value: 'y' }], { a: 'y' }],
    ['add without a value sets null, as evanphx does', { a: {} }, [{ op: 'add', path: '/a/b' }], { a: { b: null } }],
    ['replace of the root', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
  ])('%s', (_name, doc, ops, expected) => {
    expect(applyJsonPatch(doc, ops)).toEqual(expected);
  });

  it.each([
    ['remove of a missing key', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['replace of a missing key', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }]],
    ['add under a missing parent', { a: 1 }, [{ op: 'add', path: '/b/c', value: 1 }]],
    ['add past the end of an array', { a: [] }, [{ op: 'add', path: '/a/2', value: 1 }]],
    ['a path without a leading slash', { a: 1 }, [{ op: 'add', path: 'a', value: 1 }]],
    ['a failed test', { a: 1 }, [{ op: 'test', path: '/a', value: 2 }]],
    ['an unknown op', { a: 1 }, [{ op: 'merge', path: '/a' }]],
    ['an op without a path', { a: 1 }, [{ op: 'remove' }]],
  ])('refuses %s with the 422 kube-apiserver answers', (_name, doc, ops) => {
    expect(() => applyJsonPatch(doc, ops)).toThrow('the server rejected our request due to an error in our request');
  });
});

describe('strategic merge patch, following the schema\'s merge keys', () => {
  const pod = () => ({
    metadata: { name: 'p', finalizers: ['a'], ownerReferences: [{ uid: 'u1', name: 'x' }] },
    spec: {
      containers: [
        { name: 'app', image: 'v1', ports: [{ containerPort: 80, name: 'http' }] },
        { name: 'side', image: 's1' },
      ],
      tolerations: [{ key: 'a' }],
      volumes: [{ name: 'v', emptyDir: {} }],
    },
  });

  it('merges containers by name and their ports by containerPort; replaces atomic lists', () => {
    const out = strategicMerge(pod(), { spec: { containers: [{ name: 'app', image: 'v2', ports: [{ containerPort: 443 }] }], tolerations: [{ key: 'b' }] } }, 'V1Pod', schemas);
    expect(out.spec).toEqual({
      containers: [
        { name: 'app', image: 'v2', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] },
        { name: 'side', image: 's1' },
      ],
      tolerations: [{ key: 'b' }],
      volumes: [{ name: 'v', emptyDir: {} }],
    });
  });

  it('deletes list items with $patch: delete, replaces a list with $patch: replace, merges finalizers as a set', () => {
    const out = strategicMerge(pod(), { metadata: { finalizers: ['b', 'a'] }, spec: { containers: [{ name: 'side', $patch: 'delete' }], volumes: [{ $patch: 'replace' }, { name: 'w' }] } }, 'V1Pod', schemas);
    expect(out.metadata).toMatchObject({ finalizers: ['a', 'b'] });
    expect((out.spec as { containers: unknown[] }).containers).toEqual([{ name: 'app', image: 'v1', ports: [{ containerPort: 80, name: 'http' }] }]);
    expect((out.spec as { volumes: unknown[] }).volumes).toEqual([{ name: 'w' }]);
  });

  it('orders by $setElementOrder, removes with $deleteFromPrimitiveList, keeps only $retainKeys', () => {
    const out = strategicMerge(
      pod(),
      { metadata: { $deleteFromPrimitiveList: undefined, '$deleteFromPrimitiveList/finalizers': ['a'] }, spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }], volumes: [{ name: 'v', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } } as never,
      'V1Pod',
      schemas,
    );
    expect(out.metadata).toMatchObject({ finalizers: [] });
    expect((out.spec as { containers: Array<{ name: string }> }).containers.map((c) => c.name)).toEqual(['side', 'app']);
    expect((out.spec as { volumes: unknown[] }).volumes).toEqual([{ name: 'v', hostPath: { path: '/x' } }]);
  });

  it('$patch: replace on a map replaces it, $patch: delete removes it', () => {
    expect(strategicMerge({ a: { x: 1, y: 2 } }, { a: { $patch: 'replace', z: 3 } }, undefined, schemas)).toEqual({ a: { z: 3 } });
    expect(strategicMerge({ a: { x: 1 }, b: 1 }, { a: { $patch: 'delete' } }, undefined, schemas)).toEqual({ a: {}, b: 1 });
  });

  it('prints the patch as Go\'s %+v prints a map for its 422s', () => {
    expect(goSprintV({ spec: { b: [1, 'x', null], a: true, c: 1.5, d: 2e6 } })).toBe('map[spec:map[a:true b:[1 x <nil>] c:1.5 d:2000000]]');
  });
});

describe('patches decoded against the schema', () => {
  const current = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: '1' } };
  const run = (format: 'merge-patch' | 'json-patch' | 'strategic-merge-patch' | 'apply-patch', body: string, fieldValidation: 'Strict' | 'Warn' | 'Ignore' = 'Warn') =>
    applyPatchRequest({ format, body: Buffer.from(body), current, fieldValidation, schemas, group: '', version: 'v1', kind: 'ConfigMap' });

  it('does not change the stored object', () => {
    run('merge-patch', '{"data":{"a":"2"}}');
    expect(current.data).toEqual({ a: '1' });
  });

  it('warns for the patch\'s repeated keys and the result\'s unknown fields, then keeps the known ones', () => {
    expect(run('merge-patch', '{"data":{"b":"2"},"data":{"c":"3"},"extra":1}')).toEqual({
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: '1', b: '2', c: '3' } },
      warnings: ['duplicate field "data"', 'unknown field "extra"'],
    });
  });

  it('apply patches: go-yaml\'s duplicate keys are a warning (Warn) split by line', () => {
    expect(run('apply-patch', 'data:\n  b: p\n  b: q\n').warnings).toEqual(['line 3: key "b" already set in map']);
  });
});
