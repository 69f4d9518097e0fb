import { errors, StatusError } from '../errors/index.js';
import { type FieldValidation, GoDecodeError, type KindSchemas, decodeStrict, strictDecodingError, strictWarnings } from '../registry/schema/index.js';
import { GoNumber, defineKey, depthOf, duplicateKeysOf, JsonSyntaxError, parseJson } from '../util/go-json-parse.js';
import { YamlDecodeError, parseYaml } from './codecs/yaml.js';
import { mergeKeyOf, isPrimitiveMergeList } from './patch-merge-keys.js';
import { goSprintV, goJsonSorted } from './patch-go-format.js';
import type { PatchFormat } from './media.js';

/**
 * PATCH as kube-apiserver applies it (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
 * - JSON patch (RFC 6902, evanphx/json-patch v4): with Strict or Warn the body is first read as
 *   `[]jsonPatchOp` (`error decoding patch: …`, `json patch unknown field "[0].valu"`); more than
 *   10000 operations is a 413; an operation that does not apply (a missing path, a failed test,
 *   an unknown op) is 422 `the server rejected our request due to an error in our request`;
 * - JSON merge patch (RFC 7386): with Strict or Warn the body is read as a map first
 *   (`error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}`);
 *   `null`, a string or a number is 400 `Invalid JSON Patch`; an array replaces the object;
 * - strategic merge patch (apimachinery util/strategicpatch): lists merge by the patchMergeKey of
 *   their Go field (patch-merge-keys.ts), `$patch: replace|delete|merge`, `$retainKeys`,
 *   `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` with mergepatch's messages;
 * - apply patches (YAML): read as YAML (`error decoding YAML: …`) and merged like a merge patch
 *   (satoken has no field managers: see the README).
 * The result is decoded against the kind's schema. A result Go cannot decode is 422
 * ` "" is invalid: patch: Invalid value: "<patched object>": <Go's reason>`; unknown and
 * duplicate fields (of the patch and of the result) are warnings (Warn) or that 422 with
 * `strict decoding error: …` (Strict). Keys are always own data properties: `__proto__`,
 * `constructor` and `prototype` are plain keys in every patch type.
 */

/** handlers/patch.go maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;
/** apiserver JSONPatchMaxCopyBytes: what copy operations may add in total. */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;
/** Deepest patch satoken applies (its merges recurse); Go's JSON limit (10000) is checked first. */
export const MAX_PATCH_DEPTH = 1000;

type Json = unknown;
type Obj = Record<string, unknown>;

export interface PatchInput {
  format: PatchFormat;
  /** the PATCH body */
  body: Buffer;
  /** the stored object (not modified) */
  current: Obj;
  fieldValidation: FieldValidation;
  schemas: KindSchemas;
  group: string;
  version: string;
  kind: string;
}

export interface PatchResult {
  object: Obj;
  /** texts for `Warning: 299 - "…"` headers */
  warnings: string[];
}

/**
 * Applies a PATCH body to a copy of the current object and decodes the result against the
 * kind's schema, as kube-apiserver does; throws StatusErrors with its codes and messages.
 * @example
 * const { object, warnings } = applyPatchRequest({ format: 'merge-patch', body: Buffer.from('{"data":{"k":"v"}}'), current, fieldValidation: 'Warn', schemas, group: '', version: 'v1', kind: 'ConfigMap' });
 */
