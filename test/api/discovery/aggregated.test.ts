import { describe, expect, it } from 'vitest';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE, aggregatedDiscovery, wantsAggregated } from '../../../src/api/discovery/index.js';

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

const stored = (resource: string, kind: string, namespaced: boolean, extra: Record<string, unknown> = {}, group = '') => ({
  resource,
  responseKind: { group, version: 'v1', kind },
  scope: namespaced ? 'Namespaced' : 'Cluster',
  singularResource: resource.slice(0, -1),
  verbs: CRUD,
  ...extra,
});
const review = (group: string, resource: string, kind: string, namespaced = false) => ({ ...stored(resource, kind, namespaced, {}, group), verbs: ['create'] });
const item = (name: string | undefined, resources: unknown[], version = 'v1') => ({
  metadata: name ? { name, creationTimestamp: null } : { creationTimestamp: null },
  versions: [{ version, resources, freshness: 'Current' }],
});
const list = (items: unknown[]) => ({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items });
const STATUS_VERBS = ['get', 'patch', 'update'];
const sub = (group: string, kind: string, name = 'status') => ({ subresource: name, responseKind: { group, version: 'v1', kind }, verbs: STATUS_VERBS });
const scale = sub('autoscaling', 'Scale', 'scale');
/** a stored resource of a named group, with its status (and scale) subresources as kube-apiserver 1.33 lists them */
const grouped = (group: string, resource: string, kind: string, namespaced: boolean, extra: Record<string, unknown> = {}, subs: string[] = []) =>
  stored(resource, kind, namespaced, { ...extra, ...(subs.length ? { subresources: subs.map((n) => (n === 'scale' ? scale : sub(group, kind))) } : {}) }, group);

