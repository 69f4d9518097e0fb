import { errors, type StatusError } from '../../errors/index.js';
import type { KindSchemas } from './kind-schemas.js';
import { GoDecodeError, decodeStrict } from './strict-decoder.js';

/**
 * The step of kube-apiserver's create and update handlers that decodes a body into the kind's Go
 * type (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go and update.go):
 * - the JSON serializer decodes strictly when `fieldValidation` is Strict or Warn (the default)
 *   and leniently when Ignore; a type error fails in every mode;
 * - strict errors are the YAML duplicate-key error (YAML bodies) followed by the JSON unknown and
 *   duplicate fields (runtime/serializer/json/json.go `unmarshal`);
 * - Strict: 400 `<Kind> in version "<version>" cannot be handled as a <Kind>: strict decoding
 *   error: unknown field "spec.x", unknown field "spec.y"` (handlers/rest.go
 *   `transformDecodeError`, runtime `NewStrictDecodingError` joining with ", ");
 * - Warn: the object, and one warning per strict error, a YAML error split into its lines
 *   (handlers/rest.go `addStrictDecodingWarnings` / `parseYAMLWarnings`).
 */

/** `fieldValidation` as kube-apiserver resolves it: empty means Warn (handlers/rest.go `fieldValidation`). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeObjectInput {
  schemas: KindSchemas;
  /** group, version and kind the body is decoded as (the data's, defaulted from the URL) */
  group: string;
  version: string;
  kind: string;
  /** the kind the endpoint serves (`must be of type …`); defaults to `kind` */
  intoKind?: string;
  /** the parsed body (util/go-json-parse.ts or api/codecs/yaml.ts) */
  value: unknown;
  /** for YAML bodies: go-yaml's strict-mode error for repeated keys, if any */
  yamlDuplicateKeys?: string | undefined;
  fieldValidation: FieldValidation;
}

export interface DecodedObject {
  object: Record<string, unknown>;
  /** texts for `Warning: 299 - "<text>"` headers (Warn only) */
  warnings: string[];
}

/** The prefix of the YAML strict errors kube-apiserver splits into one warning per line. */
const YAML_PREFIXES = ['yaml: unmarshal errors:\n', 'error converting YAML to JSON: yaml: unmarshal errors:\n'];

/**
 * Decodes a parsed body against the kind's schema, as kube-apiserver's create and update
 * handlers do; throws a 400 StatusError with Kubernetes' message when Go would refuse it.
 * A kind with no schema is passed through unchanged (no strict checks).
 * @example
 * const { object, warnings } = decodeObject({ schemas, group: '', version: 'v1', kind: 'Pod', value, fieldValidation: 'Warn' });
 * // warnings: ['unknown field "spec.serviceAccountNmae"']
 */
export function decodeObject(input: DecodeObjectInput): DecodedObject {
  const root = input.schemas.rootOf(input.group, input.version, input.kind);
  if (!root) return { object: input.value as Record<string, unknown>, warnings: [] };
  let decoded;
  try {
    decoded = decodeStrict(input.schemas, root, input.value);
  } catch (e) {
    if (e instanceof GoDecodeError) throw cannotBeHandled(input, e.message);
    throw e;
  }
  if (input.fieldValidation === 'Ignore') return { object: decoded.object, warnings: [] };
  const strictErrors = [...(input.yamlDuplicateKeys ? [input.yamlDuplicateKeys] : []), ...decoded.strictErrors];
  if (strictErrors.length === 0) return { object: decoded.object, warnings: [] };
  if (input.fieldValidation === 'Strict') throw cannotBeHandled(input, strictDecodingError(strictErrors));
  return { object: decoded.object, warnings: strictWarnings(strictErrors) };
}

/**
 * `runtime.NewStrictDecodingError(errs).Error()`.
 * @example
 * strictDecodingError(['unknown field "spec.x"', 'unknown field "spec.y"']);
 * // 'strict decoding error: unknown field "spec.x", unknown field "spec.y"'
 */
export function strictDecodingError(errs: readonly string[]): string {
  return `strict decoding error: ${errs.join(', ')}`;
}

/**
 * `addStrictDecodingWarnings`: one warning per strict error, a YAML strict error split into its
 * lines (`line 4: key "name" already set in map`).
 * @example
 * strictWarnings(['yaml: unmarshal errors:\n  line 4: key "a" already set in map', 'unknown field "x"']);
 * // ['line 4: key "a" already set in map', 'unknown field "x"']
 */
export function strictWarnings(errs: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of errs) {
    const prefix = YAML_PREFIXES.find((p) => e.startsWith(p));
    if (!prefix) out.push(e);
    else out.push(...e.slice(prefix.length).split('\n').map((s) => s.trim()));
  }
  return out;
}

/**
 * handlers/rest.go `transformDecodeError` when the data named its kind:
 * `<Kind> in version "<version>" cannot be handled as a <IntoKind>: <reason>`.
 * @example
 * cannotBeHandled({ kind: 'Pod', version: 'v1' }, 'json: cannot unmarshal …').message;
 */
export function cannotBeHandled(gvk: { kind: string; version: string; intoKind?: string }, reason: string): StatusError {
  return errors.badRequest(`${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.intoKind ?? gvk.kind}: ${reason}`);
}

/**
 * handlers/rest.go `transformDecodeError` when the body could not even be read for its kind:
 * `the object provided is unrecognized (must be of type Pod): <reason> (<summary>)`, the summary
 * being the first 30 bytes (`{…` bodies as text, others in hex) and ` ...` when cut
 * (`summarizeData`).
 * @example
 * unrecognized('Pod', "couldn't get version/kind; json parse error: unexpected end of JSON input", Buffer.from('{'));
 * // 400: the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: unexpected end of JSON input ({)
 */
export function unrecognized(intoKind: string, reason: string, body: Buffer): StatusError {
  return errors.badRequest(`the object provided is unrecognized (must be of type ${intoKind}): ${reason} (${summarizeData(body, 30)})`);
}

function summarizeData(data: Buffer, max: number): string {
  if (data.length === 0) return '<empty>';
  const cut = data.length > max;
  const head = cut ? data.subarray(0, max) : data;
  const text = data[0] === 0x7b ? head.toString('latin1') : head.toString('hex');
  return cut ? `${text} ...` : text;
}
