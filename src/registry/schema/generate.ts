/**
 * Generates generated/kubernetes-1.33.ts, the kinds' schemas, from the model metadata of
 * @kubernetes/client-node 1.3.0 (installed as the devDependency `k8s-client-node-1.33`), which
 * OpenAPI Generator built from Kubernetes v1.33.0's OpenAPI document. Run it after changing the
 * kinds below or upgrading that package:
 *
 *   node --import tsx src/registry/schema/generate.ts
 *
 * test/registry/schema/generated.test.ts checks that the committed file is what this produces.
 * What the models flatten, and this puts back:
 * - `resource.Quantity` fields are plain strings in the models; {@link QUANTITY_FIELDS} names them
 *   (k8s.io/api core/v1 types.go: every ResourceList and the few Quantity fields);
 * - `any` is `runtime.RawExtension` or `metav1.FieldsV1` ({@link RAW_FIELDS});
 * - the Go package of each type (for `v1.PodSpec` in messages and `io.k8s.api.core.v1.PodSpec` in
 *   OpenAPI) follows from the root kind that first reaches it, meta types excepted.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** [group, version, kind, model class, OpenAPI package] of every kind the schemas cover, roots first. */
export const ROOT_KINDS: ReadonlyArray<readonly [string, string, string, string, string]> = [
  ['', 'v1', 'Pod', 'V1Pod', 'core'],
  ['', 'v1', 'PodList', 'V1PodList', 'core'],
  ['', 'v1', 'ServiceAccount', 'V1ServiceAccount', 'core'],
  ['', 'v1', 'ServiceAccountList', 'V1ServiceAccountList', 'core'],
  ['', 'v1', 'Secret', 'V1Secret', 'core'],
  ['', 'v1', 'SecretList', 'V1SecretList', 'core'],
  ['', 'v1', 'ConfigMap', 'V1ConfigMap', 'core'],
  ['', 'v1', 'ConfigMapList', 'V1ConfigMapList', 'core'],
  ['', 'v1', 'Namespace', 'V1Namespace', 'core'],
  ['', 'v1', 'NamespaceList', 'V1NamespaceList', 'core'],
  ['', 'v1', 'Node', 'V1Node', 'core'],
  ['', 'v1', 'NodeList', 'V1NodeList', 'core'],
  ['', 'v1', 'Event', 'CoreV1Event', 'core'],
  ['', 'v1', 'EventList', 'CoreV1EventList', 'core'],
  ['', 'v1', 'Service', 'V1Service', 'core'],
  ['', 'v1', 'ServiceList', 'V1ServiceList', 'core'],
  ['', 'v1', 'Endpoints', 'V1Endpoints', 'core'],
  ['', 'v1', 'EndpointsList', 'V1EndpointsList', 'core'],
  ['', 'v1', 'LimitRange', 'V1LimitRange', 'core'],
  ['', 'v1', 'LimitRangeList', 'V1LimitRangeList', 'core'],
  ['', 'v1', 'ResourceQuota', 'V1ResourceQuota', 'core'],
  ['', 'v1', 'ResourceQuotaList', 'V1ResourceQuotaList', 'core'],
  ['', 'v1', 'PersistentVolumeClaim', 'V1PersistentVolumeClaim', 'core'],
  ['', 'v1', 'PersistentVolumeClaimList', 'V1PersistentVolumeClaimList', 'core'],
  ['', 'v1', 'Binding', 'V1Binding', 'core'],
  ['rbac.authorization.k8s.io', 'v1', 'Role', 'V1Role', 'rbac'],
  ['rbac.authorization.k8s.io', 'v1', 'RoleList', 'V1RoleList', 'rbac'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'V1ClusterRole', 'rbac'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleList', 'V1ClusterRoleList', 'rbac'],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'V1RoleBinding', 'rbac'],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBindingList', 'V1RoleBindingList', 'rbac'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'V1ClusterRoleBinding', 'rbac'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBindingList', 'V1ClusterRoleBindingList', 'rbac'],
  ['authentication.k8s.io', 'v1', 'TokenRequest', 'AuthenticationV1TokenRequest', 'authentication'],
  ['authentication.k8s.io', 'v1', 'TokenReview', 'V1TokenReview', 'authentication'],
  ['authentication.k8s.io', 'v1', 'SelfSubjectReview', 'V1SelfSubjectReview', 'authentication'],
  ['authorization.k8s.io', 'v1', 'SubjectAccessReview', 'V1SubjectAccessReview', 'authorization'],
  ['authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'V1SelfSubjectAccessReview', 'authorization'],
  ['authorization.k8s.io', 'v1', 'LocalSubjectAccessReview', 'V1LocalSubjectAccessReview', 'authorization'],
  ['authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'V1SelfSubjectRulesReview', 'authorization'],
  ['apps', 'v1', 'Deployment', 'V1Deployment', 'apps'],
  ['apps', 'v1', 'DeploymentList', 'V1DeploymentList', 'apps'],
  ['apps', 'v1', 'ReplicaSet', 'V1ReplicaSet', 'apps'],
  ['apps', 'v1', 'ReplicaSetList', 'V1ReplicaSetList', 'apps'],
  ['apps', 'v1', 'StatefulSet', 'V1StatefulSet', 'apps'],
  ['apps', 'v1', 'StatefulSetList', 'V1StatefulSetList', 'apps'],
  ['apps', 'v1', 'DaemonSet', 'V1DaemonSet', 'apps'],
  ['apps', 'v1', 'DaemonSetList', 'V1DaemonSetList', 'apps'],
  ['apps', 'v1', 'ControllerRevision', 'V1ControllerRevision', 'apps'],
  ['apps', 'v1', 'ControllerRevisionList', 'V1ControllerRevisionList', 'apps'],
  ['batch', 'v1', 'Job', 'V1Job', 'batch'],
  ['batch', 'v1', 'JobList', 'V1JobList', 'batch'],
  ['batch', 'v1', 'CronJob', 'V1CronJob', 'batch'],
  ['batch', 'v1', 'CronJobList', 'V1CronJobList', 'batch'],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'V1NetworkPolicy', 'networking'],
  ['networking.k8s.io', 'v1', 'NetworkPolicyList', 'V1NetworkPolicyList', 'networking'],
  ['networking.k8s.io', 'v1', 'Ingress', 'V1Ingress', 'networking'],
  ['networking.k8s.io', 'v1', 'IngressList', 'V1IngressList', 'networking'],
  ['networking.k8s.io', 'v1', 'IngressClass', 'V1IngressClass', 'networking'],
  ['networking.k8s.io', 'v1', 'IngressClassList', 'V1IngressClassList', 'networking'],
  ['policy', 'v1', 'PodDisruptionBudget', 'V1PodDisruptionBudget', 'policy'],
  ['policy', 'v1', 'PodDisruptionBudgetList', 'V1PodDisruptionBudgetList', 'policy'],
  ['policy', 'v1', 'Eviction', 'V1Eviction', 'policy'],
  ['coordination.k8s.io', 'v1', 'Lease', 'V1Lease', 'coordination'],
  ['coordination.k8s.io', 'v1', 'LeaseList', 'V1LeaseList', 'coordination'],
  ['autoscaling', 'v1', 'Scale', 'V1Scale', 'autoscaling'],
  ['meta.k8s.io', 'v1', 'DeleteOptions', 'V1DeleteOptions', 'meta'],
  ['meta.k8s.io', 'v1', 'Status', 'V1Status', 'meta'],
];

/** Types of k8s.io/apimachinery/pkg/apis/meta/v1, wherever they are reached from. */
const META_TYPES = new Set(['V1ObjectMeta', 'V1ListMeta', 'V1LabelSelector', 'V1LabelSelectorRequirement', 'V1OwnerReference', 'V1ManagedFieldsEntry', 'V1Condition', 'V1DeleteOptions', 'V1Preconditions', 'V1Status', 'V1StatusDetails', 'V1StatusCause']);

/** Core types that no core root reaches before another group's root does. */
const CORE_TYPES = new Set(['V1PodTemplateSpec']);

/** Fields of type resource.Quantity (alone, or as the values of a ResourceList). */
const QUANTITY_FIELDS = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1ResourceFieldSelector.divisor',
  'V1PodSpec.overhead',
  'V1ResourceQuotaSpec.hard',
  'V1ResourceQuotaStatus.hard',
  'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.max',
  'V1LimitRangeItem.min',
  'V1LimitRangeItem._default',
  'V1LimitRangeItem.defaultRequest',
  'V1LimitRangeItem.maxLimitRequestRatio',
  'V1NodeStatus.capacity',
  'V1NodeStatus.allocatable',
  'V1PersistentVolumeClaimStatus.capacity',
  'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1ContainerStatus.allocatedResources',
]);

