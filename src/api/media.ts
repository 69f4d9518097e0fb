import { errors, StatusError } from '../errors/index.js';
import { unrecognized } from '../registry/schema/decode-object.js';
import { JsonSyntaxError, parseJson, plainNumbers, quickPlainJson } from '../util/go-json-parse.js';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from './codecs/protobuf.js';
import { YamlDecodeError, parseYaml } from './codecs/yaml.js';

/**
 * Request bodies by media type, as kube-apiserver picks their decoder:
 * - create and update bodies (handlers/negotiation `NegotiateInputSerializerForMediaType`): the
 *   Content-Type is parsed as Go's mime.ParseMediaType parses it, its parameters (`charset=…`)
 *   ignored, and the type matched against the serializers: `application/json` (also when the
 *   header is absent), `application/yaml`, `application/vnd.kubernetes.protobuf`; anything else,
 *   or a header mime.ParseMediaType refuses, is a 415 listing those three;
 * - patch bodies (handlers/patch.go `PatchResource`): the header up to its first `;`, compared
 *   exactly with the patch types; anything else is a 415 listing them.
 */

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type BodyFormat = 'json' | 'yaml' | 'protobuf' | 'merge-patch' | 'strategic-merge-patch' | 'json-patch' | 'apply-patch';
export type PatchFormat = Extract<BodyFormat, 'merge-patch' | 'strategic-merge-patch' | 'json-patch' | 'apply-patch'>;

/** The patch types kube-apiserver 1.33 accepts for built-in kinds, in its order (endpoints/installer.go). */
export const PATCH_MEDIA_TYPES: Readonly<Record<string, PatchFormat>> = {
  'application/json-patch+json': 'json-patch',
  'application/merge-patch+json': 'merge-patch',
  'application/strategic-merge-patch+json': 'strategic-merge-patch',
  'application/apply-patch+yaml': 'apply-patch',
};

const BODY_MEDIA_TYPES: Readonly<Record<string, 'json' | 'yaml' | 'protobuf'>> = {
  'application/json': 'json',
  'application/yaml': 'yaml',
  [PROTOBUF_MEDIA_TYPE]: 'protobuf',
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Go's mime.ParseMediaType, as far as deciding the decoder needs: the lower-cased `type/subtype`
 * and the parameters, or undefined when Go would return an error (no slash, bad tokens, a
 * parameter without `=`, a repeated parameter). Trailing semicolons are allowed.
 * @example
 * parseMediaType('Application/JSON; charset=UTF-8'); // { type: 'application/json', params: { charset: 'UTF-8' } }
 * parseMediaType('application/json; charset'); // undefined
 */
export function parseMediaType(header: string): { type: string; params: Record<string, string> } | undefined {
  const semi = header.indexOf(';');
  const base = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  const slash = base.indexOf('/');
  if (slash < 0 || !TOKEN.test(base.slice(0, slash)) || !TOKEN.test(base.slice(slash + 1))) return undefined;
  const params: Record<string, string> = {};
  let rest = semi < 0 ? '' : header.slice(semi);
  while (rest.length) {
    rest = rest.replace(/^\s+/, '');
    if (rest === '') break;
    if (rest === ';' || /^;\s*$/.test(rest)) break;
    const m = /^;\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=("(?:[^"\\]|\\.)*"|[!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*/.exec(rest);
    if (!m) return undefined;
    const key = m[1]!.toLowerCase();
    if (Object.hasOwn(params, key)) return undefined;
    Object.defineProperty(params, key, { value: m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[2]!, enumerable: true, writable: true, configurable: true });
    rest = rest.slice(m[0].length);
  }
  return { type: base, params };
}

/**
 * The patch type of a PATCH request's Content-Type (up to its first `;`, compared exactly), or
 * undefined (a 415).
 * @example
 * patchFormatOf('application/merge-patch+json; charset=utf-8'); // 'merge-patch'
 * patchFormatOf('application/json'); // undefined
 */
export function patchFormatOf(contentType: string | undefined): PatchFormat | undefined {
  let ct = contentType ?? '';
  const idx = ct.indexOf(';');
  if (idx > 0) ct = ct.slice(0, idx);
  return Object.hasOwn(PATCH_MEDIA_TYPES, ct) ? PATCH_MEDIA_TYPES[ct] : undefined;
}

/**
 * The decoder for a create or update body, or undefined (a 415).
 * @example
 * bodyFormatOf('application/json;charset=utf-8'); // 'json'
 * bodyFormatOf(undefined); // 'json'
 * bodyFormatOf('text/yaml'); // undefined
 */
