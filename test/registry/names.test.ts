import { describe, expect, it } from 'vitest';
import { dns1123Label, dns1123Subdomain, isDns1123Label, isDns1123Subdomain, pathSegmentName, qualifiedName } from '../../src/util/name-validation.js';
import { parseFieldSelector, parseLabelSelector } from '../../src/registry/selectors.js';

describe('names', () => {
  it.each(['build-robot', 'a', 'a.b-c', '0x', 'Build', 'a_b', '-a', 'a-', '', 'a..b', 'a.b', 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(253), 'a'.repeat(254)])('isDns1123Label and isDns1123Subdomain of %j agree with the validators', (n) => {
    expect(isDns1123Label(n)).toBe(dns1123Label(n).length === 0);
    expect(isDns1123Subdomain(n)).toBe(dns1123Subdomain(n).length === 0);
  });

  it.each(['build-robot', 'a', 'a.b-c', '0x'])('accepts the subdomain %s', (n) => expect(dns1123Subdomain(n)).toEqual([]));

  it.each(['Build', 'a_b', '-a', 'a-', '', 'a..b'])('rejects the subdomain %j with the RFC 1123 message', (n) => {
    expect(dns1123Subdomain(n)[0]).toMatch(/^a lowercase RFC 1123 subdomain must consist of/);
  });

  it('limits subdomains to 253 characters', () => {
    expect(dns1123Subdomain('a'.repeat(254))).toContain('must be no more than 253 characters');
  });

  it('rejects dots in namespace names (labels)', () => {
    expect(dns1123Label('a.b')[0]).toMatch(/^a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'/);
  });

  it.each([
    ['.', ["may not be '.'"]],
    ['a/b', ["may not contain '/'"]],
    ['a%b', ["may not contain '%'"]],
    ['system:aggregate-to-admin', []],
  ])('validates RBAC path segment name %j', (n, want) => expect(pathSegmentName(n)).toEqual(want));

  it.each([['app'], ['example.com/app'], ['app.kubernetes.io/name']])('accepts the label key %s', (k) => expect(qualifiedName(k)).toEqual([]));
  it('rejects a label key with two slashes', () => expect(qualifiedName('a/b/c')).toHaveLength(1));
});

describe('selectors', () => {
  const obj = (labels: Record<string, string>, name = 'p') => ({ kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { nodeName: 'node-1' } });

  it.each([
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'web' }, true],
    ['app!=web', { app: 'web' }, false],
    ['app in (web, api)', { app: 'api' }, true],
    ['app notin (web)', { app: 'api' }, true],
    ['tier', { app: 'api' }, false],
    ['!tier', { app: 'api' }, true],
    ['app=web,tier=front', { app: 'web', tier: 'front' }, true],
    ['app=web,tier=front', { app: 'web' }, false],
  ])('label selector %j on %j matches: %s', (sel, labels, want) => {
    expect(parseLabelSelector(sel)(obj(labels))).toBe(want);
  });

  it('field selector on metadata.name and spec.nodeName', () => {
    expect(parseFieldSelector('metadata.name=p', 'Pod')(obj({}))).toBe(true);
    expect(parseFieldSelector('spec.nodeName=node-2', 'Pod')(obj({}))).toBe(false);
  });

  it('rejects an unknown field with a Status error', () => {
    expect(() => parseFieldSelector('spec.foo=bar', 'Pod')).toThrow('"spec.foo" is not a known field selector');
  });
});
