import protobuf from 'protobufjs';
import { errors, isStatusError } from '../../errors/index.js';
import { objectSchemaFor, protobufTypeOf, RUNTIME_UNKNOWN } from './k8s-proto-schema.js';
import { renderMessage } from './proto-json.js';
import type { MessageSchema } from './proto-schema.js';

/**
 * The media type of Kubernetes protobuf bodies (kubectl ≥ 1.32 sends it for typed-client writes).
 *
 * @example
 * res.status(415).send(`accepted: application/json, ${PROTOBUF_MEDIA_TYPE}`);
 */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** `k8s\0`, the prefix of every Kubernetes protobuf body (apimachinery runtime/serializer/protobuf). */
const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/**
 * What {@link decodeKubernetesProtobuf} returns: the body's TypeMeta and its JSON meaning.
 *
 * @example
 * const decoded: DecodedKubernetesObject = { apiVersion: 'v1', kind: 'ServiceAccount', object: { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'sa', creationTimestamp: null } } };
 */
export interface DecodedKubernetesObject {
  apiVersion: string;
  kind: string;
  /** The object as Kubernetes' JSON codec would render it, `kind` and `apiVersion` first. */
  object: Record<string, unknown>;
}

/**
 * Decodes a Kubernetes protobuf request body into the JSON object it means.
 * - The body is the 4-byte magic `k8s\0`, then a runtime.Unknown: TypeMeta (apiVersion, kind),
 *   the object's own message bytes (`raw`), contentEncoding and contentType.
 * - TypeMeta picks the schema; a kind without one is a 415 UnsupportedMediaType, as a JSON-only
 *   server would answer, and kubectl then fails cleanly.
 * - `raw` is decoded by that schema and rendered as Kubernetes' JSON codec would render the Go
 *   object (proto-json.ts); unknown fields, managedFields among them, are skipped.
 * - A missing magic, a truncated or malformed envelope or object, a missing kind, apiVersion or
 *   `raw` are a 400 BadRequest; nothing else is ever thrown. (Go accepts an envelope without
 *   `raw` as an empty object; no client sends one, and a body cut after its TypeMeta is one.)
 * Reference: staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go.
 *
 * @example
 * const { kind, object } = decodeKubernetesProtobuf(req.body);
 * // kind === 'TokenRequest'; object.spec === { audiences: ['vault'], expirationSeconds: 600 }
 */
export function decodeKubernetesProtobuf(body: Buffer | Uint8Array): DecodedKubernetesObject {
  const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (bytes.length === 0) throw errors.badRequest('empty data');
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw errors.badRequest(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`);
  }
  if (bytes.length === MAGIC.length) throw errors.badRequest('empty body');

  const envelope = decode(RUNTIME_UNKNOWN, bytes.subarray(MAGIC.length), (reason) => `the object provided is unrecognized: runtime.Unknown: ${reason}`);
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  const goTypeMeta = `runtime.TypeMeta{APIVersion:${JSON.stringify(apiVersion)}, Kind:${JSON.stringify(kind)}}`;
  if (kind === '') throw errors.badRequest(`Object 'Kind' is missing in '${goTypeMeta}'`);
  if (apiVersion === '') throw errors.badRequest(`Object 'apiVersion' is missing in '${goTypeMeta}'`);

  const schema = objectSchemaFor(apiVersion, kind);
  if (schema === undefined) throw errors.unsupportedMediaType();
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const cannotHandle = (reason: string) => `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${reason}`;
  if (!Object.hasOwn(envelope, 'raw')) throw errors.badRequest(cannotHandle('the body carries no object bytes (runtime.Unknown.raw)'));

  const fields = renderOrFail(schema, envelope.raw as Uint8Array, cannotHandle);
  return { apiVersion, kind, object: { kind, apiVersion, ...fields } };
}

/**
 * Whether a Content-Type names Kubernetes protobuf, with or without parameters.
 *
 * @example
 * isProtobufContentType('application/vnd.kubernetes.protobuf; charset=utf-8'); // true
 * isProtobufContentType('application/json'); // false
 */
export function isProtobufContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

function decode(schema: MessageSchema, bytes: Uint8Array, describe: (reason: string) => string): Record<string, unknown> {
  try {
    // A plain Reader (not protobufjs' BufferReader, which clamps over-long strings) bounds every read.
    return protobufTypeOf(schema).decode(new protobuf.Reader(bytes)) as unknown as Record<string, unknown>;
  } catch (e) {
    throw errors.badRequest(describe(reasonOf(e)));
  }
}

function renderOrFail(schema: MessageSchema, raw: Uint8Array, describe: (reason: string) => string): Record<string, unknown> {
  const message = decode(schema, raw, describe);
  try {
    return renderMessage(schema, message);
  } catch (e) {
    if (isStatusError(e)) throw e;
    throw errors.badRequest(describe(reasonOf(e)));
  }
}

/** protobufjs' reasons in the words of Go's gogo decoder where they mean the same. */
function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/index out of range/.test(message)) return 'unexpected EOF';
  return message;
}
