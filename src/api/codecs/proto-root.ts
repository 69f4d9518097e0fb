import protobuf from 'protobufjs';
import { TIME, type MessageSchema, type ValueType } from './proto-schema.js';

/**
 * Builds the protobufjs types for a set of message schemas (and every message they reach).
 * - Field names are the JSON member names; numbers and wire types are the schema's.
 * - All fields are proto2 `optional`/`repeated`, so a decoded message owns exactly the fields
 *   that were on the wire (what the `pointer` presence rule needs).
 * - A map is declared as what it is on the wire, a repeated `{1 key, 2 value}` entry, so the JSON
 *   renderer sees every key in wire order (`__proto__` included) and applies Go's last-wins rule.
 *
 * @example
 * const root = buildProtobufRoot([TOKEN_REQUEST]);
 * const message = root.lookupType('TokenRequest').decode(new protobuf.Reader(raw));
 */
export function buildProtobufRoot(schemas: readonly MessageSchema[]): protobuf.Root {
  const root = new protobuf.Root();
  const added = new Map<string, MessageSchema>();

  const typeName = (type: ValueType): string => {
    if (type === 'time') return visit(TIME);
    return typeof type === 'string' ? type : visit(type);
  };

  // IMPORTANT: proto-json.ts renderMap reads these entries ({key, value}, in wire order).
  const entryName = (type: ValueType): string => {
    const value = typeName(type);
    const name = `${value.charAt(0).toUpperCase()}${value.slice(1)}MapEntry`;
    if (!added.has(name)) {
      added.set(name, { name, fields: [] });
      root.add(new protobuf.Type(name).add(new protobuf.Field('key', 1, 'string')).add(new protobuf.Field('value', 2, value)));
    }
    return name;
  };

  function visit(schema: MessageSchema): string {
    const known = added.get(schema.name);
    if (known) {
      if (known.fields !== schema.fields) throw new Error(`two different protobuf schemas are named ${schema.name}`);
      return schema.name;
    }
    added.set(schema.name, schema);
    const type = new protobuf.Type(schema.name);
    root.add(type);
    for (const field of schema.fields) {
      if (field.rule === 'map') type.add(new protobuf.Field(field.json, field.id, entryName(field.type), 'repeated'));
      else type.add(new protobuf.Field(field.json, field.id, typeName(field.type), field.rule === 'repeated' ? 'repeated' : 'optional'));
    }
    return schema.name;
  }

  for (const schema of schemas) visit(schema);
  root.resolveAll();
  return root;
}
