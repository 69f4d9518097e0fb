import { apiVersionOf, type ResourceInfo } from '../../registry/kinds.js';
import { KindSchemas } from '../../registry/schema/index.js';
import { isPrimitiveMergeList, mergeKeyOf } from '../patch-merge-keys.js';

/**
 * Component schemas of the OpenAPI v3 documents, from the same schemas the server decodes with
 * (registry/schema: Kubernetes 1.33's OpenAPI through @kubernetes/client-node 1.3.0): every kind
 * of the group-version, its list, the kinds its subresources answer, and every struct they reach,
 * under upstream's component names (`io.k8s.api.core.v1.PodSpec`), with
 * `x-kubernetes-group-version-kind` on the kinds and the strategic-merge extensions
 * (`x-kubernetes-patch-merge-key`, `x-kubernetes-patch-strategy`) on the lists that merge. Struct
 * references are written as upstream writes them (`allOf: [{$ref}]`, `default: {}`). A kind without
 * a schema (a custom kind nobody registered) gets the loose schema: typed apiVersion, kind and
 * metadata, everything else kept.
 */

export type Schema = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const open: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const openList: Schema = { type: 'array', items: open };
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const byteMap: Schema = { type: 'object', additionalProperties: { type: 'string', format: 'byte' } };

/** Top-level fields per kind beyond apiVersion, kind and metadata. */
const FIELDS: Record<string, Record<string, Schema>> = {
  Namespace: { spec: open, status: open },
  Node: { spec: open, status: open },
  Pod: { spec: open, status: open },
  ServiceAccount: { automountServiceAccountToken: { type: 'boolean' }, imagePullSecrets: openList, secrets: openList },
  Secret: { data: byteMap, immutable: { type: 'boolean' }, stringData: stringMap, type: { type: 'string' } },
  ConfigMap: { binaryData: byteMap, data: stringMap, immutable: { type: 'boolean' } },
  Event: { involvedObject: open, message: { type: 'string' }, reason: { type: 'string' }, type: { type: 'string' } },
  Role: { rules: openList },
  ClusterRole: { aggregationRule: open, rules: openList },
  RoleBinding: { roleRef: open, subjects: openList },
  ClusterRoleBinding: { roleRef: open, subjects: openList },
};

/**
 * The component name upstream gives a kind: `io.k8s.api.<package>.<version>.<Kind>`, the package
 * being the group's first label (`core` for the core group).
 * @example
 * schemaName('rbac.authorization.k8s.io', 'v1', 'Role'); // 'io.k8s.api.rbac.v1.Role'
 */
export function schemaName(group: string, version: string, kind: string): string {
  return `io.k8s.api.${group ? group.split('.')[0] : 'core'}.${version}.${kind}`;
}

/**
 * The schemas a group-version document needs: each kind (and its list, when it has one), the
 * kinds its subresources answer, the structs they reach, and the meta types the paths refer to.
 * @example
 * Object.keys(componentSchemas([kindInfo('Role')!]));
 * // ['io.k8s.api.rbac.v1.PolicyRule', 'io.k8s.api.rbac.v1.Role', …, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', …]
 */
export function componentSchemas(resources: readonly ResourceInfo[], schemas: KindSchemas = new KindSchemas()): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const gvks = new Map<string, Array<{ group: string; kind: string; version: string }>>();
  const roots: string[] = [];
  const want = (group: string, version: string, kind: string): boolean => {
    const root = schemas.rootOf(group, version, kind);
    if (!root) return false;
    roots.push(root);
    const list = gvks.get(root) ?? [];
    if (!list.some((g) => g.group === group && g.kind === kind && g.version === version)) list.push({ group, kind, version });
    gvks.set(root, list);
    return true;
  };
  for (const r of resources) {
    if (!want(r.group, r.version, r.kind)) out[schemaName(r.group, r.version, r.kind)] = kindSchema(r.group, r.version, r.kind, FIELDS[r.kind] ?? { spec: open, status: open });
    if (r.listKind && !want(r.group, r.version, r.listKind)) out[schemaName(r.group, r.version, r.listKind)] = listSchema(r);
    for (const sub of r.subresources) if (!want(sub.group, sub.version, sub.kind)) out[schemaName(sub.group, sub.version, sub.kind)] = kindSchema(sub.group, sub.version, sub.kind, { spec: open, status: open });
  }
  want('meta.k8s.io', 'v1', 'DeleteOptions');
  want('meta.k8s.io', 'v1', 'Status');
  const seen = new Set<string>();
  const queue = [...roots, 'V1ObjectMeta', 'V1ListMeta'];
  const extra = new Set<string>();
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const s = schemas.struct(name);
    if (!s) continue;
    const properties: Record<string, Schema> = {};
    for (const field of Object.keys(s.fields).sort()) {
      properties[field] = propertySchema(schemas, name, field, s.fields[field]!, queue, extra);
    }
    const schema: Schema = { type: 'object', properties };
    if (s.preserveUnknownFields) schema['x-kubernetes-preserve-unknown-fields'] = true;
    const g = gvks.get(name);
    if (g) schema['x-kubernetes-group-version-kind'] = g.map((x) => ({ group: x.group === 'meta.k8s.io' ? '' : x.group, kind: x.kind, version: x.version }));
    out[s.openapi] = schema;
  }
  for (const e of extra) out[e] = APIMACHINERY[e]!;
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]!]));
}

