import { GoNumber, defineKey, duplicateKeysOf } from '../../util/go-json-parse.js';
import { GoValueError, canonicalBase64, parseGoTime, parseQuantity } from './go-values.js';
import type { KindSchemas } from './kind-schemas.js';

/**
 * Decodes a JSON value into a kind's schema as sigs.k8s.io/json `UnmarshalStrict` decodes into the
 * Go type (the path of kube-apiserver's JSON serializer, runtime/serializer/json/json.go):
 * - member names match case-sensitively; an unknown one is left out and reported as
 *   `unknown field "spec.containers[0].imagee"` (struct fields and map keys joined by `.`,
 *   indices as `[i]`), a repeated one as `duplicate field "metadata.name"`; at most 100 such
 *   errors, each once (kubernetes_patch.go `saveStrictError`);
 * - a value of the wrong JSON kind fails the whole decode with Go's UnmarshalTypeError text,
 *   the first in document order: `json: cannot unmarshal string into Go struct field
 *   PodSpec.spec.securityContext of type v1.PodSecurityContext` (innermost struct, then the
 *   field path from the root without indices or map keys, then the Go type), or for the root
 *   `json: cannot unmarshal array into Go value of type v1.Pod`;
 * - integers outside their Go type or with a fraction are `number 1.5` in that message;
 * - Time, MicroTime, Quantity, IntOrString and []byte are checked by their own rules
 *   (go-values.ts) and their errors carry their own words, as their UnmarshalJSON returns them;
 * - `null` leaves a field unset (Go: zero value, left out by `omitempty`).
 * The result is a fresh object holding only known fields (unknown ones kept where a struct
 * preserves them), every key an own data property.
 */

/** Go refused the body: `message` is the text after `<Kind> in version "<v>" cannot be handled as a <Kind>: `. */
export class GoDecodeError extends Error {
  override readonly name = 'GoDecodeError';
}

export interface StrictDecodeResult {
  object: Record<string, unknown>;
  /** unknown and duplicate fields, in document order, as Go words them */
  strictErrors: string[];
}

/**
 * Deepest nesting satoken stores inside free-form fields (RawExtension, FieldsV1). Go takes up
 * to 10000 levels; deeper structures than this would overflow JavaScript's call stack in the
 * copies and encodings that follow, so they are refused with a 400 instead.
 */
export const MAX_FREE_FORM_DEPTH = 512;

const MAX_STRICT_ERRORS = 100;

interface Ctx {
  schemas: KindSchemas;
  flavor: 'json' | 'unstructured';
  errors: string[];
  seen: Set<string>;
}

interface Where {
  /** the strict path: `spec.containers[0]` */
  strict: string;
  /** the innermost struct's short name and the field path from the root, for type errors */
  struct: string | undefined;
  fields: readonly string[];
}

export interface DecodeOptions {
  /**
   * `json` (default): the messages of sigs.k8s.io/json, for bodies and JSON/merge patches;
   * `unstructured`: those of runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation,
   * for strategic merge patches (`cannot restore struct from: string`, `cannot restore slice from
   * map`, `unrecognized type: string`), where numbers convert between Go's numeric kinds.
   */
  flavor?: 'json' | 'unstructured';
}

/**
 * Decodes `value` into the struct named `root`.
 * @example
 * const { object, strictErrors } = decodeStrict(schemas, 'V1Pod', parsedBody);
 * // strictErrors: ['unknown field "spec.serviceAccountNmae"']
 */