export function applyPatchRequest(input: PatchInput): PatchResult {
  const strict = input.fieldValidation !== 'Ignore';
  const base = copyJson(input.current) as Obj;
  let patched: Json;
  let patchStrictErrors: string[] = [];
  let invalidValue: () => string;
  let flavor: 'json' | 'unstructured' = 'json';
  switch (input.format) {
    case 'json-patch': {
      const ops = readJsonPatch(input.body, strict);
      patchStrictErrors = ops.strictErrors;
      patched = applyJsonPatch(base, ops.value);
      invalidValue = () => goJsonSorted(patched);
      break;
    }
    case 'merge-patch': {
      const p = readMergePatch(input.body, strict);
      patchStrictErrors = p.strictErrors;
      patched = mergePatch(base, p.value);
      invalidValue = () => goJsonSorted(patched);
      break;
    }
    case 'strategic-merge-patch': {
      const p = readStrategicPatch(input.body, strict);
      patchStrictErrors = p.strictErrors;
      const root = input.schemas.rootOf(input.group, input.version, input.kind);
      patched = strategicMerge(base, p.value, root, input.schemas);
      invalidValue = () => goSprintV(p.value);
      flavor = 'unstructured';
      break;
    }
    case 'apply-patch': {
      const p = readApplyPatch(input.body);
      if (strict && p.duplicateKeys) {
        if (input.fieldValidation === 'Strict') throw errors.badRequest(`error strict decoding YAML: error converting YAML to JSON: ${p.duplicateKeys}`);
        patchStrictErrors = [`error converting YAML to JSON: ${p.duplicateKeys}`];
      }
      patched = mergePatch(base, p.value);
      invalidValue = () => goJsonSorted(patched);
      break;
    }
  }
  return decodePatched(input, patched, patchStrictErrors, invalidValue, flavor);
}

