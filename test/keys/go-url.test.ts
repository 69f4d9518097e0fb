import { describe, expect, it } from 'vitest';
import { formatGoUrl, GoUrlError, goQuote, parseGoUrl } from '../../src/keys/index.js';

// Expected values were produced by Go 1.19's net/url on the same inputs.
describe('parseGoUrl', () => {
  it.each<[string, string, string, string, string, string, string]>([
    ["https://issuer.example.com", "https", "issuer.example.com", "", "", "", "https://issuer.example.com"],
    ["issuer.example.com", "", "", "issuer.example.com", "", "", "issuer.example.com"],
    ["issuer", "", "", "issuer", "", "", "issuer"],
    ["https://issuer.example.com?foo=bar", "https", "issuer.example.com", "", "foo=bar", "", "https://issuer.example.com?foo=bar"],
    ["https://issuer.example.com#baz", "https", "issuer.example.com", "", "", "baz", "https://issuer.example.com#baz"],
    ["https://issuer.example.com?", "https", "issuer.example.com", "", "", "", "https://issuer.example.com?"],
    ["https://issuer.example.com#", "https", "issuer.example.com", "", "", "", "https://issuer.example.com"],
    ["https://192.0.2.1:80", "https", "192.0.2.1:80", "", "", "", "https://192.0.2.1:80"],
    ["a:b/c", "a", "", "", "", "", "a:b/c"],
    ["foo/a:b", "", "", "foo/a:b", "", "", "foo/a:b"],
    ["https://ex%C3%A9.com", "https", "exé.com", "", "", "", "https://ex%C3%A9.com"],
    ["https://ex<ample.com/p q", "https", "ex<ample.com", "/p q", "", "", "https://ex<ample.com/p%20q"],
    ["https://x/a%2Fb", "https", "x", "/a/b", "", "", "https://x/a%2Fb"],
    ["https://x/a#frag ment", "https", "x", "/a", "", "frag ment", "https://x/a#frag%20ment"],
    ["https://[fe80::1%25en0]:80/", "https", "[fe80::1%en0]:80", "/", "", "", "https://[fe80::1%25en0]:80/"],
    ["https://[fe80::1%25%41]/", "https", "[fe80::1%A]", "/", "", "", "https://[fe80::1%25A]/"],
    ["HTTPS://Example.COM/Path", "https", "Example.COM", "/Path", "", "", "https://Example.COM/Path"],
    ["https:///path", "https", "", "/path", "", "", "https:///path"],
    ["https:opaque", "https", "", "", "", "", "https:opaque"],
    ["//host/path", "", "host", "/path", "", "", "//host/path"],
    ["///path", "", "", "///path", "", "", "///path"],
    ["*", "", "", "*", "", "", "*"],
    ["https://héllo.example/ü?ä#ö", "https", "héllo.example", "/ü", "ä", "ö", "https://h%C3%A9llo.example/%C3%BC?ä#%C3%B6"],
    ["mailto:a@b", "mailto", "", "", "", "", "mailto:a@b"],
    ["http://x:", "http", "x:", "", "", "", "http://x:"],
    ["https://x/?a?b", "https", "x", "/", "a?b", "", "https://x/?a?b"],
    ["https://x/a;b,c/d?e", "https", "x", "/a;b,c/d", "e", "", "https://x/a;b,c/d?e"],
    ["https://x/*", "https", "x", "/*", "", "", "https://x/*"],
    ["https://%25/", "https", "%", "/", "", "", "https://%25/"],
    ["https://x/a?b#c#d", "https", "x", "/a", "b", "c#d", "https://x/a?b#c%23d"],
  ])('parses %j as Go does', (input, scheme, host, path, rawQuery, fragment, text) => {
    const u = parseGoUrl(input);
    expect([u.scheme, u.host, u.path, u.rawQuery, u.fragment, formatGoUrl(u)]).toEqual([scheme, host, path, rawQuery, fragment, text]);
  });

  it.each<[string, string]>([
    ["http://[::1]:namedport", "parse \"http://[::1]:namedport\": invalid port \":namedport\" after host"],
    ["https://host:port", "parse \"https://host:port\": invalid port \":port\" after host"],
    [":foo", "parse \":foo\": missing protocol scheme"],
    ["1http://x:y", "parse \"1http://x:y\": first path segment in URL cannot contain colon"],
    ["https://ex%zample.com", "parse \"https://ex%zample.com\": invalid URL escape \"%za\""],
    ["https://ex%41mple.com", "parse \"https://ex%41mple.com\": invalid URL escape \"%41\""],
    ["https://ex ample.com", "parse \"https://ex ample.com\": invalid character \" \" in host name"],
    ["https://x/%zz", "parse \"https://x/%zz\": invalid URL escape \"%zz\""],
    ["https://x/%4", "parse \"https://x/%4\": invalid URL escape \"%4\""],
    ["https://x/a#%zz", "parse \"https://x/a#%zz\": invalid URL escape \"%zz\""],
    ["https://us er@host/", "parse \"https://us er@host/\": net/url: invalid userinfo"],
    ["https://[::1", "parse \"https://[::1\": missing ']' in host"],
    ["https://[fe80::1%25%zz]/", "parse \"https://[fe80::1%25%zz]/\": invalid URL escape \"%zz\""],
    ["https://x\ty", "parse \"https://x\\ty\": net/url: invalid control character in URL"],
    ["http://x:80a", "parse \"http://x:80a\": invalid port \":80a\" after host"],
    ["http://a:b:c", "parse \"http://a:b:c\": invalid port \":c\" after host"],
    ["https://[::1]x", "parse \"https://[::1]x\": invalid port \"x\" after host"],
    ["https://a%2", "parse \"https://a%2\": invalid URL escape \"%2\""],
  ])('rejects %j with Go\'s error', (input, message) => {
    let thrown: unknown;
    try {
      parseGoUrl(input);
    } catch (e) {
      thrown = e;
    }
    expect([thrown instanceof GoUrlError, (thrown as Error).message]).toEqual([true, message]);
  });
});

describe('formatGoUrl', () => {
  it.each<[string, string]>([
    ['192.0.2.1:80', 'https://192.0.2.1:80/openid/v1/jwks'],
    ['[::1]:6443', 'https://[::1]:6443/openid/v1/jwks'],
    ['héllo:1', 'https://h%C3%A9llo:1/openid/v1/jwks'],
    ['https://192.0.2.1:80', 'https://https:%2F%2F192.0.2.1:80/openid/v1/jwks'],
    ['a b', 'https://a%20b/openid/v1/jwks'],
    ['x@y', 'https://x%40y/openid/v1/jwks'],
  ])('writes host %j as Go\'s url.URL{Scheme: "https", Host, Path}.String() does', (host, text) => {
    expect(formatGoUrl({ ...parseGoUrl(''), scheme: 'https', host, path: '/openid/v1/jwks' })).toBe(text);
  });
});

describe('goQuote', () => {
  it.each<[string, string]>([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['tab\there', '"tab\\there"'],
    ['bell\x07', '"bell\\a"'],
    ['nul\x00', '"nul\\x00"'],
    ['héllo', '"héllo"'],
  ])('quotes %j as %s', (input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });
});
