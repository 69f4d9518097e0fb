/**
 * Go's `net/url.Parse` and `(*URL).String`, ported so that issuer and JWKS URI validation fail on
 * exactly the inputs kube-apiserver rejects, with its exact messages (`parse "<url>": <reason>`).
 * Reference: src/net/url/url.go (Go 1.19–1.22). Works on the UTF-8 bytes of the input, as Go does:
 * internally every string here is a "byte string" (one char per byte).
 */
import { goQuote } from '../util/go-format.js';
import { escape, escapedRaw, fromBytes, ReasonError, toBytes, unescape } from './go-url-escape.js';

/** The fields of Go's `url.URL` that satoken reads. */
export interface GoUrl {
  scheme: string;
  opaque: string;
  user: { username: string; password: string | undefined } | undefined;
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

/**
 * The error `url.Parse` returns: `*url.Error{Op: "parse", URL, Err}`.
 * @example
 * try { parseGoUrl('http://[::1]:namedport'); } catch (e) { e.message; } // 'parse "http://[::1]:namedport": invalid port ":namedport" after host'
 */
export class GoUrlError extends Error {
  constructor(readonly url: string, readonly reason: string) {
    super(`parse ${goQuote(url)}: ${reason}`);
    this.name = 'GoUrlError';
  }
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new ReasonError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new ReasonError(`invalid port ${goQuote(fromBytes(colonPort))} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host');
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1 && !validOptionalPort(host.slice(i))) throw new ReasonError(`invalid port ${goQuote(fromBytes(host.slice(i)))} after host`);
  }
  return unescape(host, 'host');
}

function parseAuthority(authority: string): Pick<GoUrl, 'user' | 'host'> {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return { user: undefined, host };
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new ReasonError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) return { user: { username: unescape(userinfo, 'userPassword'), password: undefined }, host };
  return { user: { username: unescape(userinfo.slice(0, colon), 'userPassword'), password: unescape(userinfo.slice(colon + 1), 'userPassword') }, host };
}

/** Go's unexported `parse(rawURL, viaRequest=false)` on a byte string. */
function parse(raw: string): GoUrl {
  const u: GoUrl = { scheme: '', opaque: '', user: undefined, host: '', path: '', rawPath: '', omitHost: false, forceQuery: false, rawQuery: '', fragment: '', rawFragment: '' };
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new ReasonError('net/url: invalid control character in URL');
  if (raw === '*') return { ...u, path: '*' };
  let rest = raw;
  const scheme = /^[A-Za-z][A-Za-z0-9+\-.]*:/.exec(raw);
  if (raw.startsWith(':')) throw new ReasonError('missing protocol scheme');
  if (scheme) {
    u.scheme = scheme[0].slice(0, -1).toLowerCase();
    rest = raw.slice(scheme[0].length);
  }
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else if (rest.includes('?')) {
    u.rawQuery = rest.slice(rest.indexOf('?') + 1);
    rest = rest.slice(0, rest.indexOf('?'));
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') return { ...u, opaque: rest };
    if (rest.split('/')[0]!.includes(':')) throw new ReasonError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    Object.assign(u, parseAuthority(authority));
  } else if (u.scheme !== '' && rest.startsWith('/')) {
    u.omitHost = true;
  }
  u.path = unescape(rest, 'path');
  u.rawPath = escape(u.path, 'path') === rest ? '' : rest;
  return u;
}

function fromByteFields(u: GoUrl): GoUrl {
  const user = u.user && { username: fromBytes(u.user.username), password: u.user.password === undefined ? undefined : fromBytes(u.user.password) };
  return { ...u, scheme: fromBytes(u.scheme), opaque: fromBytes(u.opaque), user, host: fromBytes(u.host), path: fromBytes(u.path), rawPath: fromBytes(u.rawPath), rawQuery: fromBytes(u.rawQuery), fragment: fromBytes(u.fragment), rawFragment: fromBytes(u.rawFragment) };
}

/**
 * Go's `url.Parse`: throws {@link GoUrlError} with Go's message where Go returns an error.
 * @example
 * parseGoUrl('https://issuer.example.com?').forceQuery; // true (and rawQuery '')
 */
export function parseGoUrl(rawUrl: string): GoUrl {
  const raw = toBytes(rawUrl);
  const hash = raw.indexOf('#');
  const [head, frag] = hash < 0 ? [raw, ''] : [raw.slice(0, hash), raw.slice(hash + 1)];
  const u = reasonsAs(fromBytes(head), () => parse(head));
  if (frag !== '') {
    u.fragment = reasonsAs(rawUrl, () => unescape(frag, 'fragment'));
    u.rawFragment = escape(u.fragment, 'fragment') === frag ? '' : frag;
  }
  return fromByteFields(u);
}

/** Runs `fn`, turning its parse failure into Go's `*url.Error` for `url`. */
function reasonsAs<T>(url: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof ReasonError ? new GoUrlError(url, e.message) : e;
  }
}


/**
 * Go's `(*URL).String()`.
 * @example
 * formatGoUrl({ ...parseGoUrl(''), scheme: 'https', host: '192.0.2.1:80', path: '/openid/v1/jwks' }); // 'https://192.0.2.1:80/openid/v1/jwks'
 */
export function formatGoUrl(url: GoUrl): string {
  const b = (s: string): string => toBytes(s);
  let out = url.scheme !== '' ? `${b(url.scheme)}:` : '';
  if (url.opaque !== '') {
    out += b(url.opaque);
  } else {
    if ((url.scheme !== '' || url.host !== '' || url.user) && !(url.omitHost && url.host === '' && !url.user)) {
      if (url.host !== '' || url.path !== '' || url.user) out += '//';
      if (url.user) {
        out += escape(b(url.user.username), 'userPassword');
        if (url.user.password !== undefined) out += `:${escape(b(url.user.password), 'userPassword')}`;
        out += '@';
      }
      if (url.host !== '') out += escape(b(url.host), 'host');
    }
    const path = escapedRaw(b(url.rawPath), b(url.path), 'path');
    if (path !== '' && !path.startsWith('/') && url.host !== '') out += '/';
    if (out === '' && path.split('/')[0]!.includes(':')) out += './';
    out += path;
  }
  if (url.forceQuery || url.rawQuery !== '') out += `?${b(url.rawQuery)}`;
  if (url.fragment !== '') out += `#${escapedRaw(b(url.rawFragment), b(url.fragment), 'fragment')}`;
  return fromBytes(out);
}