function decodePatched(input: PatchInput, patched: Json, patchStrictErrors: string[], invalidValue: () => string, flavor: 'json' | 'unstructured'): PatchResult {
  const invalid = (reason: string) => new StatusError(422, 'Invalid', ` "" is invalid: patch: Invalid value: ${JSON.stringify(invalidValue())}: ${reason}`, { causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(invalidValue())}: ${reason}`, field: 'patch' }] });
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched) || patched instanceof GoNumber) {
    const what = Array.isArray(patched) ? 'array' : typeof patched === 'string' ? 'string' : typeof patched === 'boolean' ? 'bool' : patched === null ? 'null' : 'number';
    throw invalid(`couldn't get version/kind; json parse error: json: cannot unmarshal ${what} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  const root = input.schemas.rootOf(input.group, input.version, input.kind);
  if (!root) return { object: patched as Obj, warnings: input.fieldValidation === 'Warn' ? strictWarnings(patchStrictErrors) : [] };
  let decoded;
  try {
    decoded = decodeStrict(input.schemas, root, patched, { flavor });
  } catch (e) {
    if (e instanceof GoDecodeError) throw invalid(e.message);
    throw e;
  }
  const all = [...patchStrictErrors, ...decoded.strictErrors];
  if (input.fieldValidation === 'Ignore' || all.length === 0) return { object: decoded.object, warnings: [] };
  if (input.fieldValidation === 'Strict') throw invalid(strictDecodingError(all));
  return { object: decoded.object, warnings: strictWarnings(all) };
}

// ---- reading the patch bodies -------------------------------------------------------------

function parsePatchJson(body: Buffer, onSyntax: (message: string) => StatusError): Json {
  let parsed;
  try {
    parsed = parseJson(body);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw onSyntax(e.message);
    throw e;
  }
  if (parsed.depth > MAX_PATCH_DEPTH) throw errors.badRequest(`the patch is nested ${parsed.depth} levels deep; satoken applies patches at most ${MAX_PATCH_DEPTH} levels deep`);
  return parsed.value;
}

/** Duplicate keys anywhere in a parsed patch, as sigs.k8s.io/json reports them into a map. */
function duplicatePaths(root: Json, prefix = ''): string[] {
  const out: string[] = [];
  const work: Array<[Json, string]> = [[root, prefix]];
  while (work.length) {
    const [node, path] = work.shift()!;
    if (typeof node !== 'object' || node === null || node instanceof GoNumber) continue;
    if (Array.isArray(node)) {
      node.forEach((v, i) => work.push([v, `${path}[${i}]`]));
      continue;
    }
    const dups = duplicateKeysOf(node);
    for (const k of Object.keys(node)) {
      const p = path ? `${path}.${k}` : k;
      if (dups?.has(k)) out.push(`duplicate field ${JSON.stringify(p)}`);
      work.push([(node as Obj)[k], p]);
    }
  }
  return out;
}

const JSON_PATCH_OP_FIELDS = new Set(['op', 'path', 'from', 'value']);

function readJsonPatch(body: Buffer, strict: boolean): { value: Obj[]; strictErrors: string[] } {
  const decodingError = (m: string) => errors.badRequest(strict ? `error decoding patch: ${m}` : m);
  const value = parsePatchJson(body, decodingError);
  if (!Array.isArray(value)) {
    if (value === null) return { value: [], strictErrors: [] };
    throw decodingError(`json: cannot unmarshal ${kindOf(value)} into Go value of type ${strict ? '[]handlers.jsonPatchOp' : 'jsonpatch.Patch'}`);
  }
  const strictErrors: string[] = [];
  value.forEach((op, i) => {
    if (op === null) return;
    if (typeof op !== 'object' || Array.isArray(op) || op instanceof GoNumber) throw decodingError(`json: cannot unmarshal ${kindOf(op)} into Go value of type ${strict ? 'handlers.jsonPatchOp' : 'jsonpatch.Operation'}`);
    if (!strict) return;
    const dups = duplicateKeysOf(op);
    for (const k of Object.keys(op)) {
      if (!JSON_PATCH_OP_FIELDS.has(k)) strictErrors.push(`json patch unknown field "[${i}].${k}"`);
      else {
        if (dups?.has(k)) strictErrors.push(`json patch duplicate field "[${i}].${k}"`);
        const v = (op as Obj)[k];
        if (k !== 'value' && v !== null && typeof v !== 'string') throw decodingError(`json: cannot unmarshal ${kindOf(v)} into Go struct field jsonPatchOp.${k} of type string`);
      }
    }
  });
  if (value.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${value.length}`);
  }
  return { value: value.map((op) => (op === null ? {} : (op as Obj))), strictErrors };
}

function readMergePatch(body: Buffer, strict: boolean): { value: Json; strictErrors: string[] } {
  const value = parsePatchJson(body, (m) => errors.badRequest(strict ? `error decoding patch: ${m}` : 'Invalid JSON Patch'));
  if (strict && value !== null && (typeof value !== 'object' || Array.isArray(value) || value instanceof GoNumber)) {
    throw errors.badRequest(`error decoding patch: json: cannot unmarshal ${kindOf(value)} into Go value of type map[string]interface {}`);
  }
  if (value === null || (typeof value !== 'object' && !Array.isArray(value)) || value instanceof GoNumber) throw errors.badRequest('Invalid JSON Patch');
  return { value, strictErrors: strict ? duplicatePaths(value) : [] };
}

function readStrategicPatch(body: Buffer, strict: boolean): { value: Obj; strictErrors: string[] } {
  const value = parsePatchJson(body, (m) => errors.badRequest(m));
  if (value === null) return { value: {}, strictErrors: [] };
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof GoNumber) throw errors.badRequest(`json: cannot unmarshal ${kindOf(value)} into Go value of type map[string]interface {}`);
  return { value: value as Obj, strictErrors: strict ? duplicatePaths(value) : [] };
}

function readApplyPatch(body: Buffer): { value: Obj; duplicateKeys: string | undefined } {
  let parsed;
  try {
    parsed = parseYaml(body.toString('utf8'));
  } catch (e) {
    if (e instanceof YamlDecodeError) throw errors.badRequest(`error decoding YAML: error converting YAML to JSON: ${e.message}`);
    throw e;
  }
  const v = parsed.value;
  if (v === null) return { value: {}, duplicateKeys: parsed.duplicateKeys };
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof GoNumber) {
    throw errors.badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kindOf(v)} into Go value of type map[string]interface {}`);
  }
  if (depthOf(v) > MAX_PATCH_DEPTH) throw errors.badRequest(`the patch is nested more than ${MAX_PATCH_DEPTH} levels deep; satoken applies patches at most ${MAX_PATCH_DEPTH} levels deep`);
  return { value: v as Obj, duplicateKeys: parsed.duplicateKeys };
}

// ---- JSON merge patch (evanphx/json-patch v4 MergePatch) ------------------------------------

/**
 * RFC 7386 as evanphx/json-patch v4 applies it: null deletes, objects merge, anything else
 * replaces; nulls inside a new object are pruned, nulls inside arrays kept; an array patch
 * replaces the whole document.
 * @example
 * mergePatch({ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } }); // { a: 1, b: { d: 3 } }
 */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return Array.isArray(patch) ? pruneArray(patch) : patch;
  if (!isObj(target)) return pruneNulls(patch);
  const out = copyShallow(target);
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = Object.hasOwn(out, k) ? out[k] : undefined;
    if (cur === undefined || cur === null) defineKey(out, k, pruneNulls(v));
    else if (isObj(cur) && isObj(v)) defineKey(out, k, mergePatch(cur, v));
    else if (isObj(cur)) defineKey(out, k, v);
    else defineKey(out, k, pruneNulls(v));
  }
  return out;
}

