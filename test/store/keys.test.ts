import { describe, expect, it } from 'vitest';
import { objectKey, prefixFor } from '../../src/store/keys.js';

describe('objectKey', () => {
  it.each([
    ['a namespaced object is /registry/<resource>/<namespace>/<name>', 'serviceaccounts', 'default', 'builder', '/registry/serviceaccounts/default/builder'],
    ['a cluster-scoped object (no namespace) is /registry/<resource>/<name>', 'namespaces', undefined, 'team-a', '/registry/namespaces/team-a'],
    ['an empty namespace means cluster-scoped', 'clusterroles', '', 'admin', '/registry/clusterroles/admin'],
    ['names with dots and colons are kept as they are', 'clusterroles', undefined, 'system:node.x', '/registry/clusterroles/system:node.x'],
  ])('%s', (_name, resource, namespace, name, key) => {
    expect(objectKey(resource, namespace, name)).toBe(key);
  });

  it.each([
    ['an empty name', 'pods', 'ns', '', 'name may not be empty'],
    ['a name with a slash', 'pods', 'ns', 'a/b', `name may not contain '/': "a/b"`],
    ['a name with a percent sign', 'pods', 'ns', 'a%2F', `name may not contain '%': "a%2F"`],
    ['a name of ..', 'pods', 'ns', '..', "name may not be '..'"],
    ['a namespace with a slash', 'pods', 'a/b', 'x', `namespace may not contain '/': "a/b"`],
    ['an empty resource', '', 'ns', 'x', 'resource may not be empty'],
  ])('rejects %s', (_name, resource, namespace, name, message) => {
    expect(() => objectKey(resource, namespace, name)).toThrow(new RangeError(message));
  });
});

describe('prefixFor', () => {
  it.each([
    ['a resource across namespaces ends with a slash', 'pods', undefined, '/registry/pods/'],
    ['one namespace ends with a slash, so "a" does not match "ab"', 'pods', 'a', '/registry/pods/a/'],
    ['an empty namespace means every namespace', 'pods', '', '/registry/pods/'],
  ])('%s', (_name, resource, namespace, prefix) => {
    expect(prefixFor(resource, namespace)).toBe(prefix);
    expect(objectKey(resource, 'ab', 'x').startsWith(prefix)).toBe(namespace !== 'a');
  });

  it('is a prefix of every key it covers', () => {
    expect(objectKey('secrets', 'ns', 's').startsWith(prefixFor('secrets', 'ns'))).toBe(true);
    expect(objectKey('nodes', undefined, 'n1').startsWith(prefixFor('nodes'))).toBe(true);
  });

  it('rejects a namespace with a slash', () => {
    expect(() => prefixFor('pods', 'a/')).toThrow(new RangeError(`namespace may not contain '/': "a/"`));
  });
});
