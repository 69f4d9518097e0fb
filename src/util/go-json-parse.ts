/**
 * JSON text read as Go's encoding/json scanner reads it (the scanner sigs.k8s.io/json shares):
 * - syntax errors carry encoding/json's words (`invalid character 'x' looking for beginning of
 *   value`, `unexpected end of JSON input`), the first error in byte order, as Go's checkValid
 *   pass finds it; nesting deeper than Go's maxNestingDepth (10000, encoding/json scanner.go
 *   `pushParseState`) is `invalid character '[' exceeded max depth` at the 10001st bracket;
 * - keys are plain data: `__proto__`, `constructor` and `prototype` become own properties like
 *   any other key and never reach a prototype;
 * - a repeated key decodes over the earlier one as Go does, and is remembered for the strict
 *   decoder's `duplicate field "…"`;
 * - numbers keep their text where JavaScript would lose it ({@link GoNumber}).
 * The reader is a loop over an explicit stack: no depth of input can exhaust the call stack.
 */

/** Go's encoding/json maxNestingDepth (scanner.go `pushParseState`). */
export const GO_MAX_NESTING_DEPTH = 10000;

/** A syntax error in encoding/json's words. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

/** The value and the deepest nesting it has (0 for a scalar, 1 for `{}` or `[]`). */
export interface ParsedJson {
  value: unknown;
  depth: number;
}

