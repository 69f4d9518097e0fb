/**
 * The rules of Kubernetes' default ClusterRoles, copied from
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (rendered in
 * testdata/cluster-roles.yaml, default feature gates, 1.34). Each rule's lists are sorted, as
 * `PolicyRuleBuilder.RuleOrDie` sorts them; rule order is upstream's.
 */
import type { PolicyRule } from '../../registry/types.js';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function sorted(list: readonly string[]): string[] {
  return [...list].sort();
}

/** A resource rule, lists sorted. */
function r(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], resourceNames?: readonly string[]): PolicyRule {
  const rule: PolicyRule = { verbs: sorted(verbs), apiGroups: sorted(apiGroups), resources: sorted(resources) };
  if (resourceNames) rule.resourceNames = sorted(resourceNames);
  return rule;
}

/** A non-resource rule, lists sorted. */
function u(verbs: readonly string[], urls: readonly string[]): PolicyRule {
  return { verbs: sorted(verbs), nonResourceURLs: sorted(urls) };
}

/**
 * `bootstrappolicy.NodeRules()`: what every node may do; the Node authorizer narrows the
 * secrets, configmaps, PVs, PVCs, service accounts, pods and nodes among them to the node's own.
 * @example
 * const rules = nodeRules(); // rules[0] = create authentication.k8s.io tokenreviews
 */
export function nodeRules(): PolicyRule[] {
  return [
    r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
    r(READ, [''], ['services']),
    r(['create', 'get', 'list', 'watch'], [''], ['nodes']),
    r(['update', 'patch'], [''], ['nodes/status']),
    r(['update', 'patch'], [''], ['nodes']),
    r(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']),
    r(READ, [''], ['pods']),
    r(['create', 'delete'], [''], ['pods']),
    r(['update', 'patch'], [''], ['pods/status']),
    r(['create'], [''], ['pods/eviction']),
    r(READ, [''], ['secrets', 'configmaps']),
    r(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
    r(['get'], [''], ['endpoints']),
    r(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    r(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
    r(['get'], ['storage.k8s.io'], ['volumeattachments']),
    r(['create'], [''], ['serviceaccounts/token']),
    r(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
    r(READ, ['storage.k8s.io'], ['csidrivers']),
    r(['get', 'create', 'update', 'patch', 'delete'], ['storage.k8s.io'], ['csinodes']),
    r(READ, ['node.k8s.io'], ['runtimeclasses']),
    r(['get'], ['resource.k8s.io'], ['resourceclaims']),
    r(['deletecollection'], ['resource.k8s.io'], ['resourceslices']),
    r(['get'], [''], ['serviceaccounts']),
  ];
}

/**
 * The rules of each non-aggregated default ClusterRole satoken bootstraps, by role name.
 * @example
 * bootstrapRoleRules()['system:basic-user'];
 */
export function bootstrapRoleRules(): Record<string, PolicyRule[]> {
  return {
    'cluster-admin': [r(['*'], ['*'], ['*']), u(['*'], ['*'])],
    'system:aggregate-to-admin': [
      r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      r(READ_WRITE, ['rbac.authorization.k8s.io'], ['roles', 'rolebindings']),
    ],
    'system:aggregate-to-edit': [
      r(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      r(['impersonate'], [''], ['serviceaccounts']),
      r(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      r(['create'], [''], ['pods/eviction']),
      r(WRITE, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets']),
      r(['create'], [''], ['serviceaccounts/token']),
      r(WRITE, ['', 'events.k8s.io'], ['events']),
      r(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
      r(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      r(WRITE, ['batch'], ['jobs', 'cronjobs']),
      r(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
      r(WRITE, ['policy'], ['poddisruptionbudgets']),
      r(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
      r(READ_WRITE, ['coordination.k8s.io'], ['leases']),
      r(WRITE, ['resource.k8s.io'], ['resourceclaims', 'resourceclaimtemplates']),
    ],
    'system:aggregate-to-view': [
      r(READ, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
      r(READ, [''], ['limitranges', 'resourcequotas', 'bindings', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
      r(READ, [''], ['namespaces']),
      r(READ, ['', 'events.k8s.io'], ['events']),
      r(READ, ['discovery.k8s.io'], ['endpointslices']),
      r(READ, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
      r(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      r(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      r(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
      r(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      r(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
      r(READ, ['resource.k8s.io'], ['resourceclaims', 'resourceclaims/status', 'resourceclaimtemplates']),
    ],
    'system:auth-delegator': [r(['create'], ['authentication.k8s.io'], ['tokenreviews']), r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])],
    'system:basic-user': [
      r(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      r(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
    'system:discovery': [u(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])],
    'system:monitoring': [
      u(['get'], ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*', '/statusz']),
      r(['get'], [''], ['nodes/metrics']),
    ],
    'system:kube-scheduler': [
      r(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      r(['create'], ['coordination.k8s.io'], ['leases']),
      r(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      r(READ, [''], ['nodes']),
      r(['delete', 'get', 'list', 'watch'], [''], ['pods']),
      r(['create'], [''], ['bindings', 'pods/binding']),
      r(['patch', 'update'], [''], ['pods/status']),
      r(READ, [''], ['replicationcontrollers', 'services']),
      r(READ, ['apps', 'extensions'], ['replicasets']),
      r(READ, ['apps'], ['statefulsets']),
      r(READ, ['policy'], ['poddisruptionbudgets']),
      r(READ, [''], ['persistentvolumeclaims', 'persistentvolumes']),
      r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      r(READ, ['storage.k8s.io'], ['csinodes']),
      r(READ, [''], ['namespaces']),
      r(READ, ['storage.k8s.io'], ['csidrivers']),
      r(READ, ['storage.k8s.io'], ['csistoragecapacities']),
    ],
    'system:node': nodeRules(),
    'system:node-proxier': [
      r(['list', 'watch'], [''], ['services', 'endpoints']),
      r(READ, [''], ['nodes']),
      r(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']),
      r(['list', 'watch'], ['networking.k8s.io'], ['servicecidrs']),
      r(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ],
    'system:public-info-viewer': [u(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])],
    'system:service-account-issuer-discovery': [
      u(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/']),
    ],
  };
}
