import type { Clock } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../registry/types.js';
import { registryNodeGraph } from './authorizer/node-graph-registry.js';
import {
  AbacAuthorizer,
  NodeAuthorizer,
  RbacAuthorizer,
  WebhookAuthorizer,
  alwaysAllow,
  alwaysDeny,
  authorizerChain,
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  unionRuleResolvers,
  type Authorizer,
  type RbacLister,
  type RuleResolver,
} from './authorizer/index.js';
import { SatokenError } from '../errors/error-codes.js';

const ROLE = kindInfo('Role')!;
const CLUSTER_ROLE = kindInfo('ClusterRole')!;
const ROLE_BINDING = kindInfo('RoleBinding')!;
const CLUSTER_ROLE_BINDING = kindInfo('ClusterRoleBinding')!;

/** RBAC objects read from the registry's cache. */
export function registryRbacLister(registry: ObjectRegistry): RbacLister {
  return {
    getRole: async (ns, name) => registry.peek(ROLE, ns, name) as Role | undefined,
    getClusterRole: async (name) => registry.peek(CLUSTER_ROLE, undefined, name) as ClusterRole | undefined,
    listRoleBindings: async (ns) => registry.list(ROLE_BINDING, ns).items as RoleBinding[],
    listClusterRoleBindings: async () => registry.list(CLUSTER_ROLE_BINDING, undefined).items as ClusterRoleBinding[],
    listClusterRoles: async () => registry.list(CLUSTER_ROLE, undefined).items as ClusterRole[],
  };
}

/** Pods, persistent volumes, attachments and slices by node, for the Node authorizer. */
export { registryNodeGraph };

export interface AccessControlOptions {
  modes: readonly string[];
  registry: ObjectRegistry;
  clock: Clock;
  policyFile?: string;
  webhookConfigFile?: string;
  /** `--authorization-webhook-version` (v1beta1, Kubernetes' default, or v1) */
  webhookVersion?: 'v1' | 'v1beta1';
  /** `--authorization-webhook-cache-authorized-ttl` / `-unauthorized-ttl`, in ms (5 min / 30 s) */
  webhookAuthorizedTtlMs?: number;
  webhookUnauthorizedTtlMs?: number;
}

/**
 * `--authorization-mode` as kube-apiserver composes it (pkg/kubeapiserver/authorizer/config.go):
 * `system:masters` first, then each mode in order; the first Allow or Deny wins.
 * @example
 * const { authorizer, ruleResolver } = buildAuthorizer({ modes: ['Node', 'RBAC'], registry, clock });
 */
export function buildAuthorizer(o: AccessControlOptions): { authorizer: Authorizer; ruleResolver: RuleResolver } {
  const authorizers: Authorizer[] = [];
  const resolvers: RuleResolver[] = [];
  for (const mode of o.modes) {
    switch (mode) {
      case 'AlwaysAllow': {
        const a = alwaysAllow();
        authorizers.push(a);
        resolvers.push(a);
        break;
      }
      case 'AlwaysDeny': {
        const a = alwaysDeny();
        authorizers.push(a);
        resolvers.push(a);
        break;
      }
      case 'RBAC': {
        const a = new RbacAuthorizer(registryRbacLister(o.registry));
        authorizers.push(a);
        resolvers.push(a);
        break;
      }
      case 'Node': {
        const a = new NodeAuthorizer(registryNodeGraph(o.registry));
        authorizers.push(a);
        resolvers.push(a);
        break;
      }
      case 'ABAC': {
        const a = AbacAuthorizer.fromFile(o.policyFile!);
        authorizers.push(a);
        resolvers.push(a);
        break;
      }
      case 'Webhook': {
        const a = WebhookAuthorizer.fromKubeconfig(o.webhookConfigFile!, {
          clock: o.clock,
          ...(o.webhookVersion ? { version: o.webhookVersion } : {}),
          ...(o.webhookAuthorizedTtlMs !== undefined ? { authorizedTTL: o.webhookAuthorizedTtlMs } : {}),
          ...(o.webhookUnauthorizedTtlMs !== undefined ? { unauthorizedTTL: o.webhookUnauthorizedTtlMs } : {}),
        });
        authorizers.push(a);
        resolvers.push(a); // incomplete, as Kubernetes: the webhook cannot list rules
        break;
      }
      default:
        throw new SatokenError('ERR_INVALID_OPTION', `authorization-mode "${mode}" is not a valid mode`);
    }
  }
  return { authorizer: authorizerChain(authorizers), ruleResolver: unionRuleResolvers(resolvers) };
}

/**
 * Creates the bootstrap ClusterRoles and ClusterRoleBindings that are missing, as
 * kube-apiserver's RBAC post-start hook does (existing ones are left as the user changed them).
 */
export async function ensureBootstrapPolicy(registry: ObjectRegistry): Promise<void> {
  const put = async (info: typeof CLUSTER_ROLE, obj: ClusterRole | ClusterRoleBinding) => {
    if (registry.peek(info, undefined, obj.metadata.name!)) return;
    try {
      await registry.create(info, '', obj);
    } catch (e) {
      if (!(isStatusError(e) && e.reason === 'AlreadyExists')) throw e;
    }
  };
  for (const r of bootstrapClusterRoles()) await put(CLUSTER_ROLE, r);
  for (const b of bootstrapClusterRoleBindings()) await put(CLUSTER_ROLE_BINDING, b);
}
