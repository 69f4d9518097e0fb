/**
 * Decoding JSON (and the YAML kube-apiserver's universal decoder falls back to) the way the Go
 * side of the ABAC policy loader and the webhook client does, so that their errors read the same:
 * - {@link parseGoJson} (the scanner of util/go-json-parse.ts, re-exported): encoding/json's syntax check, with its messages
 *   (`invalid character 'x' looking for beginning of value`, `unexpected end of JSON input`);
 *   members are kept in order, duplicates included, because Go decodes them one after another.
 * - {@link goUnmarshal}: decoding into a described Go type, failing on the first member of the
 *   wrong JSON kind with `json: cannot unmarshal number into Go struct field PolicySpec.spec.user
 *   of type string` (innermost struct, full field path); unknown members are ignored, `null`
 *   leaves strings, booleans and structs alone and clears slices, maps and pointers, and a
 *   repeated member decodes over what the earlier one left.
 * - {@link decodeDocument}: apimachinery's recognizer: a body whose first non-space character is
 *   `{` is JSON, anything else is read as YAML (1.1) and turned into JSON first.
 * - {@link interpretKind}: the serializer's `apiVersion`/`kind` sniffing (case-insensitive
 *   member names, as encoding/json matches them) and `schema.ParseGroupVersion`.
 */
import { parse as parseYaml } from 'yaml';
import { type GoJson, JsonSyntaxError, parseGoJson } from './go-json-parse.js';

export { type GoJson, parseGoJson };

/** A Go type, as far as decoding needs it; `name` is what reflect's Type.String() prints. */
export type GoType =
  | { kind: 'string'; name?: string }
  | { kind: 'bool' }
  | { kind: 'int'; name: 'int32' | 'int64' }
  | { kind: 'struct'; name: string; short: string; fields: Record<string, GoType>; fold?: boolean; pointer?: boolean }
  | { kind: 'slice'; name: string; elem: GoType }
  | { kind: 'map'; name: string; elem: GoType }
  | { kind: 'any' };

/** Shorthands for describing Go types. */
export const goTypes = {
  string: { kind: 'string' } as GoType,
  bool: { kind: 'bool' } as GoType,
  int64: { kind: 'int', name: 'int64' } as GoType,
  int32: { kind: 'int', name: 'int32' } as GoType,
  any: { kind: 'any' } as GoType,
  /** A named struct `pkg.Name`; `fold` matches member names case-insensitively (encoding/json), else exactly (sigs.k8s.io/json). */
  struct(name: string, fields: Record<string, GoType>, opts: { fold?: boolean; pointer?: boolean; short?: string } = {}): GoType {
    return { kind: 'struct', name, short: opts.short ?? name.slice(name.lastIndexOf('.') + 1), fields, ...(opts.fold ? { fold: true } : {}), ...(opts.pointer ? { pointer: true } : {}) };
  },
  slice(elem: GoType, name = `[]${typeName(elem)}`): GoType {
    return { kind: 'slice', name, elem };
  },
  map(elem: GoType, name = `map[string]${typeName(elem)}`): GoType {
    return { kind: 'map', name, elem };
  },
};

function typeName(t: GoType): string {
  switch (t.kind) {
    case 'string':
      return t.name ?? 'string';
    case 'bool':
      return t.kind;
    case 'int':
    case 'struct':
    case 'slice':
    case 'map':
      return t.name;
    case 'any':
      return 'interface {}';
  }
}

/** encoding/json's UnmarshalTypeError: the JSON kind, the Go type, and where (innermost struct, field path). */
export class GoUnmarshalTypeError extends Error {
  override readonly name = 'GoUnmarshalTypeError';
  constructor(what: string, goType: string, struct: string | undefined, path: readonly string[]) {
    super(struct === undefined ? `json: cannot unmarshal ${what} into Go value of type ${goType}` : `json: cannot unmarshal ${what} into Go struct field ${struct}.${path.join('.')} of type ${goType}`);
  }
}

interface Where {
  struct: string | undefined;
  path: string[];
}

function jsonWord(v: GoJson): string {
  return v.t === 'bool' ? 'bool' : v.t;
}

const INT_RANGE = { int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n] } as const;

function findField(fields: Record<string, GoType>, key: string, fold: boolean): string | undefined {
  if (Object.hasOwn(fields, key)) return key;
  if (!fold) return undefined;
  const lower = key.toLowerCase();
  return Object.keys(fields).find((f) => f.toLowerCase() === lower);
}

function decode(v: GoJson, t: GoType, prev: unknown, where: Where): unknown {
  if (v.t === 'null') {
    if (t.kind === 'slice' || t.kind === 'map' || t.kind === 'any' || (t.kind === 'struct' && t.pointer)) return undefined;
    return prev;
  }
  const mismatch = (what = jsonWord(v)) => new GoUnmarshalTypeError(what, typeName(t), where.struct, where.path);
  switch (t.kind) {
    case 'any':
      return plain(v);
    case 'string':
      if (v.t !== 'string') throw mismatch();
      return v.v;
    case 'bool':
      if (v.t !== 'bool') throw mismatch();
      return v.v;
    case 'int': {
      if (v.t !== 'number') throw mismatch();
      const [lo, hi] = INT_RANGE[t.name];
      if (!/^-?\d+$/.test(v.text) || BigInt(v.text) < lo || BigInt(v.text) > hi) throw mismatch(`number ${v.text}`);
      return Number(v.text);
    }
    case 'slice':
      if (v.t !== 'array') throw mismatch();
      return v.items.map((item) => decode(item, t.elem, undefined, where));
    case 'map': {
      if (v.t !== 'object') throw mismatch();
      const out: Record<string, unknown> = { ...((prev as Record<string, unknown> | undefined) ?? {}) };
      for (const [k, item] of v.members) out[k] = decode(item, t.elem, out[k], where);
      return out;
    }
    case 'struct': {
      if (v.t !== 'object') throw mismatch();
      const out: Record<string, unknown> = { ...((prev as Record<string, unknown> | undefined) ?? {}) };
      for (const [k, item] of v.members) {
        const f = findField(t.fields, k, t.fold === true);
        if (f === undefined) continue;
        out[f] = decode(item, t.fields[f]!, out[f], { struct: t.short, path: [...where.path, f] });
      }
      return out;
    }
  }
}

