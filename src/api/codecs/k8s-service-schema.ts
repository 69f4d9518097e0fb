import { INT_OR_STRING, QUANTITY } from './k8s-intstr-schema.js';
import { LABEL_SELECTOR, OBJECT_META } from './k8s-meta-schema.js';
import { converted, f, message } from './proto-schema.js';

/*
 * core/v1 Service and ResourceQuota, networking.k8s.io/v1 Ingress and policy/v1
 * PodDisruptionBudget (k8s.io/api generated.proto), as `kubectl create service|quota|ingress|pdb`
 * send them. Statuses are skipped (a create resets them).
 */

const SERVICE_PORT = message('ServicePort', [f.str('name', 1), f.str('protocol', 2), f.ptr('appProtocol', 6, 'string'), f.always('port', 3, 'int32'), f.str('targetPort', 4, INT_OR_STRING), f.str('nodePort', 5, 'int32')]);

/**
 * core/v1 Service (`kubectl create service clusterip|nodeport|loadbalancer|externalname`).
 *
 * @example
 * SERVICE.fields.map((x) => x.json); // ['metadata', 'spec']
 */
export const SERVICE = message('Service', [
  f.str('metadata', 1, OBJECT_META),
  f.str(
    'spec',
    2,
    message('ServiceSpec', [
      f.list('ports', 1, SERVICE_PORT),
      f.map('selector', 2),
      f.str('clusterIP', 3),
      f.list('clusterIPs', 18),
      f.str('type', 4),
      f.list('externalIPs', 5),
      f.str('sessionAffinity', 7),
      f.str('loadBalancerIP', 8),
      f.list('loadBalancerSourceRanges', 9),
      f.str('externalName', 10),
      f.str('externalTrafficPolicy', 11),
      f.str('healthCheckNodePort', 12, 'int32'),
      f.str('publishNotReadyAddresses', 13, 'bool'),
      f.list('ipFamilies', 19),
      f.ptr('ipFamilyPolicy', 17, 'string'),
      f.ptr('allocateLoadBalancerNodePorts', 20, 'bool'),
      f.ptr('loadBalancerClass', 21, 'string'),
      f.ptr('internalTrafficPolicy', 22, 'string'),
    ]),
  ),
]);

/**
 * core/v1 ResourceQuota (`kubectl create quota`).
 *
 * @example
 * RESOURCE_QUOTA.fields.map((x) => x.json); // ['metadata', 'spec']
 */
export const RESOURCE_QUOTA = message('ResourceQuota', [f.str('metadata', 1, OBJECT_META), f.str('spec', 2, message('ResourceQuotaSpec', [f.map('hard', 1, QUANTITY), f.list('scopes', 2)]))]);

const SERVICE_BACKEND_PORT = message('ServiceBackendPort', [f.str('name', 1), f.str('number', 2, 'int32')]);
const INGRESS_BACKEND = message('IngressBackend', [
  f.ptr('service', 4, message('IngressServiceBackend', [f.always('name', 1), f.str('port', 2, SERVICE_BACKEND_PORT)])),
  f.ptr('resource', 3, message('TypedLocalObjectReference', [f.ptr('apiGroup', 1, 'string'), f.always('kind', 2), f.always('name', 3)])),
]);
const HTTP_INGRESS_PATH = message('HTTPIngressPath', [f.str('path', 1), f.ptr('pathType', 3, 'string'), f.always('backend', 2, INGRESS_BACKEND)]);

/** IngressRule embeds IngressRuleValue (field 2), whose `http` the JSON shows beside `host`. */
const INGRESS_RULE = converted(
  'IngressRule',
  [f.str('host', 1), f.str('ingressRuleValue', 2, message('IngressRuleValue', [f.ptr('http', 1, message('HTTPIngressRuleValue', [f.list('paths', 1, HTTP_INGRESS_PATH)]))]))],
  (r) => {
    const { ingressRuleValue, ...rest } = r;
    return { ...rest, ...(ingressRuleValue as Record<string, unknown> | undefined) };
  },
);

/**
 * networking.k8s.io/v1 Ingress (`kubectl create ingress`).
 *
 * @example
 * INGRESS.fields.map((x) => x.json); // ['metadata', 'spec']
 */
export const INGRESS = message('Ingress', [
  f.str('metadata', 1, OBJECT_META),
  f.str(
    'spec',
    2,
    message('IngressSpec', [
      f.ptr('ingressClassName', 4, 'string'),
      f.ptr('defaultBackend', 1, INGRESS_BACKEND),
      f.list('tls', 2, message('IngressTLS', [f.list('hosts', 1), f.str('secretName', 2)])),
      f.list('rules', 3, INGRESS_RULE),
    ]),
  ),
]);

/**
 * policy/v1 PodDisruptionBudget (`kubectl create poddisruptionbudget`).
 *
 * @example
 * POD_DISRUPTION_BUDGET.fields.map((x) => x.json); // ['metadata', 'spec']
 */
export const POD_DISRUPTION_BUDGET = message('PodDisruptionBudget', [
  f.str('metadata', 1, OBJECT_META),
  f.str(
    'spec',
    2,
    message('PodDisruptionBudgetSpec', [f.ptr('minAvailable', 1, INT_OR_STRING), f.ptr('selector', 2, LABEL_SELECTOR), f.ptr('maxUnavailable', 3, INT_OR_STRING), f.ptr('unhealthyPodEvictionPolicy', 4, 'string')]),
  ),
]);