describe('aggregated discovery', () => {
  it('names the Content-Type kubectl reads the format from', () => {
    expect(AGGREGATED_DISCOVERY_CONTENT_TYPE).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  });

  it.each([
    ['kubectl 1.30+, which lists v2, then v2beta1, then plain JSON', KUBECTL_ACCEPT, true],
    ['v2 alone', 'application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io', true],
    ['kubectl 1.26–1.29, which knows only v2beta1 (no longer served in 1.33)', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', false],
    ['plain JSON', 'application/json, */*', false],
    ['plain JSON before v2', 'application/json,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', false],
    ['v2 refused with q=0', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json', false],
    ['protobuf v2', 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', false],
    ['no Accept header', undefined, false],
  ])('is wanted by %s: %s', (_name, accept, expected) => {
    expect(wantsAggregated(accept)).toBe(expected);
  });

  it.each([
    [
      '/api: the core group, unnamed, with the token and status subresources nested under their resources',
      'api' as const,
      list([
        item(undefined, [
          stored('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
          { ...stored('endpoints', 'Endpoints', true, { shortNames: ['ep'] }), singularResource: 'endpoints' },
          stored('events', 'Event', true, { shortNames: ['ev'] }),
          stored('limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
          stored('namespaces', 'Namespace', false, { shortNames: ['ns'], subresources: [sub('', 'Namespace')] }),
          stored('nodes', 'Node', false, { shortNames: ['no'], subresources: [sub('', 'Node')] }),
          stored('persistentvolumeclaims', 'PersistentVolumeClaim', true, { shortNames: ['pvc'], subresources: [sub('', 'PersistentVolumeClaim')] }),
          stored('pods', 'Pod', true, { shortNames: ['po'], categories: ['all'], subresources: [sub('', 'Pod')] }),
          stored('resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'], subresources: [sub('', 'ResourceQuota')] }),
          stored('secrets', 'Secret', true),
          stored('serviceaccounts', 'ServiceAccount', true, {
            shortNames: ['sa'],
            subresources: [{ subresource: 'token', responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] }],
          }),
          stored('services', 'Service', true, { shortNames: ['svc'], categories: ['all'], subresources: [sub('', 'Service')] }),
        ]),
      ]),
    ],
    [
      '/apis: every named group, in kube-aggregator priority order, scale answering autoscaling/v1 Scale',
      'apis' as const,
      list([
        item('apps', [
          grouped('apps', 'controllerrevisions', 'ControllerRevision', true),
          grouped('apps', 'daemonsets', 'DaemonSet', true, { shortNames: ['ds'], categories: ['all'] }, ['status']),
          grouped('apps', 'deployments', 'Deployment', true, { shortNames: ['deploy'], categories: ['all'] }, ['scale', 'status']),
          grouped('apps', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'] }, ['scale', 'status']),
          grouped('apps', 'statefulsets', 'StatefulSet', true, { shortNames: ['sts'], categories: ['all'] }, ['scale', 'status']),
        ]),
        item('authentication.k8s.io', [review('authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview'), review('authentication.k8s.io', 'tokenreviews', 'TokenReview')]),
        item('authorization.k8s.io', [
          review('authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
          review('authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
          review('authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
          review('authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview'),
        ]),
        item('batch', [
          grouped('batch', 'cronjobs', 'CronJob', true, { shortNames: ['cj'], categories: ['all'] }, ['status']),
          grouped('batch', 'jobs', 'Job', true, { categories: ['all'] }, ['status']),
        ]),
        item('networking.k8s.io', [
          { ...grouped('networking.k8s.io', 'ingressclasses', 'IngressClass', false), singularResource: 'ingressclass' },
          { ...grouped('networking.k8s.io', 'ingresses', 'Ingress', true, { shortNames: ['ing'] }, ['status']), singularResource: 'ingress' },
          { ...grouped('networking.k8s.io', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'] }), singularResource: 'networkpolicy' },
        ]),
        item('policy', [grouped('policy', 'poddisruptionbudgets', 'PodDisruptionBudget', true, { shortNames: ['pdb'] }, ['status'])]),
        item('rbac.authorization.k8s.io', [
          stored('clusterrolebindings', 'ClusterRoleBinding', false, {}, 'rbac.authorization.k8s.io'),
          stored('clusterroles', 'ClusterRole', false, {}, 'rbac.authorization.k8s.io'),
          stored('rolebindings', 'RoleBinding', true, {}, 'rbac.authorization.k8s.io'),
          stored('roles', 'Role', true, {}, 'rbac.authorization.k8s.io'),
        ]),
        item('coordination.k8s.io', [grouped('coordination.k8s.io', 'leases', 'Lease', true)]),
        item(
          'testing.satoken.dev',
          [
            { ...stored('awsroles', 'AWSRole', false, {}, 'testing.satoken.dev'), responseKind: { group: 'testing.satoken.dev', version: 'v1alpha1', kind: 'AWSRole' } },
            { ...stored('azurefederatedcredentials', 'AzureFederatedCredential', false, {}, 'testing.satoken.dev'), responseKind: { group: 'testing.satoken.dev', version: 'v1alpha1', kind: 'AzureFederatedCredential' } },
            { ...stored('tokenfaults', 'TokenFault', false, {}, 'testing.satoken.dev'), responseKind: { group: 'testing.satoken.dev', version: 'v1alpha1', kind: 'TokenFault' }, subresources: [{ subresource: 'status', responseKind: { group: 'testing.satoken.dev', version: 'v1alpha1', kind: 'TokenFault' }, verbs: ['get', 'patch', 'update'] }] },
          ],
          'v1alpha1',
        ),
      ]),
    ],
  ])('answers %s', (_name, root, expected) => {
    expect(aggregatedDiscovery(root)).toEqual(expected);
  });

  it('serialises the core group metadata as Kubernetes does (no name, null creationTimestamp)', () => {
    expect(JSON.stringify(aggregatedDiscovery('api').items[0]!.metadata)).toBe('{"creationTimestamp":null}');
  });
});