export function decodeStrict(schemas: KindSchemas, root: string, value: unknown, opts: DecodeOptions = {}): StrictDecodeResult {
  const ctx: Ctx = { schemas, flavor: opts.flavor ?? 'json', errors: [], seen: new Set() };
  const s = schemas.struct(root);
  if (!s) throw new Error(`no schema for ${root}`);
  if (!isObject(value)) throw new GoDecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${s.go}`);
  const object = decodeStruct(ctx, root, value, { strict: '', struct: undefined, fields: [] });
  return { object, strictErrors: ctx.errors };
}

function strictError(ctx: Ctx, message: string): void {
  if (ctx.errors.length >= MAX_STRICT_ERRORS || ctx.seen.has(message)) return;
  ctx.seen.add(message);
  ctx.errors.push(message);
}

const child = (strict: string, name: string) => (strict ? `${strict}.${name}` : name);

function decodeStruct(ctx: Ctx, name: string, obj: Record<string, unknown>, where: Where): Record<string, unknown> {
  const s = ctx.schemas.struct(name)!;
  const short = s.go.slice(s.go.lastIndexOf('.') + 1);
  const dups = duplicateKeysOf(obj);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const code = Object.hasOwn(s.fields, key) ? s.fields[key]! : undefined;
    const path = child(where.strict, key);
    if (code === undefined) {
      if (s.preserveUnknownFields) defineKey(out, key, copyFreeForm(obj[key], path));
      else strictError(ctx, `unknown field ${JSON.stringify(path)}`);
      continue;
    }
    if (dups?.has(key)) strictError(ctx, `duplicate field ${JSON.stringify(path)}`);
    const v = decodeValue(ctx, code, obj[key], { strict: path, struct: short, fields: [...where.fields, key] });
    if (v !== OMIT) defineKey(out, key, v);
  }
  return out;
}

const OMIT = Symbol('omit');

function decodeValue(ctx: Ctx, code: string, v: unknown, where: Where): unknown {
  if (v === null) return OMIT;
  const mismatch = (goType: string, what = jsonKind(v)) => {
    if (ctx.flavor === 'unstructured') return new GoDecodeError(converterMismatch(code, v));
    return new GoDecodeError(where.struct === undefined ? `json: cannot unmarshal ${what} into Go value of type ${goType}` : `json: cannot unmarshal ${what} into Go struct field ${where.struct}.${where.fields.join('.')} of type ${goType}`);
  };
  if (code.startsWith('[]')) {
    const elem = code.slice(2);
    if (!Array.isArray(v)) throw mismatch(goTypeOf(ctx, code));
    return v.map((item, i) => {
      const d = decodeValue(ctx, elem, item, { ...where, strict: `${where.strict}[${i}]` });
      return d === OMIT ? zeroOf(elem) : d;
    });
  }
  if (code.startsWith('{}')) {
    const elem = code.slice(2);
    if (!isObject(v)) throw mismatch(goTypeOf(ctx, code));
    const dups = duplicateKeysOf(v);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      const path = child(where.strict, key);
      if (dups?.has(key)) strictError(ctx, `duplicate field ${JSON.stringify(path)}`);
      const d = decodeValue(ctx, elem, v[key], { ...where, strict: path });
      defineKey(out, key, d === OMIT ? zeroOf(elem) : d);
    }
    return out;
  }
  if (code.startsWith('@')) {
    if (!isObject(v)) throw mismatch(goTypeOf(ctx, code));
    return decodeStruct(ctx, code.slice(1), v, where);
  }
  switch (code) {
    case 's':
      if (typeof v !== 'string') throw mismatch('string');
      return v;
    case 'b':
      if (typeof v !== 'boolean') throw mismatch('bool');
      return v;
    case 'i32':
    case 'i64': {
      if (!isNumber(v)) throw mismatch(code === 'i32' ? 'int32' : 'int64');
      if (ctx.flavor === 'unstructured') return Math.trunc(Number(numberText(v)));
      const text = numberText(v);
      const limit = code === 'i32' ? 2n ** 31n : 2n ** 63n;
      if (!/^-?\d+$/.test(text) || BigInt(text) < -limit || BigInt(text) >= limit) throw mismatch(code === 'i32' ? 'int32' : 'int64', `number ${text}`);
      return Number(text);
    }
    case 'f64': {
      if (!isNumber(v)) throw mismatch('float64');
      const n = Number(numberText(v));
      if (!Number.isFinite(n)) throw mismatch('float64', `number ${numberText(v)}`);
      return n;
    }
    case 'bytes':
      if (typeof v !== 'string') throw mismatch('[]uint8');
      return goValue(() => canonicalBase64(v));
    case 'time':
    case 'mtime':
      if (typeof v !== 'string') throw new GoDecodeError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
      return goValue(() => parseGoTime(v, code === 'mtime'));
    case 'q':
      return goValue(() => parseQuantity(typeof v === 'string' ? v : isNumber(v) ? numberText(v) : JSON.stringify(v)));
    case 'ios':
      if (typeof v === 'string') return v;
      if (!isNumber(v)) throw new GoDecodeError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type int32`);
      if (!/^-?\d+$/.test(numberText(v)) || Math.abs(Number(numberText(v))) >= 2 ** 31) throw new GoDecodeError(`json: cannot unmarshal number ${numberText(v)} into Go value of type int32`);
      return Number(numberText(v));
    case 'raw':
    case 'fieldsv1':
      return copyFreeForm(v, where.strict);
    default:
      throw new Error(`unknown schema code ${code}`);
  }
}