export function bodyFormatOf(contentType: string | undefined): 'json' | 'yaml' | 'protobuf' | undefined {
  if (contentType === undefined || contentType === '') return 'json';
  const parsed = parseMediaType(contentType);
  return parsed && Object.hasOwn(BODY_MEDIA_TYPES, parsed.type) ? BODY_MEDIA_TYPES[parsed.type] : undefined;
}

/**
 * A body's format: a patch type when the header names one exactly, else the body decoder.
 * @example
 * formatOf('application/strategic-merge-patch+json'); // 'strategic-merge-patch'
 */
export function formatOf(contentType: string | undefined): BodyFormat | undefined {
  return patchFormatOf(contentType) ?? bodyFormatOf(contentType);
}

/**
 * negotiation.NewUnsupportedMediaTypeError for patches: 415 listing the patch types.
 * @example
 * unsupportedPatchType().message; // 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, …'
 */
export function unsupportedPatchType(): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_MEDIA_TYPES).join(', ')}`);
}

/** A body read for its decoder: the value (GoNumbers kept) and what the strict decoder needs. */
export interface ParsedBody {
  format: BodyFormat;
  /** undefined for an empty body */
  value: unknown;
  /** YAML bodies: go-yaml's strict-mode error for repeated keys */
  yamlDuplicateKeys?: string;
  /** protobuf bodies: the TypeMeta of the envelope */
  typeMeta?: { apiVersion: string; kind: string };
}

export interface ReadBodyOptions {
  /** the kind the endpoint serves, for kube-apiserver's `the object provided is unrecognized (must be of type <Kind>)` */
  intoKind?: string;
}

/**
 * Reads a request body by its Content-Type into a value: JSON and YAML as kube-apiserver reads
 * them (util/go-json-parse.ts, codecs/yaml.ts), protobuf through its envelope (codecs/protobuf.ts).
 * Errors are 400s with Kubernetes' words; an unknown media type is a 415.
 * - JSON that does not parse: `couldn't get version/kind; json parse error: <Go's reason>`
 *   (SimpleMetaFactory.Interpret), inside `the object provided is unrecognized (must be of type
 *   <Kind>): … (<first 30 bytes>)` when the endpoint's kind is known (handlers/rest.go);
 * - YAML that does not convert: go-yaml's `yaml: …`, wrapped the same way.
 * @example
 * readBody(Buffer.from('{"kind":"Pod"}'), 'application/json').value; // { kind: 'Pod' }
 */
export function readBody(raw: Buffer, contentType: string | undefined, opts: ReadBodyOptions = {}): ParsedBody {
  const format = formatOf(contentType);
  if (!format) throw errors.unsupportedMediaType();
  if (raw.length === 0) return { format, value: undefined };
  const fail = (reason: string) => (opts.intoKind ? unrecognized(opts.intoKind, reason, raw) : errors.badRequest(reason));
  if (format === 'protobuf') {
    const decoded = decodeKubernetesProtobuf(raw);
    return { format, value: decoded.object, typeMeta: { apiVersion: decoded.apiVersion, kind: decoded.kind } };
  }
  if (format === 'yaml' || format === 'apply-patch') {
    try {
      const parsed = parseYaml(raw.toString('utf8'));
      return parsed.duplicateKeys ? { format, value: parsed.value, yamlDuplicateKeys: parsed.duplicateKeys } : { format, value: parsed.value };
    } catch (e) {
      if (e instanceof YamlDecodeError) throw fail(e.message);
      throw e;
    }
  }
  try {
    return { format, value: parseJson(raw).value };
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw fail(`couldn't get version/kind; json parse error: ${e.message}`);
    throw e;
  }
}

/**
 * Decodes a request body into plain JavaScript (numbers as numbers): {@link readBody} for callers
 * that do not decode against a schema.
 * @example
 * decodeBody(Buffer.from('{"spec":{"expirationSeconds":600}}'), 'application/json');
 */
export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length > 0 && JSON_TEXT.has(formatOf(contentType))) {
    const quick = quickPlainJson(raw);
    if (quick) return quick.value;
  }
  return plainNumbers(readBody(raw, contentType).value);
}

/** The formats whose bodies are JSON text. */
const JSON_TEXT = new Set<BodyFormat | undefined>(['json', 'merge-patch', 'strategic-merge-patch', 'json-patch']);