function pruneNulls(v: Json): Json {
  if (Array.isArray(v)) return pruneArray(v);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v)) if (v[k] !== null) defineKey(out, k, pruneNulls(v[k]));
  return out;
}

function pruneArray(a: Json[]): Json[] {
  return a.map((x) => (x === null ? null : pruneNulls(x)));
}

// ---- JSON patch (evanphx/json-patch v4 Apply) --------------------------------------------------

/** Any failure of an operation: kube-apiserver answers NewGenericServerResponse(422). */
function patchDoesNotApply(): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * RFC 6902 operations applied in order, as evanphx/json-patch v4 applies them: `replace` needs
 * the key to exist, array indices may be negative, `-` appends, copies may add at most 3 MiB.
 * @example
 * applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }]); // { a: [1, 2] }
 */
export function applyJsonPatch(doc: Json, ops: readonly Obj[]): Json {
  let root = doc;
  let copied = 0;
  const str = (op: Obj, k: string) => (typeof op[k] === 'string' ? (op[k] as string) : undefined);
  /** the container and key of a pointer, or undefined when its parent does not exist */
  const locate = (path: string): { parent: Obj | Json[]; key: string } | undefined => {
    if (path === '' || !path.startsWith('/')) return undefined;
    const parts = path.slice(1).split('/').map(unescapePointer);
    let node: Json = root;
    for (const p of parts.slice(0, -1)) {
      if (Array.isArray(node)) {
        const i = arrayIndex(p, node.length, false);
        if (i === undefined) return undefined;
        node = node[i];
      } else if (isObj(node) && Object.hasOwn(node, p)) node = node[p];
      else return undefined;
    }
    if (!isObj(node) && !Array.isArray(node)) return undefined;
    return { parent: node, key: parts[parts.length - 1]! };
  };
  const get = (path: string): { found: boolean; value?: Json } => {
    if (path === '') return { found: true, value: root };
    const at = locate(path);
    if (!at) return { found: false };
    if (Array.isArray(at.parent)) {
      const i = arrayIndex(at.key, at.parent.length, false);
      return i === undefined ? { found: false } : { found: true, value: at.parent[i] };
    }
    return Object.hasOwn(at.parent, at.key) ? { found: true, value: at.parent[at.key] } : { found: false };
  };
  const add = (path: string, value: Json) => {
    const at = locate(path);
    if (!at) throw patchDoesNotApply();
    if (Array.isArray(at.parent)) {
      const i = at.key === '-' ? at.parent.length : arrayIndex(at.key, at.parent.length, true);
      if (i === undefined) throw patchDoesNotApply();
      at.parent.splice(i, 0, value);
    } else defineKey(at.parent, at.key, value);
  };
  const remove = (path: string): Json => {
    const at = locate(path);
    if (!at) throw patchDoesNotApply();
    if (Array.isArray(at.parent)) {
      const i = arrayIndex(at.key, at.parent.length, false);
      if (i === undefined) throw patchDoesNotApply();
      return at.parent.splice(i, 1)[0];
    }
    if (!Object.hasOwn(at.parent, at.key)) throw patchDoesNotApply();
    const v = at.parent[at.key];
    delete at.parent[at.key];
    return v;
  };
  for (const op of ops) {
    const path = str(op, 'path');
    switch (op.op) {
      case 'add':
        if (path === undefined) throw patchDoesNotApply();
        add(path, Object.hasOwn(op, 'value') ? copyJson(op.value) : null);
        break;
      case 'remove':
        if (path === undefined) throw patchDoesNotApply();
        remove(path);
        break;
      case 'replace': {
        if (path === undefined) throw patchDoesNotApply();
        const value = Object.hasOwn(op, 'value') ? op.value : null;
        if (path === '') {
          if (typeof value !== 'object' || value === null || value instanceof GoNumber) throw patchDoesNotApply();
          root = copyJson(value);
          break;
        }
        if (!get(path).found) throw patchDoesNotApply();
        const at = locate(path)!;
        if (Array.isArray(at.parent)) at.parent[arrayIndex(at.key, at.parent.length, false)!] = copyJson(value);
        else defineKey(at.parent, at.key, copyJson(value));
        break;
      }
      case 'move': {
        const from = str(op, 'from');
        if (path === undefined || from === undefined || !get(from).found) throw patchDoesNotApply();
        add(path, remove(from));
        break;
      }
      case 'copy': {
        const from = str(op, 'from');
        const got = from === undefined ? { found: false } : get(from);
        if (path === undefined || !got.found) throw patchDoesNotApply();
        copied += JSON.stringify(got.value ?? null).length;
        if (copied > MAX_JSON_PATCH_COPY_BYTES) throw patchDoesNotApply();
        add(path, copyJson(got.value));
        break;
      }
      case 'test': {
        if (path === undefined) throw patchDoesNotApply();
        const got = get(path);
        if (!got.found ? op.value !== null && op.value !== undefined : !jsonEqual(got.value, op.value)) throw patchDoesNotApply();
        break;
      }
      default:
        throw patchDoesNotApply();
    }
  }
  return root;
}