/** `any` fields: which apimachinery type they are. */
const RAW_FIELDS: Record<string, string> = {
  'V1ManagedFieldsEntry.fieldsV1': 'fieldsv1',
  'V1ControllerRevision.data': 'raw',
};

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

/** [Go type for messages, OpenAPI component name, { json field: type code }] */
type TypeEntry = [string, string, Record<string, string>];

function goName(cls: string): string {
  return `v1.${cls.replace(/^(?:[A-Z][a-z]+)*?V1(?=[A-Z])/, '')}`;
}

function code(cls: string, a: Attribute, want: (cls: string) => void): string {
  const key = `${cls}.${a.name}`;
  if (RAW_FIELDS[key]) return RAW_FIELDS[key]!;
  const elem = (t: string, format: string): string => {
    if (QUANTITY_FIELDS.has(key) && (t === 'string' || t === 'number')) return 'q';
    switch (t) {
      case 'string':
        return format === 'byte' ? 'bytes' : 's';
      case 'boolean':
        return 'b';
      case 'number':
        return format === 'int32' ? 'i32' : format === 'int64' ? 'i64' : 'f64';
      case 'Date':
        return 'time';
      case 'V1MicroTime':
        return 'mtime';
      case 'IntOrString':
        return 'ios';
      case 'any':
      case 'object':
        return 'raw';
      default:
        if (!/^[A-Z][A-Za-z0-9]+$/.test(t)) throw new Error(`${key}: type ${t} is not understood`);
        want(t);
        return `@${t}`;
    }
  };
  const parse = (t: string): string => {
    const arr = /^Array<(.+)>$/.exec(t);
    if (arr) return `[]${parse(arr[1]!)}`;
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
    if (map) return `{}${parse(map[1]!)}`;
    return elem(t, a.format);
  };
  return parse(a.type);
}

