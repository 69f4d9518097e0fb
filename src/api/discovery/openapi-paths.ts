import type { ResourceInfo } from '../../registry/kinds.js';
import { schemaName, type Schema } from './openapi-schemas.js';

/**
 * The paths of an OpenAPI v3 group-version document, the operations upstream publishes for each
 * served resource, each carrying `x-kubernetes-action` and `x-kubernetes-group-version-kind`.
 * What kubectl reads (cli-runtime `resource/query_param_verifier_v3.go`): `apply -f` and
 * `create -f` with `--validate=strict` look for a PATCH operation whose GVK is the object's and
 * whose own (inline) parameters include the `fieldValidation` query parameter. Then validation is
 * left to the server; without one kubectl falls back to OpenAPI v2 protobuf, and a 404 there is
 * fatal. Hence:
 * - every kind's item path has a PATCH with `fieldValidation` (and dryRun, fieldManager, force);
 * - create-only kinds (TokenReview, the access reviews) also list a PATCH on their collection path,
 *   which the server does not serve: the trick of real-clients.md §2.5 so `create -f` validates.
 * Subresources as upstream lists them: `status` and `scale` with GET, PUT and PATCH (Scale as
 * io.k8s.api.autoscaling.v1.Scale), `token` and `binding` with POST.
 * PATCH operations carry no requestBody on purpose: kubectl `apply` (patcher.go
 * gvkSupportsPatchOpenAPIV3) then computes strategic merge patches from its built-in types, not
 * from these loose schemas, which lack the merge keys of lists such as ServiceAccount `secrets`.
 */

type Operation = Record<string, unknown>;

const query = (name: string, description: string, type = 'string'): Schema => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const pathParam = (name: string, description: string): Schema => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

const PRETTY = query('pretty', "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).");
const DRY_RUN = query('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = query('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict');
const FORCE = query('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', 'boolean');
const LIST_PARAMS = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'watch'].map((n) => query(n, `${n} (list and watch option)`, n === 'limit' ? 'integer' : n === 'watch' ? 'boolean' : 'string'));

/**
 * The paths for the resources of one group-version, keyed by path template.
 * @example
 * Object.keys(resourcePaths([kindInfo('Role')!]));
 * // ['/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles', '/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles/{name}', '/apis/rbac.authorization.k8s.io/v1/roles']
 */
export function resourcePaths(resources: readonly ResourceInfo[]): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of resources) {
    const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const scope = r.namespaced ? `${root}/namespaces/{namespace}` : root;
    const scopeParams = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
    const collection = `${scope}/${r.resource}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const name = opName(r, r.namespaced ? `Namespaced${r.kind}` : r.kind);
    const body = bodyOf(r.group, r.version, r.kind);
    if (!r.listKind) {
      paths[collection] = {
        post: op(`create${name}`, 'post', gvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], body, { '201': body, '200': body, '202': body }),
        patch: { ...op(`patch${name}`, 'patch', gvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], undefined, {}), description: 'not served: declared so kubectl sends fieldValidation=Strict for create -f' },
        parameters: [...scopeParams, PRETTY],
      };
      continue;
    }
    const list = bodyOf(r.group, r.version, r.listKind);
    const status = bodyOf('meta', 'v1', 'Status');
    paths[collection] = {
      get: op(`list${name}`, 'list', gvk, LIST_PARAMS, undefined, { '200': list }),
      post: op(`create${name}`, 'post', gvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], body, { '200': body, '201': body, '202': body }),
      delete: op(`deleteCollection${name}`, 'deletecollection', gvk, [DRY_RUN, ...LIST_PARAMS.slice(0, 5)], undefined, { '200': status }),
      parameters: [...scopeParams, PRETTY],
    };
    paths[`${collection}/{name}`] = {
      get: op(`read${name}`, 'get', gvk, [], undefined, { '200': body }),
      put: op(`replace${name}`, 'put', gvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], body, { '200': body, '201': body }),
      patch: op(`patch${name}`, 'patch', gvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], undefined, { '200': body, '201': body }),
      delete: op(`delete${name}`, 'delete', gvk, [DRY_RUN], undefined, { '200': body, '202': body }),
      parameters: [pathParam('name', `name of the ${r.kind}`), ...scopeParams, PRETTY],
    };
    for (const s of r.subresources) {
      const sub = bodyOf(s.group, s.version, s.kind);
      const subGvk = { group: s.group, version: s.version, kind: s.kind };
      const suffix = `${name}${capitalise(s.name)}`;
      // status and scale are read and written (GET, PUT, PATCH); token and binding are created (POST)
      const ops = s.verbs.includes('get')
        ? {
            get: op(`read${suffix}`, 'get', subGvk, [], undefined, { '200': sub }),
            put: op(`replace${suffix}`, 'put', subGvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], sub, { '200': sub, '201': sub }),
            patch: op(`patch${suffix}`, 'patch', subGvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], undefined, { '200': sub, '201': sub }),
          }
        : { post: op(`create${suffix}`, 'post', subGvk, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], sub, { '200': sub, '201': sub, '202': sub }) };
      paths[`${collection}/{name}/${s.name}`] = { ...ops, parameters: [pathParam('name', `name of the ${s.kind}`), ...scopeParams, PRETTY] };
    }
    if (r.namespaced) paths[`${root}/${r.resource}`] = { get: op(`list${opName(r, `${r.kind}ForAllNamespaces`)}`, 'list', gvk, LIST_PARAMS, undefined, { '200': list }), parameters: [PRETTY] };
  }
  return Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `CoreV1Namespaced…`, `RbacAuthorizationV1…`: upstream's operationId infix. */
function opName(r: ResourceInfo, suffix: string): string {
  const group = r.group ? r.group.replace(/\.k8s\.io$/, '').split('.').map(capitalise).join('') : 'Core';
  return `${group}${capitalise(r.version)}${suffix}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function bodyOf(group: string, version: string, kind: string): Schema {
  const name = group === 'meta' ? `io.k8s.apimachinery.pkg.apis.meta.${version}.${kind}` : schemaName(group, version, kind);
  return { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } };
}

function op(operationId: string, action: string, gvk: Record<string, string>, parameters: Schema[], requestBody: Schema | undefined, responses: Record<string, Schema>): Operation {
  const described = Object.fromEntries(Object.entries(responses).map(([code, content]) => [code, { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', ...content }]));
  return {
    operationId,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody: { ...requestBody, required: true } } : {}),
    responses: { ...described, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
}