function arrayIndex(key: string, length: number, forInsert: boolean): number | undefined {
  if (!/^-?\d+$/.test(key)) return undefined;
  let i = Number(key);
  if (i < 0) {
    if (-i > length) return undefined;
    i += length;
  }
  return i > (forInsert ? length : length - 1) ? undefined : i;
}

function jsonEqual(a: Json, b: Json): boolean {
  const norm = (v: Json): Json => (v instanceof GoNumber ? Number(v.text) : v);
  a = norm(a);
  b = norm(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

// ---- strategic merge patch (apimachinery util/strategicpatch) -----------------------------

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

function smpBadRequest(message: string): StatusError {
  return errors.badRequest(message);
}

/**
 * Applies a strategic merge patch to `original` (a fresh copy), following the kind's schema for
 * each list's merge key; without a schema every list is replaced, as for a merge patch.
 * @example
 * strategicMerge({ spec: { containers: [{ name: 'a', image: 'x' }] } }, { spec: { containers: [{ name: 'a', image: 'y' }] } }, 'V1Pod', schemas);
 */
export function strategicMerge(original: Obj, patch: Obj, type: string | undefined, schemas: KindSchemas): Obj {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    if (directive === 'replace') return stripDirectives(withoutKey(patch, DIRECTIVE)) as Obj;
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw smpBadRequest(`unknown patch type: ${goSprintV(directive)} in map: ${goSprintV(patch)}`);
  }
  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined && (!Array.isArray(retain) || retain.some((k) => typeof k !== 'string'))) throw smpBadRequest('invalid patch format of retainKeys');
  const out = copyShallow(original);
  const fields = type ? schemas.struct(type)?.fields : undefined;
  for (const k of Object.keys(patch)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS) continue;
    const v = patch[k];
    if (k.startsWith(SET_ORDER)) {
      if (!Array.isArray(v)) throw smpBadRequest('invalid patch format of setElementOrder list');
      continue;
    }
    if (k.startsWith(DELETE_PRIMITIVE)) {
      if (!Array.isArray(v)) throw smpBadRequest('invalid patch format of primitive list');
      const field = k.slice(DELETE_PRIMITIVE.length);
      const cur = out[field];
      if (Array.isArray(cur)) {
        const drop = new Set(v.map((x) => JSON.stringify(x)));
        defineKey(out, field, cur.filter((x) => !drop.has(JSON.stringify(x))));
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const code = fields && Object.hasOwn(fields, k) ? fields[k] : undefined;
    const cur = Object.hasOwn(out, k) ? out[k] : undefined;
    if (cur === undefined || cur === null || kindOf(cur) !== kindOf(v)) {
      defineKey(out, k, isObj(v) && v[DIRECTIVE] === 'delete' ? undefined : stripDirectives(v));
      if (out[k] === undefined) delete out[k];
      continue;
    }
    if (isObj(v) && isObj(cur)) {
      const next = code?.startsWith('{}') ? mergeMapValues(cur, v, code.slice(2), schemas) : strategicMerge(cur, v, code?.startsWith('@') ? code.slice(1) : undefined, schemas);
      defineKey(out, k, next);
    } else if (Array.isArray(v) && Array.isArray(cur)) {
      defineKey(out, k, mergeList(cur, v, type, k, code, schemas));
    } else defineKey(out, k, v);
  }
  for (const k of Object.keys(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    const cur = out[field];
    if (!Array.isArray(cur)) continue;
    const key = type ? mergeKeyOf(type, field) : undefined;
    const id = (x: Json) => JSON.stringify(key && isObj(x) ? x[key] : x);
    const rank = new Map((patch[k] as Json[]).map((x, i) => [id(x), i]));
    defineKey(out, field, [...cur].sort((a, b) => (rank.get(id(a)) ?? Infinity) - (rank.get(id(b)) ?? Infinity)));
  }
  if (retain !== undefined) {
    const keep = new Set(retain as string[]);
    for (const k of Object.keys(patch)) {
      if (!k.startsWith('$') && !keep.has(k)) throw new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
    }
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

/** Values of a Go map (`map[string]T`) merge one by one, by T's rules. */
function mergeMapValues(cur: Obj, patch: Obj, elem: string, schemas: KindSchemas): Obj {
  const out = copyShallow(cur);
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) delete out[k];
    else if (isObj(v) && isObj(out[k])) defineKey(out, k, strategicMerge(out[k] as Obj, v, elem.startsWith('@') ? elem.slice(1) : undefined, schemas));
    else defineKey(out, k, stripDirectives(v));
  }
  return out;
}

function mergeList(cur: Json[], patch: Json[], type: string | undefined, field: string, code: string | undefined, schemas: KindSchemas): Json[] {
  const key = type ? mergeKeyOf(type, field) : undefined;
  if (patch.some((x) => isObj(x) && x[DIRECTIVE] === 'replace')) return patch.filter((x) => !(isObj(x) && x[DIRECTIVE] === 'replace')).map(stripDirectives);
  if (type && isPrimitiveMergeList(type, field)) {
    const seen = new Set(cur.map((x) => JSON.stringify(x)));
    return [...cur, ...patch.filter((x) => !seen.has(JSON.stringify(x)))];
  }
  if (!key) return patch.map(stripDirectives);
  if (patch.some((x) => Array.isArray(x))) throw new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  const elem = code?.startsWith('[]@') ? code.slice(3) : undefined;
  const out = [...cur];
  for (const item of patch) {
    if (!isObj(item)) continue;
    const idx = out.findIndex((x) => isObj(x) && jsonEqual(x[key], item[key]));
    if (item[DIRECTIVE] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMerge(out[idx] as Obj, item, elem, schemas);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v)) if (!k.startsWith('$')) defineKey(out, k, stripDirectives(v[k]));
  return out;
}

// ---- helpers --------------------------------------------------------------------------------

function withoutKey(o: Obj, key: string): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o)) if (k !== key) defineKey(out, k, o[k]);
  return out;
}

