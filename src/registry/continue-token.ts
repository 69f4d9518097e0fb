/**
 * List continue tokens in Kubernetes' format (k8s.io/apiserver/pkg/storage/continue.go): the
 * unpadded base64url encoding of the JSON `{"v":"meta.k8s.io/v1","rv":<int>,"start":"<key>"}`,
 * where `start` is the storage key to resume at (the last returned key plus `\u0000`), written
 * relative to the list's key prefix, and `rv` the revision of the first page (-1: "resume at the
 * latest revision", which kube-apiserver hands out once the first page's revision is compacted).
 *
 * Decoding reports errors with the words kube-apiserver uses, Go's included: clients see
 * `continue key is not valid: illegal base64 data at input byte 4` or
 * `continue key is not valid: invalid character 'x' looking for beginning of value`, because
 * the base64 and JSON checks below follow Go's encoding/base64 (RawURLEncoding) and
 * encoding/json (the scanner's syntax errors, then UnmarshalTypeError for mistyped members).
 */

import { goJsonStringify, goTypes, goUnmarshal, parseGoJson } from '../util/go-json.js';

/** The one token version Kubernetes has defined. */
export const CONTINUE_TOKEN_VERSION = 'meta.k8s.io/v1';

const GENERIC = 'continue key is not valid';
const INVALID_START_RV = `${GENERIC}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`;
const EMPTY_START_KEY = `${GENERIC}: encoded start key empty (version meta.k8s.io/v1)`;
const UNRECOGNIZED_VERSION = `${GENERIC}: server does not recognize this encoded version`;

/** A continue token that cannot be used; `message` is Kubernetes' (wrap it in "invalid continue token: "). */
export class ContinueTokenError extends Error {
  override readonly name = 'ContinueTokenError';
}

export interface DecodedContinue {
  /** the absolute storage key to start at (inclusive) */
  key: string;
  /** the first page's revision; negative means "the latest" */
  rv: number;
}

/**
 * The token that resumes a list of the keys under `keyPrefix` at `key`.
 * @example
 * encodeContinue('/registry/serviceaccounts/default/sa-3\u0000', '/registry/serviceaccounts/default/', 42);
 * // base64url of {"v":"meta.k8s.io/v1","rv":42,"start":"sa-3\u0000"}
 */
export function encodeContinue(key: string, keyPrefix: string, rv: number): string {
  if (!key.startsWith(keyPrefix) || key === keyPrefix) throw new RangeError(`key ${JSON.stringify(key)} is not under ${JSON.stringify(keyPrefix)}`);
  const json = goJsonStringify({ v: CONTINUE_TOKEN_VERSION, rv, start: key.slice(keyPrefix.length) });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Reads a token for a list under `keyPrefix`, or throws a {@link ContinueTokenError}.
 * The start key is cleaned like a path (no `..`, `.` or `//`), so a token never reaches above
 * `keyPrefix`.
 * @example
 * decodeContinue(encodeContinue('/registry/pods/a\u0000', '/registry/pods/', 7), '/registry/pods/');
 * // { key: '/registry/pods/a\u0000', rv: 7 }
 * decodeContinue('%%%', '/registry/pods/'); // throws: continue key is not valid: illegal base64 data at input byte 0
 */
export function decodeContinue(token: string, keyPrefix: string): DecodedContinue {
  let data: Buffer;
  try {
    data = decodeRawUrlBase64(token);
  } catch (e) {
    throw new ContinueTokenError(`${GENERIC}: ${(e as Error).message}`);
  }
  let fields: { v: string; rv: number; start: string };
  try {
    fields = unmarshalToken(data);
  } catch (e) {
    throw new ContinueTokenError(`${GENERIC}: ${(e as Error).message}`);
  }
  // Go formats this one as "%w %v": the version follows after a space, even when empty
  if (fields.v !== CONTINUE_TOKEN_VERSION) throw new ContinueTokenError(`${UNRECOGNIZED_VERSION} ${fields.v}`);
  if (fields.rv === 0) throw new ContinueTokenError(INVALID_START_RV);
  if (fields.start.length === 0) throw new ContinueTokenError(EMPTY_START_KEY);
  const rooted = fields.start.startsWith('/') ? fields.start : `/${fields.start}`;
  if (cleanPath(rooted) !== rooted) throw new ContinueTokenError(`${GENERIC}: ${fields.start}`);
  return { key: keyPrefix + rooted.slice(1), rv: fields.rv };
}

/** Go's path.Clean for a rooted path: one slash between elements, no `.`, `..` resolved, no trailing slash. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTET = new Int8Array(256).fill(-1);
for (let i = 0; i < B64URL.length; i++) SEXTET[B64URL.charCodeAt(i)] = i;

/**
 * base64.RawURLEncoding.DecodeString: the URL alphabet, no padding, CR and LF skipped; a
 * foreign byte (padding included) or a lone final character fails with Go's CorruptInputError text.
 */
function decodeRawUrlBase64(s: string): Buffer {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  let si = 0;
  for (;;) {
    const quantum: number[] = [];
    while (quantum.length < 4) {
      if (si === src.length) {
        if (quantum.length === 0) return Buffer.from(out);
        if (quantum.length === 1) throw new Error(`illegal base64 data at input byte ${si - 1}`);
        break;
      }
      const c = src[si++]!;
      const v = SEXTET[c]!;
      if (v >= 0) quantum.push(v);
      else if (c !== 0x0a && c !== 0x0d) throw new Error(`illegal base64 data at input byte ${si - 1}`);
    }
    const [a, b, c = 0, d = 0] = quantum as [number, number, number?, number?];
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((bits >> 16) & 0xff);
    if (quantum.length > 2) out.push((bits >> 8) & 0xff);
    if (quantum.length > 3) out.push(bits & 0xff);
    if (quantum.length < 4) return Buffer.from(out);
  }
}

/** storage.continueToken as encoding/json decodes it (member names matched case-insensitively). */
const TOKEN_TYPE = goTypes.struct('storage.continueToken', { v: goTypes.string, rv: goTypes.int64, start: goTypes.string }, { fold: true });

/** json.Unmarshal into the token struct: Go's syntax check, then the first mistyped member. */
function unmarshalToken(data: Buffer): { v: string; rv: number; start: string } {
  const got = goUnmarshal(parseGoJson(data), TOKEN_TYPE) as { v?: string; rv?: number; start?: string } | undefined;
  return { v: got?.v ?? '', rv: got?.rv ?? 0, start: got?.start ?? '' };
}
