import type { Strategy } from './strategy.js';
import { dropDisabledLeaseFields, validateLease } from './coordination.js';
import { defaultEndpoints, validateControllerRevision, validateControllerRevisionUpdate, validateEndpoints } from './endpoints.js';
import { dns1123Subdomain } from '../../util/name-validation.js';
import { dns1035Label } from './net.js';
import { defaultIngressClass, defaultNetworkPolicy, validateIngress, validateIngressClass, validateIngressClassUpdate, validateNetworkPolicy } from './networking.js';
import { validatePodDisruptionBudget } from './policy.js';
import {
  defaultPersistentVolumeClaim,
  validateLimitRange,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validateResourceQuota,
  validateResourceQuotaUpdate,
} from './quota.js';
import { allocateService, defaultService, prepareServiceUpdate, validateService, validateServiceUpdate } from './service.js';

/**
 * The strategies of the kinds served beside the identity kinds (services, endpoints, quotas,
 * claims, networking, policy, leases, controller revisions); the workload kinds' strategies are
 * workloads-strategy.ts's. Status and generation semantics are not here: registry/lifecycle.ts
 * applies them to every kind from its ResourceInfo.
 * IMPORTANT: strategies.ts spreads this map first, so an entry it defines itself wins.
 */
export const KIND_STRATEGIES: Record<string, Strategy> = {
  Service: {
    nameValidator: dns1035Label,
    defaults: defaultService,
    prepareForUpdate: prepareServiceUpdate,
    validate: validateService,
    validateUpdate: validateServiceUpdate,
    allocate: allocateService,
  },
  Endpoints: { nameValidator: dns1123Subdomain, defaults: defaultEndpoints, validate: validateEndpoints },
  LimitRange: { nameValidator: dns1123Subdomain, validate: validateLimitRange },
  ResourceQuota: { nameValidator: dns1123Subdomain, validate: validateResourceQuota, validateUpdate: validateResourceQuotaUpdate },
  PersistentVolumeClaim: {
    nameValidator: dns1123Subdomain,
    defaults: defaultPersistentVolumeClaim,
    validate: validatePersistentVolumeClaim,
    validateUpdate: validatePersistentVolumeClaimUpdate,
  },
  NetworkPolicy: { nameValidator: dns1123Subdomain, defaults: defaultNetworkPolicy, validate: validateNetworkPolicy },
  Ingress: { nameValidator: dns1123Subdomain, validate: validateIngress },
  IngressClass: { nameValidator: dns1123Subdomain, defaults: defaultIngressClass, validate: validateIngressClass, validateUpdate: validateIngressClassUpdate },
  PodDisruptionBudget: { nameValidator: dns1123Subdomain, validate: validatePodDisruptionBudget },
  Lease: { nameValidator: dns1123Subdomain, prepareForCreate: (o) => dropDisabledLeaseFields(o), prepareForUpdate: (n, o) => dropDisabledLeaseFields(n, o), validate: validateLease },
  ControllerRevision: { nameValidator: dns1123Subdomain, validate: validateControllerRevision, validateUpdate: validateControllerRevisionUpdate },
};
