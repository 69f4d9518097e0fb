import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchemaModule } from '../../../src/registry/schema/generate.js';
import { KindSchemas } from '../../../src/registry/schema/index.js';

describe('the generated schemas', () => {
  it('are exactly what the generator makes from the installed @kubernetes/client-node 1.3.0 (Kubernetes v1.33.0)', async () => {
    const committed = readFileSync(new URL('../../../src/registry/schema/generated/kubernetes-1.33.ts', import.meta.url), 'utf8');
    expect(await generateSchemaModule()).toBe(committed);
    expect(KindSchemas.source).toEqual({ package: '@kubernetes/client-node', version: '1.3.0', openapi: 'v1.33.0' });
  });

  it.each([
    ['', 'v1', ['Pod', 'ServiceAccount', 'Secret', 'ConfigMap', 'Namespace', 'Node', 'Event', 'Service', 'Endpoints', 'LimitRange', 'ResourceQuota', 'PersistentVolumeClaim']],
    ['rbac.authorization.k8s.io', 'v1', ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']],
    ['authentication.k8s.io', 'v1', ['TokenRequest', 'TokenReview', 'SelfSubjectReview']],
    ['authorization.k8s.io', 'v1', ['SubjectAccessReview', 'SelfSubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview']],
    ['apps', 'v1', ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision']],
    ['batch', 'v1', ['Job', 'CronJob']],
    ['networking.k8s.io', 'v1', ['NetworkPolicy', 'Ingress', 'IngressClass']],
    ['policy', 'v1', ['PodDisruptionBudget']],
    ['coordination.k8s.io', 'v1', ['Lease']],
    ['autoscaling', 'v1', ['Scale']],
  ])('cover %s/%s: %j', (group, version, kinds) => {
    const schemas = new KindSchemas();
    for (const kind of kinds) {
      const root = schemas.rootOf(group, version, kind);
      expect(root, kind).toBeDefined();
      expect(schemas.struct(root!)!.fields).toMatchObject({ apiVersion: 's', kind: 's' });
    }
  });

  it('type the fields the models flatten: Quantity, RawExtension, FieldsV1, MicroTime', () => {
    const s = new KindSchemas();
    expect(s.struct('V1ResourceRequirements')!.fields).toMatchObject({ limits: '{}q', requests: '{}q' });
    expect(s.struct('V1ControllerRevision')!.fields.data).toBe('raw');
    expect(s.struct('V1ManagedFieldsEntry')!.fields.fieldsV1).toBe('fieldsv1');
    expect(s.struct('V1LeaseSpec')!.fields.renewTime).toBe('mtime');
    expect(s.struct('V1PodSecurityContext')).toMatchObject({ go: 'v1.PodSecurityContext', openapi: 'io.k8s.api.core.v1.PodSecurityContext' });
    expect(s.struct('V1PodTemplateSpec')!.openapi).toBe('io.k8s.api.core.v1.PodTemplateSpec');
    expect(s.struct('V1ObjectMeta')!.openapi).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  });

  it('let another module register a kind without seeing it in a second instance', () => {
    const a = new KindSchemas();
    a.register({
      group: 'testing.satoken.dev',
      version: 'v1',
      kind: 'TokenFault',
      root: 'TokenFault',
      types: {
        TokenFault: { go: 'v1.TokenFault', openapi: 'dev.satoken.testing.v1.TokenFault', fields: { apiVersion: 's', kind: 's', metadata: '@V1ObjectMeta', spec: '@TokenFaultSpec' } },
        TokenFaultSpec: { go: 'v1.TokenFaultSpec', openapi: 'dev.satoken.testing.v1.TokenFaultSpec', fields: { mode: 's', delaySeconds: 'i64' } },
      },
    });
    const root = a.rootOf('testing.satoken.dev', 'v1', 'TokenFault')!;
    expect(a.struct(root)!.fields.spec).toBe('@testing.satoken.dev/v1/TokenFaultSpec');
    expect(a.struct('testing.satoken.dev/v1/TokenFaultSpec')!.fields.delaySeconds).toBe('i64');
    expect(new KindSchemas().rootOf('testing.satoken.dev', 'v1', 'TokenFault')).toBeUndefined();
    expect(() => a.register({ group: 'g', version: 'v1', kind: 'K', root: 'Missing', types: {} })).toThrow('root type Missing');
  });
});