/**
 * Decodes `v` into Go type `t`, or throws the first {@link GoUnmarshalTypeError} in document
 * order. Structs come back as objects holding the members that were set.
 * @example
 * const spec = goTypes.struct('v1beta1.PolicySpec', { user: goTypes.string });
 * goUnmarshal(parseGoJson('{"spec":{"user":7}}'), goTypes.struct('v1beta1.Policy', { spec }));
 * // throws: json: cannot unmarshal number into Go struct field PolicySpec.spec.user of type string
 */
export function goUnmarshal(v: GoJson, t: GoType): Record<string, unknown> | undefined {
  return decode(v, t, undefined, { struct: undefined, path: [] }) as Record<string, unknown> | undefined;
}

/** A JSON value as plain JavaScript (numbers as numbers). */
export function plain(v: GoJson): unknown {
  switch (v.t) {
    case 'object':
      return Object.fromEntries(v.members.map(([k, m]) => [k, plain(m)]));
    case 'array':
      return v.items.map(plain);
    case 'string':
    case 'bool':
      return v.v;
    case 'number':
      return Number(v.text);
    case 'null':
      return null;
  }
}

/** Go's unicode.IsSpace, for deciding whether a body "starts with {". */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;

function fromYaml(value: unknown): GoJson {
  if (value === null || value === undefined) return { t: 'null' };
  if (typeof value === 'string') return { t: 'string', v: value };
  if (typeof value === 'boolean') return { t: 'bool', v: value };
  if (typeof value === 'number' || typeof value === 'bigint') return { t: 'number', text: String(value) };
  if (Array.isArray(value)) return { t: 'array', items: value.map(fromYaml) };
  if (value instanceof Map) return { t: 'object', members: [...value.entries()].map(([k, v]) => [String(k), fromYaml(v)]) };
  if (value instanceof Date) return { t: 'string', v: value.toISOString() };
  return { t: 'object', members: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromYaml(v)]) };
}

/**
 * A body as apimachinery's universal decoder reads it: JSON when it starts with `{`, otherwise
 * YAML turned into JSON. Throws with Go's words for JSON (`couldn't get version/kind; json parse
 * error: ...`); YAML errors keep sigs.k8s.io/yaml's prefix but carry this parser's own reason.
 * @example
 * decodeDocument('null'); // { t: 'null' }
 */
export function decodeDocument(body: string): GoJson {
  const rest = body.replace(GO_SPACE, '');
  if (rest.startsWith('{')) {
    try {
      return parseGoJson(body);
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new Error(`couldn't get version/kind; json parse error: ${e.message}`);
      throw e;
    }
  }
  let value: unknown;
  try {
    value = parseYaml(body, { version: '1.1', uniqueKeys: false, mapAsMap: false });
  } catch (e) {
    throw new Error(`error converting YAML to JSON: yaml: ${(e as Error).message.split('\n')[0]}`);
  }
  return fromYaml(value);
}

/** The anonymous struct the JSON serializer reads `apiVersion` and `kind` into. */
const FIND_KIND = goTypes.struct('struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }', { apiVersion: goTypes.string, kind: goTypes.string }, { fold: true, short: '' });

/** A group, version and kind; empty strings where the document left them out. */
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** `schema.GroupVersion.String()`: `group/version`, or just `version` in the core group. */
export function groupVersionString(g: Pick<Gvk, 'group' | 'version'>): string {
  return g.group ? `${g.group}/${g.version}` : g.version;
}

/**
 * `SimpleMetaFactory.Interpret`: the document's apiVersion (split as `ParseGroupVersion` does)
 * and kind; throws with Go's words when they are not strings or apiVersion has two slashes.
 * @example
 * interpretKind(parseGoJson('{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy"}'));
 * // { group: 'abac.authorization.kubernetes.io', version: 'v1beta1', kind: 'Policy' }
 */
export function interpretKind(doc: GoJson): Gvk {
  let found: Record<string, unknown> | undefined;
  try {
    found = goUnmarshal(doc, FIND_KIND);
  } catch (e) {
    if (e instanceof GoUnmarshalTypeError) throw new Error(`couldn't get version/kind; json parse error: ${e.message}`);
    throw e;
  }
  const apiVersion = (found?.apiVersion as string | undefined) ?? '';
  const kind = (found?.kind as string | undefined) ?? '';
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '', kind };
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return { group: '', version: apiVersion, kind };
  if (slashes === 1) {
    const i = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1), kind };
  }
  throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
}

/** The JSON serializer's `gvkWithDefaults`: fill what the document left out from `d`. */
export function withDefaults(actual: Gvk, d: Gvk): Gvk {
  const out = { ...actual };
  if (!out.kind) out.kind = d.kind;
  if (!out.version && !out.group) {
    out.group = d.group;
    out.version = d.version;
  }
  if (!out.version && out.group === d.group) out.version = d.version;
  return out;
}

/**
 * JSON as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped.
 * @example
 * goJsonStringify({ a: '<b>' }); // '{"a":"\\u003cb\\u003e"}'
 */
export function goJsonStringify(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
