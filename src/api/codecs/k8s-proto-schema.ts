import type protobuf from 'protobufjs';
import { SELF_SUBJECT_REVIEW, TOKEN_REQUEST, TOKEN_REVIEW } from './k8s-authentication-schema.js';
import { LOCAL_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_RULES_REVIEW, SUBJECT_ACCESS_REVIEW } from './k8s-authorization-schema.js';
import { CONFIG_MAP, NAMESPACE, SECRET, SERVICE_ACCOUNT } from './k8s-core-schema.js';
import { DELETE_OPTIONS } from './k8s-meta-schema.js';
import { CLUSTER_ROLE, CLUSTER_ROLE_BINDING, ROLE, ROLE_BINDING } from './k8s-rbac-schema.js';
import { INGRESS, POD_DISRUPTION_BUDGET, RESOURCE_QUOTA, SERVICE } from './k8s-service-schema.js';
import { CRON_JOB, DEPLOYMENT, JOB } from './k8s-workload-schema.js';
import { buildProtobufRoot } from './proto-root.js';
import { f, message, type MessageSchema } from './proto-schema.js';

/**
 * The envelope of every Kubernetes protobuf body after the `k8s\0` magic
 * (k8s.io/apimachinery/pkg/runtime/generated.proto): runtime.Unknown.
 *
 * @example
 * RUNTIME_UNKNOWN.fields.map((x) => x.json); // ['typeMeta', 'raw', 'contentEncoding', 'contentType']
 */
export const RUNTIME_UNKNOWN = message('Unknown', [
  f.str('typeMeta', 1, message('TypeMeta', [f.str('apiVersion', 1), f.str('kind', 2)])),
  f.ptr('raw', 2, 'bytes'),
  f.str('contentEncoding', 3),
  f.str('contentType', 4),
]);

/** The kinds satoken decodes, by group version. The message name is the kind. */
const KINDS_BY_GROUP_VERSION: ReadonlyArray<readonly [string, readonly MessageSchema[]]> = [
  ['v1', [SERVICE_ACCOUNT, SECRET, CONFIG_MAP, NAMESPACE, SERVICE, RESOURCE_QUOTA]],
  ['apps/v1', [DEPLOYMENT]],
  ['batch/v1', [JOB, CRON_JOB]],
  ['networking.k8s.io/v1', [INGRESS]],
  ['policy/v1', [POD_DISRUPTION_BUDGET]],
  ['authentication.k8s.io/v1', [TOKEN_REQUEST, TOKEN_REVIEW, SELF_SUBJECT_REVIEW]],
  ['authorization.k8s.io/v1', [SUBJECT_ACCESS_REVIEW, LOCAL_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_RULES_REVIEW]],
  ['rbac.authorization.k8s.io/v1', [ROLE, CLUSTER_ROLE, ROLE_BINDING, CLUSTER_ROLE_BINDING]],
  ['meta.k8s.io/v1', []],
];

// DeleteOptions is registered in every group version (metav1.AddToGroupVersion) and in meta.k8s.io/v1.
const SCHEMAS = new Map<string, MessageSchema>(
  KINDS_BY_GROUP_VERSION.flatMap(([apiVersion, kinds]) => [...kinds, DELETE_OPTIONS].map((schema) => [`${apiVersion}/${schema.name}`, schema] as const)),
);

let root: protobuf.Root | undefined;

/**
 * The schema of the object named by a body's TypeMeta, or `undefined` for a kind satoken has no
 * protobuf schema for (the caller answers 415, as a JSON-only server would).
 *
 * @example
 * objectSchemaFor('authentication.k8s.io/v1', 'TokenRequest')?.name; // 'TokenRequest'
 * objectSchemaFor('v1', 'Pod'); // undefined
 */
export function objectSchemaFor(apiVersion: string, kind: string): MessageSchema | undefined {
  return SCHEMAS.get(`${apiVersion}/${kind}`);
}

/**
 * Every `apiVersion/kind` that {@link objectSchemaFor} knows.
 *
 * @example
 * supportedKinds().includes('rbac.authorization.k8s.io/v1/RoleBinding'); // true
 */
export function supportedKinds(): string[] {
  return [...SCHEMAS.keys()];
}

/**
 * The protobufjs type for a schema; the types are built once, on first use.
 *
 * @example
 * protobufTypeOf(RUNTIME_UNKNOWN).decode(new protobuf.Reader(bytes));
 */
export function protobufTypeOf(schema: MessageSchema): protobuf.Type {
  root ??= buildProtobufRoot([RUNTIME_UNKNOWN, ...new Set(SCHEMAS.values())]);
  return root.lookupType(schema.name);
}
