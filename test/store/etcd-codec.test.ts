import { describe, expect, it } from 'vitest';
import { EtcdKeys, decodeValue, encodeValue, revisionOf } from '../../src/store/etcd-codec.js';
import { type Snapshot, difference } from '../../src/store/etcd-snapshot.js';

describe('EtcdKeys', () => {
  it.each([
    ['the default prefix keeps keys as they are', '/registry', '/registry/pods/ns/a', '/registry/pods/ns/a'],
    ['another prefix replaces /registry', '/replica-set-a', '/registry/pods/ns/a', '/replica-set-a/pods/ns/a'],
    ['a trailing slash on the prefix is dropped', '/satoken/', '/registry/namespaces/x', '/satoken/namespaces/x'],
    ['an empty prefix puts keys at the root', '', '/registry/nodes/n1', '/nodes/n1'],
  ])('%s', (_name, prefix, key, etcdKey) => {
    const keys = new EtcdKeys(prefix);
    expect(keys.toEtcd(key)).toBe(etcdKey);
    expect(keys.fromEtcd(etcdKey)).toBe(key);
  });

  it.each([
    ['a resource prefix', '/registry/pods/', '/p/pods/'],
    ['the whole registry', '/registry/', '/p/'],
    ['/registry without its slash', '/registry', '/p/'],
    ['the root', '/', '/p/'],
    ['a prefix no store key can start with', '/registryx', undefined],
    ['a prefix outside the registry', '/other/', undefined],
  ])('maps the list prefix of %s to its etcd range', (_name, prefix, range) => {
    expect(new EtcdKeys('/p').rangeOf(prefix)).toBe(range);
  });

  it.each([
    ['a key outside /registry/', '/other/x'],
    ['the bare root, which is the follower\'s progress key', '/registry/'],
  ])('rejects %s', (_name, key) => {
    expect(() => new EtcdKeys('/registry').toEtcd(key)).toThrow(RangeError);
  });

  it('rejects a prefix that does not start with a slash, and knows its progress key', () => {
    expect(() => new EtcdKeys('registry')).toThrow(new RangeError(`the etcd prefix must start with '/', got "registry"`));
    expect([new EtcdKeys('/p').isProgressKey(Buffer.from('/p/')), new EtcdKeys('/p').isProgressKey('/p/x')]).toEqual([true, false]);
  });
});

describe('values', () => {
  it('stores JSON without resourceVersion and leaves the caller\'s object alone', () => {
    const input = { metadata: { name: 'a', resourceVersion: '7' }, spec: { n: 1 } };
    expect(encodeValue(input)).toBe('{"metadata":{"name":"a"},"spec":{"n":1}}');
    expect(input.metadata.resourceVersion).toBe('7');
  });

  it('reads a value back stamped with the revision it is given', () => {
    expect(decodeValue(Buffer.from('{"metadata":{"name":"a"}}'), 9)).toEqual({ object: { metadata: { name: 'a', resourceVersion: '9' } }, json: '{"metadata":{"name":"a","resourceVersion":"9"}}' });
  });

  it.each([['an array', []], ['null', null], ['a string', 'x']])('refuses to store %s', (_name, value) => {
    expect(() => encodeValue(value as never)).toThrow(TypeError);
  });

  it.each([['-1'], ['1.5'], ['9007199254740993'], ['x']])('refuses the etcd revision %s', (value) => {
    expect(() => revisionOf(value)).toThrow(RangeError);
  });
});

describe('difference', () => {
  const snap = (entries: Array<[string, string, number]>): Snapshot => new Map(entries.map(([key, name, modRevision]) => [key, { value: JSON.stringify({ metadata: { name } }), modRevision }]));

  it('names new keys ADDED and changed ones MODIFIED at their revisions, vanished ones DELETED at the list revision, in revision order', () => {
    const before = snap([['/registry/a', 'a', 2], ['/registry/b', 'b', 3], ['/registry/c', 'c', 4]]);
    const after = snap([['/registry/a', 'a2', 9], ['/registry/c', 'c', 4], ['/registry/d', 'd', 7]]);
    expect(difference(before, after, 12).map((e) => [e.type, e.key, e.revision, JSON.parse(e.json).metadata])).toEqual([
      ['ADDED', '/registry/d', 7, { name: 'd', resourceVersion: '7' }],
      ['MODIFIED', '/registry/a', 9, { name: 'a2', resourceVersion: '9' }],
      ['DELETED', '/registry/b', 12, { name: 'b', resourceVersion: '12' }],
    ]);
  });

  it('skips a value that is not JSON rather than failing the relist', () => {
    const after: Snapshot = new Map([['/registry/x', { value: 'not json', modRevision: 5 }]]);
    expect(difference(new Map(), after, 6)).toEqual([]);
  });
});