const WS = new Uint8Array(256);
WS[0x20] = WS[0x09] = WS[0x0a] = WS[0x0d] = 1;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** encoding/json's quoteChar: `'x'`, `'\''`, `'"'`, `'\n'`, `'\x01'`, `'\u0085'`. */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // a byte above 0x7f is quoted as the code point of the same value; U+0080..U+00A0 and U+00AD are not printable to Go
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

/** A parsed JSON value that keeps what Go's decoder sees: numbers as text, every member in order (duplicates included). */
export type GoJson =
  | { t: 'object'; members: Array<[string, GoJson]> }
  | { t: 'array'; items: GoJson[] }
  | { t: 'string'; v: string }
  | { t: 'number'; text: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' };

type Container = { obj: Record<string, unknown>; key: string } | { arr: unknown[] } | { members: Array<[string, GoJson]>; key: string };

/**
 * Parses JSON text as Go reads it, into plain JavaScript (see the file comment), or throws a
 * {@link JsonSyntaxError} with Go's message.
 * - A repeated member decodes over the earlier one, as Go decodes into a struct or map: two
 *   objects merge (recursively), anything else is replaced; {@link duplicateKeysOf} names them.
 * - A number whose text JavaScript would not give back (`1.0`, `1e3`, `-0`, integers beyond 2^53)
 *   is a {@link GoNumber}, so that the strict decoder can judge it as Go does.
 * @example
 * parseJson('{"a":1,"a":2}').value; // { a: 2 }, duplicateKeysOf(value) = Set { 'a' }
 * parseJson('['.repeat(10001)); // throws: invalid character '[' exceeded max depth
 */
export function parseJson(data: Buffer | string): ParsedJson {
  return scan(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, false);
}

/**
 * Parses JSON text into the {@link GoJson} tree (numbers as text, members in order with their
 * repeats), for decoders that walk it as encoding/json does (util/go-json.ts `goUnmarshal`).
 * Same scanner, messages and depth limit as {@link parseJson}.
 * @example
 * parseGoJson('{"a":1,"a":2}'); // { t: 'object', members: [['a', {t:'number',text:'1'}], ['a', {t:'number',text:'2'}]] }
 * parseGoJson('{'); // throws: unexpected end of JSON input
 */
export function parseGoJson(data: Buffer | string): GoJson {
  return scan(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, true).value as GoJson;
}

/** The one scanner: plain values, or (`tree`) the {@link GoJson} tree. */
function scan(b: Buffer, tree: boolean): ParsedJson {
  const n = b.length;
  let i = 0;
  let maxDepth = 0;
  const stack: Container[] = [];
  const fail = (context: string): never => {
    throw new JsonSyntaxError(`invalid character ${goQuoteChar(b[i]!)} ${context}`);
  };
  const end = (): never => {
    throw new JsonSyntaxError('unexpected end of JSON input');
  };
  /** Inside a token, Go's scanner sees the end of input as a space. */
  const inToken = (context: string): number => {
    if (i >= n) throw new JsonSyntaxError(`invalid character ' ' ${context}`);
    return b[i]!;
  };
  const skipWs = () => {
    while (i < n && WS[b[i]!]) i++;
  };
  const string = (): string => {
    const start = i++;
    let escaped = false;
    let ascii = true;
    for (;;) {
      if (i >= n) end();
      const c = b[i]!;
      if (c === 0x22) break;
      if (c < 0x20) fail('in string literal');
      if (c >= 0x80) ascii = false;
      if (c === 0x5c) {
        escaped = true;
        i++;
        const e = inToken('in string escape code');
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!isHex(inToken('in \\u hexadecimal character escape'))) fail('in \\u hexadecimal character escape');
          }
        } else if (!(e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74 || e === 0x5c || e === 0x2f || e === 0x22)) fail('in string escape code');
      }
      i++;
    }
    i++;
    if (escaped) return JSON.parse(b.toString('utf8', start, i)) as string;
    return ascii ? b.toString('latin1', start + 1, i - 1) : b.toString('utf8', start + 1, i - 1);
  };
  const number = (): number | GoNumber | string => {
    const start = i;
    if (b[i] === 0x2d) {
      i++;
      if (!isDigit(inToken('in numeric literal'))) fail('in numeric literal');
    }
    if (b[i] === 0x30) i++;
    else while (i < n && isDigit(b[i]!)) i++;
    if (i < n && b[i] === 0x2e) {
      i++;
      if (!isDigit(inToken('after decimal point in numeric literal'))) fail('after decimal point in numeric literal');
      while (i < n && isDigit(b[i]!)) i++;
    }
    if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      const s = inToken('in exponent of numeric literal');
      if (s === 0x2b || s === 0x2d) i++;
      if (!isDigit(inToken('in exponent of numeric literal'))) fail('in exponent of numeric literal');
      while (i < n && isDigit(b[i]!)) i++;
    }
    const text = b.toString('latin1', start, i);
    if (tree) return text;
    const v = Number(text);
    return String(v) === text ? v : new GoNumber(text);
  };
  const word = (w: string): void => {
    i++;
    for (let k = 1; k < w.length; k++) {
      const context = `in literal ${w} (expecting '${w[k]}')`;
      if (inToken(context) !== w.charCodeAt(k)) fail(context);
      i++;
    }
  };
  const push = (c: Container) => {
    if (stack.length >= GO_MAX_NESTING_DEPTH) fail('exceeded max depth');
    stack.push(c);
    if (stack.length > maxDepth) maxDepth = stack.length;
  };
  const readKey = (top: { key: string }) => {
    top.key = string();
    skipWs();
    if (i >= n) end();
    if (b[i] !== 0x3a) fail('after object key');
    i++;
  };

  /** A container's value once its closing bracket is read. */
  const closed = (top: Container): unknown => ('arr' in top ? (tree ? { t: 'array', items: top.arr } : top.arr) : 'obj' in top ? top.obj : { t: 'object', members: top.members });

  let result: unknown;
  let done = false;
  while (!done) {
    // read one value; a container that is not empty is pushed and read member by member
    skipWs();
    if (i >= n) end();
    const c = b[i]!;
    let value: unknown;
    if (c === 0x7b) {
      const top = tree ? { members: [] as Array<[string, GoJson]>, key: '' } : { obj: {} as Record<string, unknown>, key: '' };
      push(top);
      i++;
      skipWs();
      if (i >= n) end();
      if (b[i] !== 0x7d) {
        if (b[i] !== 0x22) fail('looking for beginning of object key string');
        readKey(top);
        continue;
      }
      i++;
      stack.pop();
      value = closed(top);
    } else if (c === 0x5b) {
      const top = { arr: [] as unknown[] };
      push(top);
      i++;
      skipWs();
      if (i >= n) end();
      if (b[i] !== 0x5d) continue;
      i++;
      stack.pop();
      value = closed(top);
    } else if (c === 0x22) value = tree ? { t: 'string', v: string() } : string();
    else if (c === 0x2d || isDigit(c)) value = tree ? { t: 'number', text: number() } : number();
    else if (c === 0x74) {
      word('true');
      value = tree ? { t: 'bool', v: true } : true;
    } else if (c === 0x66) {
      word('false');
      value = tree ? { t: 'bool', v: false } : false;
    } else if (c === 0x6e) {
      word('null');
      value = tree ? { t: 'null' } : null;
    } else fail('looking for beginning of value');
    // attach it, closing every container it completes
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        result = value;
        done = true;
        break;
      }
      if ('arr' in top) top.arr.push(value);
      else if ('obj' in top) setMember(top.obj, top.key, value);
      else top.members.push([top.key, value as GoJson]);
      skipWs();
      if (i >= n) end();
      const d = b[i]!;
      if ('arr' in top) {
        if (d === 0x2c) {
          i++;
          break;
        }
        if (d !== 0x5d) fail('after array element');
        i++;
        stack.pop();
        value = closed(top);
      } else {
        if (d === 0x2c) {
          i++;
          skipWs();
          if (i >= n) end();
          if (b[i] !== 0x22) fail('looking for beginning of object key string');
          readKey(top);
          break;
        }
        if (d !== 0x7d) fail('after object key:value pair');
        i++;
        stack.pop();
        value = closed(top);
      }
    }
  }
  skipWs();
  if (i < n) fail('after top-level value');
  return { value: result, depth: maxDepth };
}

/**
 * A JSON number whose text JavaScript's number would not give back (`1.0`, `1e3`, `-0`, integers
 * beyond 2^53): Go judges the text (`json: cannot unmarshal number 1.0 into … of type int64`).
 * @example
 * const n = new GoNumber('1e3'); Number(n); // 1000
 */
export class GoNumber {
  constructor(readonly text: string) {}
  valueOf(): number {
    return Number(this.text);
  }
  toJSON(): number {
    return Number(this.text);
  }
}

const duplicates = new WeakMap<object, Set<string>>();

/**
 * The keys that appeared more than once in this object of a parsed body (JSON or YAML), if any.
 * @example
 * duplicateKeysOf(parseJson('{"a":1,"a":2}').value as object); // Set { 'a' }
 */
export function duplicateKeysOf(obj: object): ReadonlySet<string> | undefined {
  return duplicates.get(obj);
}

/**
 * Sets a member as Go's decoder does when a key repeats: objects merge, anything else is
 * replaced; the key is recorded for {@link duplicateKeysOf}. Always an own data property.
 * @example
 * setMember(obj, 'metadata', { labels: {} });
 */
export function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (!Object.hasOwn(obj, key)) {
    if (key === '__proto__') defineKey(obj, key, value);
    else obj[key] = value;
    return;
  }
  let seen = duplicates.get(obj);
  if (!seen) duplicates.set(obj, (seen = new Set()));
  seen.add(key);
  const prev = obj[key];
  if (isPlainObject(prev) && isPlainObject(value)) {
    for (const k of Object.keys(value)) setMember(prev, k, value[k]);
    const inner = duplicates.get(value);
    if (inner) for (const k of inner) (duplicates.get(prev) ?? duplicates.set(prev, new Set()).get(prev)!).add(k);
  } else defineKey(obj, key, value);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoNumber);
}

/** The deepest nesting of a plain value (0 for a scalar, 1 for `{}` or `[]`), iteratively. */
export function depthOf(root: unknown): number {
  let max = 0;
  const work: Array<[unknown, number]> = [[root, 0]];
  while (work.length) {
    const [node, d] = work.pop()!;
    if (typeof node !== 'object' || node === null || node instanceof GoNumber) continue;
    const here = d + 1;
    if (here > max) max = here;
    for (const v of Array.isArray(node) ? node : Object.values(node)) if (typeof v === 'object' && v !== null) work.push([v, here]);
  }
  return max;
}

/**
 * Sets `key` on `obj` as an own, enumerable data property, whatever the key (`__proto__`
 * included): never through the prototype chain's setters.
 * @example
 * defineKey(out, '__proto__', 'x'); // Object.getPrototypeOf(out) is still Object.prototype
 */
export function defineKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Replaces every {@link GoNumber} by its number, in place, iteratively.
 * @example
 * plainNumbers({ a: new GoNumber('1.0') }); // { a: 1 }
 */
export function plainNumbers<T>(root: T): T {
  if (root instanceof GoNumber) return Number(root.text) as T;
  const work: unknown[] = [root];
  while (work.length) {
    const node = work.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (v instanceof GoNumber) node[i] = Number(v.text);
        else if (typeof v === 'object' && v !== null) work.push(v);
      }
    } else {
      const obj = node as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        const v = obj[k];
        if (v instanceof GoNumber) defineKey(obj, k, Number(v.text));
        else if (typeof v === 'object' && v !== null) work.push(v);
      }
    }
  }
  return root;
}

/**
 * JSON text into plain JavaScript the quick way (the engine's `JSON.parse`), when that is sure
 * to give what {@link parseJson} followed by {@link plainNumbers} gives; undefined when it might
 * not, and the caller reads the text with the scanner:
 * - a syntax error (only the scanner words it as Go does);
 * - a repeated key (Go decodes over the earlier member, merging objects);
 * - nesting deeper than Go allows.
 * Repeats are found by counting: each member of each object has one `:` outside strings, so the
 * colons of the text equal the members parsed plus the colons inside strings exactly when no
 * member was lost to a repeat. About four times as fast as the scanner on a TokenReview body.
 * @example
 * quickPlainJson(Buffer.from('{"a":1}')); // { value: { a: 1 } }
 * quickPlainJson(Buffer.from('{"a":1,"a":2}')); // undefined
 */
export function quickPlainJson(data: Buffer): { value: unknown } | undefined {
  const text = data.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  let colons = colonsIn(text);
  const work: Array<[unknown, number]> = [[value, 0]];
  while (work.length) {
    const [node, depth] = work.pop()!;
    if (typeof node === 'string') {
      colons -= colonsIn(node);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= GO_MAX_NESTING_DEPTH) return undefined;
    if (Array.isArray(node)) {
      for (const v of node) if (typeof v === 'object' || typeof v === 'string') work.push([v, depth + 1]);
      continue;
    }
    for (const k in node) {
      colons -= 1 + colonsIn(k);
      const v = (node as Record<string, unknown>)[k];
      if (typeof v === 'object' || typeof v === 'string') work.push([v, depth + 1]);
    }
  }
  return colons === 0 ? { value } : undefined;
}

function colonsIn(s: string): number {
  let n = 0;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) n++;
  return n;
}
