import { describe, expect, it } from 'vitest';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from '../../../src/api/discovery/index.js';

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const gv = (groupVersion: string, version = 'v1') => ({ groupVersion, version });
const group = (name: string, version = 'v1') => ({ name, versions: [gv(`${name}/${version}`, version)], preferredVersion: gv(`${name}/${version}`, version) });
const core = (name: string, singularName: string, kind: string, namespaced: boolean, extra: Record<string, unknown> = {}) => ({ name, singularName, namespaced, kind, verbs: CRUD, ...extra });
const review = (name: string, kind: string, namespaced = false) => ({ name, singularName: name.slice(0, -1), namespaced, kind, verbs: ['create'] });
const STATUS_VERBS = ['get', 'patch', 'update'];
/** `<resource>/status`: same group and kind as the parent, so no group/version members */
const status = (resource: string, kind: string, namespaced = true) => ({ name: `${resource}/status`, singularName: '', namespaced, kind, verbs: STATUS_VERBS });
/** `<resource>/scale`: answers autoscaling/v1 Scale */
const scale = (resource: string) => ({ name: `${resource}/scale`, singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: STATUS_VERBS });

describe('legacy discovery', () => {
  it('answers /api with the core version and the server address for every client', () => {
    expect(apiVersions('10.0.0.1:6443')).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
    });
  });

  it('answers /apis with every named group in kube-aggregator priority order', () => {
    expect(apiGroupList()).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        group('apps'),
        group('authentication.k8s.io'),
        group('authorization.k8s.io'),
        group('batch'),
        group('networking.k8s.io'),
        group('policy'),
        group('rbac.authorization.k8s.io'),
        group('coordination.k8s.io'),
        group('testing.satoken.dev', 'v1alpha1'),
      ],
    });
  });

  it.each([
    ['rbac.authorization.k8s.io', { kind: 'APIGroup', apiVersion: 'v1', ...group('rbac.authorization.k8s.io') }],
    ['authentication.k8s.io', { kind: 'APIGroup', apiVersion: 'v1', ...group('authentication.k8s.io') }],
    ['apps', { kind: 'APIGroup', apiVersion: 'v1', ...group('apps') }],
    ['extensions', undefined],
    ['', undefined],
  ])('answers /apis/%s with its APIGroup, or nothing when not served', (name, expected) => {
    expect(apiGroup(name)).toEqual(expected);
  });

  it.each([
    [
      'the core group, without apiVersion, with short names, categories, the token subresource and the status ones',
      '',
      {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          core('configmaps', 'configmap', 'ConfigMap', true, { shortNames: ['cm'] }),
          core('endpoints', 'endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
          core('events', 'event', 'Event', true, { shortNames: ['ev'] }),
          core('limitranges', 'limitrange', 'LimitRange', true, { shortNames: ['limits'] }),
          core('namespaces', 'namespace', 'Namespace', false, { shortNames: ['ns'] }),
          status('namespaces', 'Namespace', false),
          core('nodes', 'node', 'Node', false, { shortNames: ['no'] }),
          status('nodes', 'Node', false),
          core('persistentvolumeclaims', 'persistentvolumeclaim', 'PersistentVolumeClaim', true, { shortNames: ['pvc'] }),
          status('persistentvolumeclaims', 'PersistentVolumeClaim'),
          core('pods', 'pod', 'Pod', true, { shortNames: ['po'], categories: ['all'] }),
          status('pods', 'Pod'),
          core('resourcequotas', 'resourcequota', 'ResourceQuota', true, { shortNames: ['quota'] }),
          status('resourcequotas', 'ResourceQuota'),
          core('secrets', 'secret', 'Secret', true),
          core('serviceaccounts', 'serviceaccount', 'ServiceAccount', true, { shortNames: ['sa'] }),
          { name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] },
          core('services', 'service', 'Service', true, { shortNames: ['svc'], categories: ['all'] }),
          status('services', 'Service'),
        ],
      },
    ],
    [
      'authentication.k8s.io, whose reviews are create-only and cluster-scoped',
      'authentication.k8s.io',
      {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'authentication.k8s.io/v1',
        resources: [review('selfsubjectreviews', 'SelfSubjectReview'), review('tokenreviews', 'TokenReview')],
      },
    ],
    [
      'authorization.k8s.io, where only localsubjectaccessreviews is namespaced',
      'authorization.k8s.io',
      {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'authorization.k8s.io/v1',
        resources: [
          review('localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
          review('selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
          review('selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
          review('subjectaccessreviews', 'SubjectAccessReview'),
        ],
      },
    ],
    [
      'apps, whose workloads have status and (but DaemonSet) scale subresources',
      'apps',
      {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'apps/v1',
        resources: [
          core('controllerrevisions', 'controllerrevision', 'ControllerRevision', true),
          core('daemonsets', 'daemonset', 'DaemonSet', true, { shortNames: ['ds'], categories: ['all'] }),
          status('daemonsets', 'DaemonSet'),
          core('deployments', 'deployment', 'Deployment', true, { shortNames: ['deploy'], categories: ['all'] }),
          scale('deployments'),
          status('deployments', 'Deployment'),
          core('replicasets', 'replicaset', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'] }),
          scale('replicasets'),
          status('replicasets', 'ReplicaSet'),
          core('statefulsets', 'statefulset', 'StatefulSet', true, { shortNames: ['sts'], categories: ['all'] }),
          scale('statefulsets'),
          status('statefulsets', 'StatefulSet'),
        ],
      },
    ],
    [
      'networking.k8s.io, where NetworkPolicy has no status since 1.28',
      'networking.k8s.io',
      {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'networking.k8s.io/v1',
        resources: [
          core('ingressclasses', 'ingressclass', 'IngressClass', false),
          core('ingresses', 'ingress', 'Ingress', true, { shortNames: ['ing'] }),
          status('ingresses', 'Ingress'),
          core('networkpolicies', 'networkpolicy', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
        ],
      },
    ],
    [
      'rbac.authorization.k8s.io, whose kinds have no short names',
      'rbac.authorization.k8s.io',
      {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'rbac.authorization.k8s.io/v1',
        resources: [
          core('clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', false),
          core('clusterroles', 'clusterrole', 'ClusterRole', false),
          core('rolebindings', 'rolebinding', 'RoleBinding', true),
          core('roles', 'role', 'Role', true),
        ],
      },
    ],
  ])('lists the resources of %s', (_name, groupName, expected) => {
    expect(apiResourceList(groupName, 'v1')).toEqual(expected);
  });

  it('lists testing.satoken.dev/v1alpha1: the cloud side of workload identity and TokenFaults', () => {
    expect(apiResourceList('testing.satoken.dev', 'v1alpha1')).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'testing.satoken.dev/v1alpha1',
      resources: [core('awsroles', 'awsrole', 'AWSRole', false), core('azurefederatedcredentials', 'azurefederatedcredential', 'AzureFederatedCredential', false), core('tokenfaults', 'tokenfault', 'TokenFault', false), status('tokenfaults', 'TokenFault', false)],
    });
  });

  it.each([
    ['a group Kubernetes no longer serves', 'extensions', 'v1beta1'],
    ['an unknown version of apps', 'apps', 'v1beta1'],
    ['an unknown version of a served group', 'rbac.authorization.k8s.io', 'v1beta1'],
    ['an unknown core version', '', 'v2'],
  ])('lists nothing for %s', (_name, groupName, version) => {
    expect(apiResourceList(groupName, version)).toBeUndefined();
  });

  it('answers every group-version that /apis lists, as kubectl requires', () => {
    const listed = apiGroupList().groups.flatMap((g) => g.versions.map((v) => v.groupVersion));
    expect(listed.map((l) => apiResourceList(l.split('/')[0]!, l.split('/')[1]!)?.groupVersion)).toEqual(listed);
  });
});
