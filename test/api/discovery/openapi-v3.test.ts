import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openApiV3Body, openApiV3Document, openApiV3Index, type OpenApiV3Document } from '../../../src/api/discovery/index.js';
import { REVIEW_RESOURCES, RESOURCES, type ResourceInfo } from '../../../src/registry/kinds.js';
import { registerTrustSchemas } from '../../../src/identity/trust-schemas.js';
import { registerTokenFaultSchema } from '../../../src/faults/token-fault-schema.js';
import { KindSchemas } from '../../../src/registry/schema/kind-schemas.js';

type Op = { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown; 'x-kubernetes-group-version-kind'?: Record<string, string> };

/** cli-runtime resource/query_param_verifier_v3.go supportsQueryParamV3, as kubectl 1.33 runs it. */
function supportsFieldValidation(doc: OpenApiV3Document, gvk: { group: string; version: string; kind: string }): string {
  for (const item of Object.values(doc.paths)) {
    const op = item.patch as Op | undefined;
    const ext = op?.['x-kubernetes-group-version-kind'];
    if (!op || !ext || ext.group !== gvk.group || ext.version !== gvk.version || ext.kind !== gvk.kind) continue;
    return op.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query') ? 'supported' : 'param unsupported';
  }
  return 'path not found';
}

const docPath = (r: ResourceInfo) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`);
const HEX128 = /^[0-9A-F]{128}$/;
const TRUST_SCHEMAS = new KindSchemas();
registerTrustSchemas(TRUST_SCHEMAS);
registerTokenFaultSchema(TRUST_SCHEMAS);

describe('OpenAPI v3', () => {
  it('indexes every served group-version, sorted, with the hash of the exact document bytes', () => {
    const index = openApiV3Index();
    const keys = [
      'api/v1',
      'apis/apps/v1',
      'apis/authentication.k8s.io/v1',
      'apis/authorization.k8s.io/v1',
      'apis/batch/v1',
      'apis/coordination.k8s.io/v1',
      'apis/networking.k8s.io/v1',
      'apis/policy/v1',
      'apis/rbac.authorization.k8s.io/v1',
      'apis/testing.satoken.dev/v1alpha1',
    ];
    const expected = Object.fromEntries(
      keys.map((k) => [k, { serverRelativeURL: `/openapi/v3/${k}?hash=${createHash('sha512').update(openApiV3Body(k)!.body).digest('hex').toUpperCase()}` }]),
    );
    expect(index).toEqual({ paths: expected });
    expect(Object.keys(index.paths)).toEqual(keys);
    for (const k of keys) expect(openApiV3Body(k)!.hash).toMatch(HEX128);
  });

  it('gives the same hashes on every call (stable across restarts)', () => {
    expect(openApiV3Index()).toEqual(openApiV3Index());
  });

  it.each([...RESOURCES, ...REVIEW_RESOURCES].map((r) => [`${r.kind} (${docPath(r)})`, r] as const))(
    'lets kubectl apply/create -f validate %s on the server (PATCH with the GVK and fieldValidation)',
    (_name, r) => {
      expect(supportsFieldValidation(openApiV3Document(docPath(r))!, { group: r.group, version: r.version, kind: r.kind })).toBe('supported');
    },
  );

  it('leaves strategic merge patches to kubectl built-in types: no PATCH declares a request body', () => {
    const patches = Object.keys(openApiV3Index().paths).flatMap((k) => Object.values(openApiV3Document(k)!.paths).map((p) => p.patch as Op | undefined));
    expect(patches.filter((p) => p && p.requestBody !== undefined)).toEqual([]);
  });

  it.each([...RESOURCES, ...REVIEW_RESOURCES].map((r) => [r.kind, r] as const))('types apiVersion, kind and metadata of %s with its real schema (no unknown fields kept)', (_name, r) => {
    const pkg = r.group ? r.group.split('.')[0] : 'core';
    // the testing.satoken.dev kinds' schemas are registered on each control plane (identity/trust-schemas.ts, faults/token-fault-schema.ts)
    const component = r.group === 'testing.satoken.dev' ? `dev.satoken.testing.${r.version}.${r.kind}` : `io.k8s.api.${pkg}.${r.version}.${r.kind}`;
    const schema = openApiV3Document(docPath(r), TRUST_SCHEMAS)!.components.schemas[component] as Record<string, unknown>;
    expect(schema).not.toHaveProperty('x-kubernetes-preserve-unknown-fields');
    expect(schema).toMatchObject({
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.kind, version: r.version }],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }], default: {} },
      },
    });
  });

  it('describes the create-only TokenReview with its real POST and the PATCH kubectl looks for', () => {
    const doc = openApiV3Document('apis/authentication.k8s.io/v1')!;
    const body = { content: { 'application/json': { schema: { $ref: '#/components/schemas/io.k8s.api.authentication.v1.TokenReview' } } } };
    const gvk = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview' };
    const q = (name: string, type = 'string') => expect.objectContaining({ name, in: 'query', schema: { type, uniqueItems: true } });
    expect(doc.paths['/apis/authentication.k8s.io/v1/tokenreviews']).toEqual({
      post: {
        operationId: 'createAuthenticationV1TokenReview',
        parameters: [q('dryRun'), q('fieldManager'), q('fieldValidation')],
        requestBody: { ...body, required: true },
        responses: { '200': { description: 'OK', ...body }, '201': { description: 'Created', ...body }, '202': { description: 'Accepted', ...body }, '401': { description: 'Unauthorized' } },
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': gvk,
      },
      patch: {
        operationId: 'patchAuthenticationV1TokenReview',
        parameters: [q('dryRun'), q('fieldManager'), q('fieldValidation'), q('force', 'boolean')],
        responses: { '401': { description: 'Unauthorized' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        description: 'not served: declared so kubectl sends fieldValidation=Strict for create -f',
      },
      parameters: [q('pretty')],
    });
  });

  it('lists the paths of a namespaced kind as upstream does, the token subresource included', () => {
    const doc = openApiV3Document('api/v1')!;
    expect(Object.keys(doc.paths).filter((p) => p.includes('serviceaccounts'))).toEqual([
      '/api/v1/namespaces/{namespace}/serviceaccounts',
      '/api/v1/namespaces/{namespace}/serviceaccounts/{name}',
      '/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token',
      '/api/v1/serviceaccounts',
    ]);
    const ops = (p: string) => Object.entries(doc.paths[p]!).filter(([k]) => k !== 'parameters').map(([k, v]) => [k, (v as { operationId: string }).operationId, (v as Record<string, unknown>)['x-kubernetes-action']]);
    expect(ops('/api/v1/namespaces/{namespace}/serviceaccounts/{name}')).toEqual([
      ['get', 'readCoreV1NamespacedServiceAccount', 'get'],
      ['put', 'replaceCoreV1NamespacedServiceAccount', 'put'],
      ['patch', 'patchCoreV1NamespacedServiceAccount', 'patch'],
      ['delete', 'deleteCoreV1NamespacedServiceAccount', 'delete'],
    ]);
    expect(ops('/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token')).toEqual([['post', 'createCoreV1NamespacedServiceAccountToken', 'post']]);
    expect(ops('/api/v1/serviceaccounts')).toEqual([['get', 'listCoreV1ServiceAccountForAllNamespaces', 'list']]);
    expect(doc.paths['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token']!.post).toMatchObject({
      'x-kubernetes-group-version-kind': { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
    });
  });

  it.each([
    ['a group-version Kubernetes no longer serves', 'apis/extensions/v1beta1'],
    ['a group without its version', 'apis/rbac.authorization.k8s.io'],
    ['a leading slash', '/api/v1'],
  ])('has no document for %s', (_name, path) => {
    expect(openApiV3Document(path)).toBeUndefined();
    expect(openApiV3Body(path)).toBeUndefined();
  });

  it('hands out copies, so a caller cannot break the published hash', () => {
    const doc = openApiV3Document('api/v1')!;
    doc.paths = {};
    expect(JSON.stringify(openApiV3Document('api/v1'))).toBe(openApiV3Body('api/v1')!.body);
  });

  it('names itself OpenAPI 3.0.0 for Kubernetes v1.33.1+satoken with a bearer token scheme', () => {
    const doc = openApiV3Document('apis/rbac.authorization.k8s.io/v1')!;
    expect([doc.openapi, doc.info, doc.components.securitySchemes]).toEqual([
      '3.0.0',
      { title: 'Kubernetes', version: 'v1.33.1+satoken' },
      { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    ]);
  });
});
