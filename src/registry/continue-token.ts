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
  const json = goJsonString({ v: CONTINUE_TOKEN_VERSION, rv, start: key.slice(keyPrefix.length) });
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

/** JSON as Go's encoding/json writes strings: also escapes <, >, & and U+2028/U+2029. */
function goJsonString(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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

/** A parsed JSON value that keeps number literals as written (Go converts them per target type). */
type JsonValue = { t: 'object'; members: Array<[string, JsonValue]> } | { t: 'array' } | { t: 'string'; v: string } | { t: 'number'; text: string } | { t: 'bool' } | { t: 'null' };

class JsonSyntaxError extends Error {}

/** Go's encoding/json scanner, as a recursive descent over bytes, with its error texts. */
class GoJsonScanner {
  private i = 0;
  constructor(private readonly b: Buffer) {}

  parseTop(): JsonValue {
    const v = this.value();
    this.ws();
    if (this.i < this.b.length) this.fail('after top-level value');
    return v;
  }

  private ws(): void {
    while (this.i < this.b.length) {
      const c = this.b[this.i]!;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.i++;
    }
  }

  private peek(): number {
    if (this.i >= this.b.length) throw new JsonSyntaxError('unexpected end of JSON input');
    return this.b[this.i]!;
  }

  private fail(context: string): never {
    throw new JsonSyntaxError(`invalid character ${quoteChar(this.b[this.i]!)} ${context}`);
  }

  /**
   * The byte at the cursor, inside a token where the input may not end: Go's scanner reads the
   * end of input as a space, so it fails there with the token's own message about ' '.
   */
  private within(context: string): number {
    if (this.i >= this.b.length) throw new JsonSyntaxError(`invalid character ' ' ${context}`);
    return this.b[this.i]!;
  }

  private value(): JsonValue {
    this.ws();
    const c = this.peek();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return { t: 'string', v: this.string() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return { t: 'number', text: this.number() };
    if (c === 0x74) return this.literal('true', { t: 'bool' });
    if (c === 0x66) return this.literal('false', { t: 'bool' });
    if (c === 0x6e) return this.literal('null', { t: 'null' });
    return this.fail('looking for beginning of value');
  }

  private object(): JsonValue {
    this.i++;
    const members: Array<[string, JsonValue]> = [];
    this.ws();
    if (this.peek() === 0x7d) {
      this.i++;
      return { t: 'object', members };
    }
    for (;;) {
      this.ws();
      if (this.peek() !== 0x22) this.fail('looking for beginning of object key string');
      const key = this.string();
      this.ws();
      if (this.peek() !== 0x3a) this.fail('after object key');
      this.i++;
      members.push([key, this.value()]);
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === 0x7d) return { t: 'object', members };
      if (c !== 0x2c) {
        this.i--;
        this.fail('after object key:value pair');
      }
    }
  }

  private array(): JsonValue {
    this.i++;
    this.ws();
    if (this.peek() === 0x5d) {
      this.i++;
      return { t: 'array' };
    }
    for (;;) {
      this.value();
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === 0x5d) return { t: 'array' };
      if (c !== 0x2c) {
        this.i--;
        this.fail('after array element');
      }
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === 0x22) break;
      if (c < 0x20) this.fail('in string literal');
      if (c === 0x5c) {
        this.i++;
        const e = this.within('in string escape code');
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!isHex(this.within('in \\u hexadecimal character escape'))) this.fail('in \\u hexadecimal character escape');
          }
        } else if (!'bfnrt\\/"'.includes(String.fromCharCode(e))) this.fail('in string escape code');
      }
      this.i++;
    }
    this.i++;
    return JSON.parse(this.b.subarray(start, this.i).toString('utf8')) as string;
  }

  private number(): string {
    const start = this.i;
    if (this.b[this.i] === 0x2d) {
      this.i++;
      if (!isDigit(this.within('in numeric literal'))) this.fail('in numeric literal');
    }
    if (this.b[this.i] === 0x30) this.i++;
    else while (this.i < this.b.length && isDigit(this.b[this.i]!)) this.i++;
    if (this.i < this.b.length && this.b[this.i] === 0x2e) {
      this.i++;
      if (!isDigit(this.within('after decimal point in numeric literal'))) this.fail('after decimal point in numeric literal');
      while (this.i < this.b.length && isDigit(this.b[this.i]!)) this.i++;
    }
    if (this.i < this.b.length && (this.b[this.i] === 0x65 || this.b[this.i] === 0x45)) {
      this.i++;
      const sign = this.within('in exponent of numeric literal');
      if (sign === 0x2b || sign === 0x2d) this.i++;
      if (!isDigit(this.within('in exponent of numeric literal'))) this.fail('in exponent of numeric literal');
      while (this.i < this.b.length && isDigit(this.b[this.i]!)) this.i++;
    }
    return this.b.subarray(start, this.i).toString('latin1');
  }

  private literal(word: string, v: JsonValue): JsonValue {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      const context = `in literal ${word} (expecting '${word[k]}')`;
      if (this.within(context) !== word.charCodeAt(k)) this.fail(context);
      this.i++;
    }
    return v;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** encoding/json's quoteChar: a byte, read as the code point of the same value, in Go's quoting. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const short: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  if (short[c]) return `'${short[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // U+0080..U+009F are controls, U+00A0 a non-ASCII space and U+00AD a format character: not printable to Go
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

const FIELDS = { v: 'string', rv: 'int64', start: 'string' } as const;

/** json.Unmarshal into the token struct: members matched case-insensitively, the first type mismatch reported. */
function unmarshalToken(data: Buffer): { v: string; rv: number; start: string } {
  let top: JsonValue;
  try {
    top = new GoJsonScanner(data).parseTop();
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new Error(e.message);
    throw e;
  }
  const out = { v: '', rv: 0, start: '' };
  if (top.t === 'null') return out;
  if (top.t !== 'object') throw new Error(`json: cannot unmarshal ${kindWord(top)} into Go value of type storage.continueToken`);
  let first: string | undefined;
  const mismatch = (what: string, name: keyof typeof FIELDS) => (first ??= `json: cannot unmarshal ${what} into Go struct field continueToken.${name} of type ${FIELDS[name]}`);
  for (const [rawKey, val] of top.members) {
    const name = (Object.keys(FIELDS) as Array<keyof typeof FIELDS>).find((f) => f === rawKey) ?? (Object.keys(FIELDS) as Array<keyof typeof FIELDS>).find((f) => f === rawKey.toLowerCase());
    if (!name || val.t === 'null') continue;
    if (name === 'rv') {
      if (val.t !== 'number') mismatch(kindWord(val), name);
      else if (!/^-?\d+$/.test(val.text) || BigInt(val.text) > 2n ** 63n - 1n || BigInt(val.text) < -(2n ** 63n)) mismatch(`number ${val.text}`, name);
      else out.rv = Number(val.text);
    } else if (val.t !== 'string') mismatch(kindWord(val), name);
    else out[name] = val.v;
  }
  if (first) throw new Error(first);
  return out;
}

function kindWord(v: JsonValue): string {
  return v.t === 'bool' ? 'bool' : v.t;
}
