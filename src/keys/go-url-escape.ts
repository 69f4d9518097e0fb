/**
 * The escaping half of Go's net/url (src/net/url/url.go: `shouldEscape`, `escape`, `unescape`,
 * `validEncoded`, `EscapedPath`) shared by keys/go-url.ts. The URL functions work on
 * "byte strings": one char per UTF-8 byte of the input, as Go works on bytes.
 */

import { goQuote } from '../util/go-format.js';

/** The encoding contexts of Go's `encoding` type that satoken uses. */
export type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'fragment';

/**
 * Text to byte string.
 * @example
 * toBytes('é'); // '\xc3\xa9'
 */
export const toBytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
/**
 * Byte string to text.
 * @example
 * fromBytes('\xc3\xa9'); // 'é'
 */
export const fromBytes = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');
const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/**
 * Go's `shouldEscape` for the modes satoken uses.
 * @example
 * shouldEscape('/', 'host'); // true
 */
export function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'userPassword') return '@/?:'.includes(c);
    if (mode === 'fragment') return false;
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

/**
 * A parse failure's reason, before Go wraps it as `parse "<url>": <reason>`.
 * @example
 * throw new ReasonError('missing protocol scheme');
 */
export class ReasonError extends Error {}

function escapeError(s: string): ReasonError {
  return new ReasonError(`invalid URL escape ${goQuote(fromBytes(s))}`);
}

/**
 * Go's `unescape` (without the query-component `+` rule, unused here); throws {@link ReasonError}
 * with Go's reason (`invalid URL escape "%zz"`, `invalid character " " in host name`).
 * @example
 * unescape('/a%2Fb', 'path'); // '/a/b'
 */
export function unescape(s: string, mode: Mode): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) throw escapeError(s.slice(i, i + 3));
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && v < 0x80 && s.slice(i, i + 3) !== '%25') throw escapeError(s.slice(i, i + 3));
      if (mode === 'zone' && s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscape(String.fromCharCode(v), 'host')) {
        throw escapeError(s.slice(i, i + 3));
      }
      out += String.fromCharCode(v);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) {
      throw new ReasonError(`invalid character ${goQuote(c)} in host name`);
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * Go's `escape`: %XX (upper case) for every byte that must be escaped in this mode.
 * @example
 * escape('a b', 'path'); // 'a%20b'
 */
export function escape(s: string, mode: Mode): string {
  let out = '';
  for (const c of s) out += shouldEscape(c, mode) ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c;
  return out;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const c of s) if (!`!$&'()*+,;=:@[]%`.includes(c) && shouldEscape(c, mode)) return false;
  return true;
}

/**
 * Go's `EscapedPath`/`EscapedFragment`: the raw form when it is a valid encoding of the decoded one.
 * @example
 * escapedRaw('/a%2Fb', '/a/b', 'path'); // '/a%2Fb'
 */
export function escapedRaw(raw: string, decoded: string, mode: Mode): string {
  const unescaped = raw !== '' && validEncoded(raw, mode) ? tryUnescape(raw, mode) : undefined;
  if (unescaped !== undefined && unescaped === decoded) return raw;
  return mode === 'path' && decoded === '*' ? '*' : escape(decoded, mode);
}

function tryUnescape(s: string, mode: Mode): string | undefined {
  try {
    return unescape(s, mode);
  } catch {
    return undefined;
  }
}

