import protobuf from 'protobufjs';
import type { FieldSchema, MessageSchema, ValueType } from './proto-schema.js';

/** A message as protobufjs decodes it: fields present on the wire are own properties. */
type Decoded = Record<string, unknown>;

const OMIT = Symbol('omit');

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), which metav1.Time renders as `null`. */
const GO_ZERO_TIME = -62135596800;
const FIRST_SECOND_OF_YEAR_0 = -62167219200;
const LAST_SECOND_OF_YEAR_9999 = 253402300799;

/**
 * A value the wire allows but the JSON form cannot carry (a time outside years 0000–9999).
 *
 * @example
 * throw new ProtoValueError('time 253402300800s since the epoch is outside the years 0000-9999');
 */
export class ProtoValueError extends Error {
  override readonly name = 'ProtoValueError';
}

/**
 * Renders a decoded message as Kubernetes' JSON codec would: members in Go struct order, then
 * - `omitempty` members left out when `""`, `false`, `0`, empty bytes or an empty object;
 * - `pointer` members kept exactly when they were on the wire, zero or not;
 * - `always` members always kept, with the Go zero value when absent;
 * - lists and maps left out when empty; int64 as numbers; bytes as base64; metav1.Time as an
 *   RFC 3339 string in UTC at second precision, or `null` when zero (k8s.io/apimachinery
 *   pkg/apis/meta/v1/time.go and time_proto.go: an empty Time message is the zero time, and
 *   nanos are dropped).
 *
 * @example
 * renderMessage(TOKEN_REQUEST, root.lookupType('TokenRequest').decode(reader));
 * // { metadata: { creationTimestamp: null }, spec: {}, status: { expirationTimestamp: null } }
 */
export function renderMessage(schema: MessageSchema, message: Decoded | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of schema.fields) {
    const value = renderField(field, message);
    if (value !== OMIT) out[field.json] = value;
  }
  return out;
}

function renderField(field: FieldSchema, message: Decoded | undefined): unknown {
  const present = message !== undefined && Object.hasOwn(message, field.json);
  const raw = present ? message[field.json] : undefined;
  if (field.rule === 'repeated') {
    const items = raw as unknown[] | undefined;
    return items !== undefined && items.length > 0 ? items.map((item) => renderValue(field.type, item)) : OMIT;
  }
  if (field.rule === 'map') return renderMap(field.type, raw as Decoded[] | undefined);
  if (field.presence === 'pointer') return present ? renderValue(field.type, raw) : OMIT;
  const value = renderValue(field.type, raw);
  return field.presence === 'always' || field.type === 'time' || !isEmpty(value) ? value : OMIT;
}

// IMPORTANT: proto-root.ts declares maps as repeated {key, value} entries; later keys win, as in Go.
function renderMap(type: ValueType, entries: Decoded[] | undefined): unknown {
  if (entries === undefined || entries.length === 0) return OMIT;
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    const key = Object.hasOwn(entry, 'key') ? (entry.key as string) : '';
    const value = renderValue(type, Object.hasOwn(entry, 'value') ? entry.value : undefined);
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function renderValue(type: ValueType, raw: unknown): unknown {
  switch (type) {
    case 'string':
      return raw ?? '';
    case 'bool':
      return raw ?? false;
    case 'int32':
    case 'int64':
      return raw === undefined ? 0 : toNumber(raw);
    case 'bytes': {
      if (raw === undefined) return '';
      const bytes = raw as Uint8Array;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    }
    case 'time':
      return renderTime(raw as Decoded | undefined);
    default: {
      const rendered = renderMessage(type, raw as Decoded | undefined);
      if (type.convert) return type.convert(rendered);
      return type.unwrap === undefined ? rendered : (rendered[type.unwrap] ?? []);
    }
  }
}

function renderTime(time: Decoded | undefined): string | null {
  if (time === undefined || (!Object.hasOwn(time, 'seconds') && !Object.hasOwn(time, 'nanos'))) return null;
  const seconds = Object.hasOwn(time, 'seconds') ? toNumber(time.seconds) : 0;
  if (seconds === GO_ZERO_TIME) return null;
  if (seconds < FIRST_SECOND_OF_YEAR_0 || seconds > LAST_SECOND_OF_YEAR_9999) {
    throw new ProtoValueError(`time ${seconds}s since the epoch is outside the years 0000-9999`);
  }
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** int64 arrives as a Long when the `long` package is installed, else as a number; beyond 2^53 it rounds. */
function toNumber(raw: unknown): number {
  return typeof raw === 'number' ? raw : protobuf.util.LongBits.from(raw as protobuf.Long).toNumber();
}

function isEmpty(value: unknown): boolean {
  if (value === '' || value === false || value === 0) return true;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
