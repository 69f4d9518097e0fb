import { apiVersionOf, type ResourceInfo } from '../../registry/kinds.js';

/**
 * Component schemas of the OpenAPI v3 documents. Each kind's schema types `apiVersion`, `kind` and
 * `metadata` (ObjectMeta), names its well-known top-level fields loosely, and keeps everything else
 * (`x-kubernetes-preserve-unknown-fields`): enough for `kubectl explain`, and never in the way of a
 * valid manifest, since kubectl ≥ 1.27 leaves validation to the server (`fieldValidation=Strict`)
 * once the PATCH operations say the server supports it (openapi-paths.ts).
 */

export type Schema = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const open: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const openList: Schema = { type: 'array', items: open };
const strings: Schema = { type: 'array', items: { type: 'string' } };
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
 * kinds its subresources answer, and the meta.k8s.io/v1 types they refer to.
 * @example
 * Object.keys(componentSchemas([kindInfo('Role')!]));
 * // ['io.k8s.api.rbac.v1.Role', 'io.k8s.api.rbac.v1.RoleList', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', …]
 */
export function componentSchemas(resources: readonly ResourceInfo[]): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  for (const r of resources) {
    schemas[schemaName(r.group, r.version, r.kind)] = kindSchema(r.group, r.version, r.kind, FIELDS[r.kind] ?? { spec: open, status: open });
    if (r.listKind) schemas[schemaName(r.group, r.version, r.listKind)] = listSchema(r);
    for (const s of r.subresources) schemas[schemaName(s.group, s.version, s.kind)] = kindSchema(s.group, s.version, s.kind, { spec: open, status: open });
  }
  return { ...schemas, ...metaSchemas() };
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

function metaSchemas(): Record<string, Schema> {
  const time: Schema = { type: 'string', format: 'date-time' };
  return {
    [`${META}.DeleteOptions`]: { description: 'DeleteOptions may be provided when deleting an API object.', type: 'object', properties: typeMeta(), 'x-kubernetes-preserve-unknown-fields': true },
    [`${META}.ListMeta`]: {
      description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
      type: 'object',
      properties: { continue: { type: 'string' }, remainingItemCount: { type: 'integer', format: 'int64' }, resourceVersion: { type: 'string' }, selfLink: { type: 'string' } },
    },
    [`${META}.ObjectMeta`]: {
      description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
      type: 'object',
      properties: {
        annotations: stringMap,
        creationTimestamp: time,
        deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
        deletionTimestamp: time,
        finalizers: strings,
        generateName: { type: 'string' },
        generation: { type: 'integer', format: 'int64' },
        labels: stringMap,
        managedFields: openList,
        name: { type: 'string' },
        namespace: { type: 'string' },
        ownerReferences: openList,
        resourceVersion: { type: 'string' },
        selfLink: { type: 'string' },
        uid: { type: 'string' },
      },
    },
    [`${META}.Status`]: { description: 'Status is a return value for calls that don\'t return other objects.', type: 'object', properties: typeMeta(), 'x-kubernetes-preserve-unknown-fields': true },
  };
}