/**
 * Reads the models reachable from {@link ROOT_KINDS} and renders the generated module's text.
 * @example
 * const text = await generateSchemaModule(); // the contents of generated/kubernetes-1.33.ts
 */
export async function generateSchemaModule(): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('k8s-client-node-1.33/package.json');
  const pkg = require(pkgJson) as { version: string };
  const models = join(dirname(pkgJson), 'dist', 'gen', 'models');
  const types: Record<string, TypeEntry> = {};
  const packageOf = new Map<string, string>();
  const queue: Array<[string, string]> = [];
  for (const [, , , cls, p] of ROOT_KINDS) queue.push([cls, p]);
  let specVersion = '';
  while (queue.length) {
    const [cls, pkgName] = queue.shift()!;
    if (types[cls]) continue;
    const file = join(models, `${cls}.js`);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, { attributeTypeMap?: Attribute[] }>;
    const klass = mod[cls];
    if (!klass?.attributeTypeMap) throw new Error(`${cls}: no attributeTypeMap`);
    if (!specVersion) specVersion = /OpenAPI spec version: (\S+)/.exec(await import('node:fs').then((fs) => fs.readFileSync(file, 'utf8')))?.[1] ?? '';
    const p = META_TYPES.has(cls) ? 'meta' : CORE_TYPES.has(cls) ? 'core' : (packageOf.get(cls) ?? pkgName);
    const fields: Record<string, string> = {};
    for (const a of klass.attributeTypeMap) {
      fields[a.baseName] = code(cls, a, (t) => {
        if (!packageOf.has(t)) packageOf.set(t, p === 'meta' ? pkgName : p);
        queue.push([t, p === 'meta' ? pkgName : p]);
      });
    }
    const openapi = p === 'meta' ? `io.k8s.apimachinery.pkg.apis.meta.v1.${goName(cls).slice(3)}` : `io.k8s.api.${p}.v1.${goName(cls).slice(3)}`;
    types[cls] = [goName(cls), openapi, fields];
  }
  const sorted = Object.fromEntries(Object.keys(types).sort().map((k) => [k, types[k]]));
  const kinds = ROOT_KINDS.map(([g, v, k, cls]) => [g, v, k, cls]);
  return [
    `// Generated by src/registry/schema/generate.ts from @kubernetes/client-node ${pkg.version}`,
    `// (OpenAPI spec version ${specVersion}). Do not edit: run the generator.`,
    '',
    `/** The Kubernetes OpenAPI version the schemas come from. */`,
    `export const SCHEMA_SOURCE = ${JSON.stringify({ package: '@kubernetes/client-node', version: pkg.version, openapi: specVersion })} as const;`,
    '',
    `/** [group, version, kind, type] of every kind covered. */`,
    `export const KIND_TYPES: ReadonlyArray<readonly [string, string, string, string]> = ${JSON.stringify(kinds)};`,
    '',
    `/** JSON: { type: [Go type, OpenAPI component, { field: code }] }; parsed on first use. */`,
    `export const TYPES_JSON = ${JSON.stringify(JSON.stringify(sorted))};`,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'generated', 'kubernetes-1.33.ts');
  writeFileSync(out, await generateSchemaModule());
  console.log(`wrote ${out}`);
}