/** runtime/converter.go fromUnstructured: the error for a value of the wrong kind. */
function converterMismatch(code: string, v: unknown): string {
  const kind = Array.isArray(v) ? 'slice' : isObject(v) ? 'map' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : isNumber(v) && /^-?\d+$/.test(numberText(v)) ? 'int64' : 'float64';
  if (code.startsWith('@')) return `cannot restore struct from: ${kind}`;
  if (code.startsWith('[]')) return `cannot restore slice from ${kind}`;
  if (code.startsWith('{}')) return `cannot restore map from ${kind}`;
  const target: Record<string, string> = { s: 'string', b: 'bool', i32: 'int32', i64: 'int64', f64: 'float64' };
  return `unrecognized type: ${target[code] ?? code}`;
}

function goValue(f: () => string): string {
  try {
    return f();
  } catch (e) {
    if (e instanceof GoValueError) throw new GoDecodeError(e.message);
    throw e;
  }
}

/** A free-form value copied iteratively (own keys, numbers as numbers), bounded in depth. */
function copyFreeForm(root: unknown, path: string): unknown {
  const leaf = (v: unknown) => (v instanceof GoNumber ? Number(v.text) : v);
  if (!isContainer(root)) return leaf(root);
  const top: unknown = Array.isArray(root) ? [] : {};
  const work: Array<[unknown, unknown, number]> = [[root, top, 1]];
  while (work.length) {
    const [src, dst, depth] = work.pop()!;
    if (depth > MAX_FREE_FORM_DEPTH) throw new GoDecodeError(`${path || 'the object'}: nested more than ${MAX_FREE_FORM_DEPTH} levels deep, which satoken does not store`);
    const entries: Array<[string | number, unknown]> = Array.isArray(src) ? src.map((v, i) => [i, v]) : Object.keys(src as object).map((k) => [k, (src as Record<string, unknown>)[k]]);
    for (const [k, v] of entries) {
      const c = isContainer(v) ? (Array.isArray(v) ? [] : {}) : leaf(v);
      if (Array.isArray(dst)) dst.push(c);
      else defineKey(dst as Record<string, unknown>, k as string, c);
      if (isContainer(v)) work.push([v, c, depth + 1]);
    }
  }
  return top;
}

function zeroOf(code: string): unknown {
  if (code.startsWith('@')) return {};
  if (code === 's' || code === 'bytes' || code === 'q') return '';
  if (code === 'b') return false;
  if (code === 'i32' || code === 'i64' || code === 'f64' || code === 'ios') return 0;
  return null;
}

/** What Go's reflect prints for the type a code stands for. */
export function goTypeOf(ctx: { schemas: KindSchemas }, code: string): string {
  if (code.startsWith('[]')) return `[]${goTypeOf(ctx, code.slice(2))}`;
  if (code.startsWith('{}')) return `map[string]${goTypeOf(ctx, code.slice(2))}`;
  if (code.startsWith('@')) return ctx.schemas.struct(code.slice(1))?.go ?? code.slice(1);
  const names: Record<string, string> = { s: 'string', b: 'bool', i32: 'int32', i64: 'int64', f64: 'float64', bytes: '[]uint8', time: 'v1.Time', mtime: 'v1.MicroTime', q: 'resource.Quantity', ios: 'intstr.IntOrString', raw: 'runtime.RawExtension', fieldsv1: 'v1.FieldsV1' };
  return names[code] ?? code;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoNumber);
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !(v instanceof GoNumber);
}

function isNumber(v: unknown): v is number | GoNumber {
  return typeof v === 'number' || v instanceof GoNumber;
}

function numberText(v: number | GoNumber): string {
  return typeof v === 'number' ? String(v) : v.text;
}

/** The JSON kind Go names in UnmarshalTypeError: string, number, bool, object, array. */
function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (isNumber(v)) return 'number';
  if (Array.isArray(v)) return 'array';
  if (v === null || v === undefined) return 'null';
  return 'object';
}
