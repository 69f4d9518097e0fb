/**
 * A small schema language for the Kubernetes protobuf messages satoken decodes. One table per
 * message drives both the protobufjs types (field numbers, wire types) and the JSON rendering
 * (member names in Go struct order, and when a member is left out).
 *
 * Presence, as Kubernetes' gogo-generated proto2 code writes it and its JSON codec reads it:
 * - `omitempty`: a non-pointer Go field. gogo always writes it, so `""`, `false`, `0` mean
 *   "not set" and are left out of the JSON; so is a struct that renders as `{}` (kubectl's JSON
 *   meaning drops an empty `status`, though Go's encoding/json would keep it).
 * - `pointer`: a Go pointer (`*bool`, `*int64`, `*BoundObjectReference`): written only when set,
 *   so a present value is kept even when it is zero (`automountServiceAccountToken: false`).
 * - `always`: a Go field without `omitempty` (`roleRef`, `Subject.kind`, `spec`): always in the
 *   JSON, with its Go zero value when absent. A non-pointer `metav1.Time` is always `null` or a
 *   timestamp (Go's encoding/json never omits a struct).
 * Repeated fields and maps are left out when empty.
 */

/**
 * The protobuf scalars the Kubernetes messages here use.
 *
 * @example
 * const type: ScalarType = 'int64'; // ObjectMeta.generation, TokenRequestSpec.expirationSeconds
 */
export type ScalarType = 'string' | 'bool' | 'int64' | 'int32' | 'bytes';

/**
 * A field's value: a scalar, a `metav1.Time`, or another message.
 *
 * @example
 * const type: ValueType = 'time'; // rendered as `null` or `2024-06-06T10:15:42Z`
 */
export type ValueType = ScalarType | 'time' | MessageSchema;

/**
 * When a member appears in the JSON (see the file comment).
 *
 * @example
 * const presence: Presence = 'pointer'; // *bool automountServiceAccountToken
 */
export type Presence = 'omitempty' | 'pointer' | 'always';

/**
 * One field of a message.
 *
 * @example
 * const uid: FieldSchema = { json: 'uid', id: 4, type: 'string', presence: 'omitempty' };
 */
export interface FieldSchema {
  /** JSON member name; also the protobufjs field name. */
  readonly json: string;
  /** Protobuf field number. */
  readonly id: number;
  readonly type: ValueType;
  readonly presence: Presence;
  /**
   * `repeated` (a Go slice) or `map` (a Go `map[string]T`, on the wire repeated {1 key, 2 value}).
   * IMPORTANT: proto-root.ts declares a map as repeated entries and proto-json.ts reads them so.
   */
  readonly rule?: 'repeated' | 'map';
}

/**
 * A message: its protobufjs name and its fields in Go struct order.
 *
 * @example
 * const ref: MessageSchema = { name: 'LocalObjectReference', fields: [f.str('name', 1)] };
 */
export interface MessageSchema {
  /** Unique protobufjs type name. */
  readonly name: string;
  /** Fields in Go struct order (the JSON member order). */
  readonly fields: readonly FieldSchema[];
  /** Renders the message as this one field's value (`ExtraValue` is a `[]string` in JSON). */
  readonly unwrap?: string;
  /**
   * Renders the message from its rendered fields, for the types whose JSON is not their proto
   * shape: IntOrString (a number or a string), Quantity (a string), and structs with an embedded
   * (inlined) member such as IngressRule's IngressRuleValue.
   */
  readonly convert?: (rendered: Record<string, unknown>) => unknown;
}

/**
 * Declares a message.
 *
 * @example
 * const roleRef = message('RoleRef', [f.always('apiGroup', 1), f.always('kind', 2), f.always('name', 3)]);
 */
export function message(name: string, fields: readonly FieldSchema[], unwrap?: string): MessageSchema {
  return unwrap === undefined ? { name, fields } : { name, fields, unwrap };
}

/**
 * Declares a message whose JSON is computed from its rendered fields (see {@link MessageSchema.convert}).
 *
 * @example
 * const quantity = converted('Quantity', [f.str('string', 1)], (r) => r.string ?? '');
 */
export function converted(name: string, fields: readonly FieldSchema[], convert: (rendered: Record<string, unknown>) => unknown): MessageSchema {
  return { name, fields, convert };
}

/**
 * Field constructors, named for the Go field they describe.
 *
 * @example
 * f.str('name', 1);              // name string `json:"name,omitempty"`
 * f.ptr('expirationSeconds', 4, 'int64'); // *int64
 * f.list('audiences', 1);        // []string
 */
export const f = {
  /** A non-pointer field with `omitempty` (string by default). */
  str: (json: string, id: number, type: ValueType = 'string'): FieldSchema => ({ json, id, type, presence: 'omitempty' }),
  /** A non-pointer field without `omitempty`: always rendered. */
  always: (json: string, id: number, type: ValueType = 'string'): FieldSchema => ({ json, id, type, presence: 'always' }),
  /** A pointer field: rendered exactly when present on the wire. */
  ptr: (json: string, id: number, type: ValueType): FieldSchema => ({ json, id, type, presence: 'pointer' }),
  /** A non-pointer `metav1.Time`: `null` when zero. */
  time: (json: string, id: number): FieldSchema => ({ json, id, type: 'time', presence: 'always' }),
  /** A slice (strings by default). */
  list: (json: string, id: number, type: ValueType = 'string'): FieldSchema => ({ json, id, type, presence: 'omitempty', rule: 'repeated' }),
  /** A `map[string]T` (strings by default). */
  map: (json: string, id: number, type: ValueType = 'string'): FieldSchema => ({ json, id, type, presence: 'omitempty', rule: 'map' }),
};

/**
 * apimachinery `metav1.Time` on the wire (`Timestamp`): 1 seconds, 2 nanos.
 *
 * @example
 * TIME.fields.map((x) => x.id); // [1, 2]
 */
export const TIME = message('Time', [f.str('seconds', 1, 'int64'), f.str('nanos', 2, 'int32')]);
