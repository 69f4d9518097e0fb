import { describe, expect, it } from 'vitest';
import { aggregateMessage, issuerErrors, validateIssuers } from '../../src/keys/index.js';

describe('issuerErrors', () => {
  it.each<[string, string[], string[]]>([
    ['one https issuer is fine', ['https://kubernetes.default.svc.cluster.local'], []],
    ['a plain string without a colon is fine', ['kubernetes/serviceaccount'], []],
    ['several distinct issuers are fine', ['https://a.example', 'https://b.example', 'legacy'], []],
    ['no issuer is a missing required flag', [], ['service-account-issuer is a required flag']],
    ['an empty issuer', [''], ['service-account-issuer should not be an empty string']],
    ['a duplicate issuer', ['http://foo.bar.com', 'http://foo.bar.com'], ['service-account-issuer "http://foo.bar.com" is already specified']],
    [
      'an issuer with a named port',
      ['http://[::1]:namedport'],
      ['service-account-issuer "http://[::1]:namedport" contained a \':\' but was not a valid URL: parse "http://[::1]:namedport": invalid port ":namedport" after host'],
    ],
    [
      'an issuer starting with a colon',
      [':issuer'],
      ['service-account-issuer ":issuer" contained a \':\' but was not a valid URL: parse ":issuer": missing protocol scheme'],
    ],
    [
      'an issuer with a space in the host',
      ['https://my issuer'],
      ['service-account-issuer "https://my issuer" contained a \':\' but was not a valid URL: parse "https://my issuer": invalid character " " in host name'],
    ],
    [
      'an invalid issuer twice reports twice (it is never "seen")',
      ['https://x:y', 'https://x:y'],
      [
        'service-account-issuer "https://x:y" contained a \':\' but was not a valid URL: parse "https://x:y": invalid port ":y" after host',
        'service-account-issuer "https://x:y" contained a \':\' but was not a valid URL: parse "https://x:y": invalid port ":y" after host',
      ],
    ],
    [
      'several problems in flag order',
      ['', 'https://a', 'https://a', ''],
      ['service-account-issuer should not be an empty string', 'service-account-issuer "https://a" is already specified', 'service-account-issuer should not be an empty string'],
    ],
  ])('%s', (_name, issuers, errors) => {
    expect(issuerErrors(issuers)).toEqual(errors);
  });
});

describe('validateIssuers', () => {
  it.each<[string, string[], string]>([
    ['one error is its own message', [], 'service-account-issuer is a required flag'],
    ['several errors print as an aggregate', ['', 'https://a', 'https://a'], '[service-account-issuer should not be an empty string, service-account-issuer "https://a" is already specified]'],
    ['repeated messages print once', ['', ''], 'service-account-issuer should not be an empty string'],
  ])('%s', (_name, issuers, message) => {
    expect(() => validateIssuers(issuers)).toThrow(new Error(message));
  });

  it('returns a copy of valid issuers, first one first', () => {
    const flags = ['https://new.example', 'https://old.example'];
    const out = validateIssuers(flags);
    expect([out, out === flags]).toEqual([flags, false]);
  });

  it.each<[string[], string]>([
    [[], ''],
    [['a'], 'a'],
    [['a', 'b', 'a'], '[a, b]'],
  ])('aggregateMessage(%j) is %j', (messages, text) => {
    expect(aggregateMessage(messages)).toBe(text);
  });
});