const APIMACHINERY: Record<string, Schema> = {
  [`${META}.Time`]: { description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.', type: 'string', format: 'date-time' },
  [`${META}.MicroTime`]: { description: 'MicroTime is version of Time with microsecond level precision.', type: 'string', format: 'date-time' },
  [`${META}.FieldsV1`]: { description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.', type: 'object' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { description: 'Quantity is a fixed-point representation of a number.', oneOf: [{ type: 'string' }, { type: 'number' }] },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { description: 'IntOrString is a type that can hold an int32 or a string.', format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { description: 'RawExtension is used to hold extensions in external versions.', type: 'object' },
};

const EXTERNAL: Record<string, string> = {
  time: `${META}.Time`,
  mtime: `${META}.MicroTime`,
  fieldsv1: `${META}.FieldsV1`,
  q: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  ios: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  raw: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
};

function propertySchema(schemas: KindSchemas, struct: string, field: string, code: string, queue: string[], extra: Set<string>): Schema {
  const of = (c: string, asItem: boolean): Schema => {
    if (c.startsWith('[]')) return { type: 'array', items: of(c.slice(2), true) };
    if (c.startsWith('{}')) return { type: 'object', additionalProperties: of(c.slice(2), true) };
    if (c.startsWith('@')) {
      const name = c.slice(1);
      queue.push(name);
      const target = schemas.struct(name)?.openapi ?? name;
      return { allOf: [ref(target)], default: {} };
    }
    if (EXTERNAL[c]) {
      extra.add(EXTERNAL[c]!);
      return asItem || c === 'time' || c === 'mtime' ? { allOf: [ref(EXTERNAL[c]!)] } : ref(EXTERNAL[c]!);
    }
    switch (c) {
      case 's':
        return { type: 'string' };
      case 'b':
        return { type: 'boolean' };
      case 'i32':
        return { type: 'integer', format: 'int32' };
      case 'i64':
        return { type: 'integer', format: 'int64' };
      case 'f64':
        return { type: 'number', format: 'double' };
      case 'bytes':
        return { type: 'string', format: 'byte' };
      default:
        return {};
    }
  };
  const schema = of(code, false);
  if (code.startsWith('[]')) {
    const key = mergeKeyOf(struct, field);
    if (key) Object.assign(schema, { 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': 'merge' });
    else if (isPrimitiveMergeList(struct, field)) Object.assign(schema, { 'x-kubernetes-patch-strategy': 'merge' });
  }
  return schema;
}

function typeMeta(): Record<string, Schema> {
  return {
    apiVersion: {
      description:
        'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
      type: 'string',
    },
    kind: {
      description:
        'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      type: 'string',
    },
  };
}

function kindSchema(group: string, version: string, kind: string, fields: Record<string, Schema>): Schema {
  const metadata = { allOf: [ref(`${META}.ObjectMeta`)], default: {}, description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" };
  return {
    description: `${kind} (${group ? `${group}/${version}` : version}).`,
    type: 'object',
    properties: { ...typeMeta(), metadata, ...fields },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [{ group, kind, version }],
  };
}

function listSchema(r: ResourceInfo): Schema {
  return {
    description: `${r.listKind} is a list of ${r.kind} objects (${apiVersionOf(r)}).`,
    type: 'object',
    required: ['items'],
    properties: { ...typeMeta(), items: { type: 'array', items: { allOf: [ref(schemaName(r.group, r.version, r.kind))], default: {} } }, metadata: { allOf: [ref(`${META}.ListMeta`)], default: {} } },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.listKind, version: r.version }],
  };
}