function copyShallow(o: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o)) defineKey(out, k, o[k]);
  return out;
}

/** A deep copy of JSON data (own keys, GoNumbers kept), iterative. */
function copyJson(root: Json): Json {
  if (typeof root !== 'object' || root === null || root instanceof GoNumber) return root;
  const top: Json = Array.isArray(root) ? [] : {};
  const work: Array<[Json, Json]> = [[root, top]];
  while (work.length) {
    const [src, dst] = work.pop()!;
    if (Array.isArray(src)) {
      for (const v of src) {
        const c = typeof v === 'object' && v !== null && !(v instanceof GoNumber) ? (Array.isArray(v) ? [] : {}) : v;
        (dst as Json[]).push(c);
        if (c !== v) work.push([v, c]);
      }
    } else {
      for (const k of Object.keys(src as Obj)) {
        const v = (src as Obj)[k];
        const c = typeof v === 'object' && v !== null && !(v instanceof GoNumber) ? (Array.isArray(v) ? [] : {}) : v;
        defineKey(dst as Obj, k, c);
        if (c !== v) work.push([v, c]);
      }
    }
  }
  return top;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoNumber);
}

/** The JSON kind Go names: object, array, string, number, bool, null. */
function kindOf(v: Json): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (v instanceof GoNumber || typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return 'object';
}
