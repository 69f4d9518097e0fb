import { describe, expect, it } from 'vitest';
import { serviceAccountUsername, splitServiceAccountUsername } from '../../src/tokens/service-account-username.js';

describe('service-account usernames (serviceaccount/util.go)', () => {
  it('makes system:serviceaccount:<namespace>:<name>', () => {
    expect(serviceAccountUsername('default', 'build-robot')).toBe('system:serviceaccount:default:build-robot');
  });

  it.each<[string, [string, string] | undefined]>([
    ['system:serviceaccount:default:build-robot', ['default', 'build-robot']],
    ['system:serviceaccount:kube-system:a.b', ['kube-system', 'a.b']],
    [`system:serviceaccount:${'n'.repeat(63)}:${'s'.repeat(253)}`, ['n'.repeat(63), 's'.repeat(253)]],
    [`system:serviceaccount:${'n'.repeat(64)}:x`, undefined],
    [`system:serviceaccount:ns:${'s'.repeat(254)}`, undefined],
    ['system:serviceaccount:a.b:x', undefined],
    ['system:serviceaccount:Default:x', undefined],
    ['system:serviceaccount:ns:x:y', undefined],
    ['system:serviceaccount:ns', undefined],
    ['system:serviceaccounts:ns:x', undefined],
    ['alice', undefined],
  ])('splits %j into %j', (username, split) => {
    expect(splitServiceAccountUsername(username)).toEqual(split);
  });
});
