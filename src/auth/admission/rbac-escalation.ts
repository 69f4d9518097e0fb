/**
 * RBAC privilege-escalation prevention, as kube-apiserver's policy-based RBAC storage does it
 * (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/storage.go),
 * run as the last mutating admission step: after the other plugins' `admit`, before every
 * `validate` and before object validation, which is where the storage wrapper sits upstream.
 * IMPORTANT: src/cli/serve.ts and test/helpers/app.ts push this plugin right after building
 * the authorizer; the registry runs admission only for requests that carry a user.
 */
import { errors, isStatusError, StatusError } from '../../errors/index.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../../registry/admission.js';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import type { ClusterRole, PolicyRule, Role, RoleBinding, RoleRef, UserInfo } from '../../registry/types.js';
import { EscalationError, confirmNoEscalation, escalationAllowed, mayBind, mayEscalate, type Authorizer } from '../authorizer/index.js';
import type { RbacAuthorizer } from '../authorizer/rbac.js';
import { escalationRules } from './escalation-rules.js';
import { isOnlyMutatingGCFields } from './gc-fields.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const AGGREGATION_MESSAGE = 'must have cluster-admin privileges to use the aggregationRule';

/** clusterrole/policybased `fullAuthority`: `*` on every resource and every URL. */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/**
 * What the plugin needs: the server's whole authorizer chain (for `escalate` and `bind`) and
 * either the registry (the RBAC-only rules, as the storage's `DefaultRuleResolver` reads them)
 * or those rules directly.
 * @example
 * const opts: RbacEscalationOptions = { authorizer, registry: emulator.registry };
 */
export interface RbacEscalationOptions {
  authorizer: Authorizer;
  registry?: ObjectRegistry;
  rules?: RbacAuthorizer;
}

function rulesOf(obj: unknown): PolicyRule[] {
  const rules = (obj as Role | undefined)?.rules;
  if (!Array.isArray(rules)) return [];
  return rules.filter((r): r is PolicyRule => !!r && typeof r === 'object').map((r) => ({ ...r, verbs: Array.isArray(r.verbs) ? r.verbs : [] }));
}

function hasAggregationRule(obj: unknown): boolean {
  const selectors = (obj as ClusterRole | undefined)?.aggregationRule?.clusterRoleSelectors;
  return Array.isArray(selectors) && selectors.length > 0;
}

function roleRefOf(obj: unknown): RoleRef {
  const ref = (obj as RoleBinding | undefined)?.roleRef as Partial<RoleRef> | undefined;
  return { apiGroup: ref?.apiGroup ?? '', kind: ref?.kind ?? '', name: ref?.name ?? '' };
}

/**
 * The `rbac-escalation` admission plugin for creates and updates of Roles, ClusterRoles,
 * RoleBindings and ClusterRoleBindings:
 * - requests without a user (the library, bootstrap policy) and members of system:masters pass;
 * - updates that change only ownerReferences, finalizers, selfLink or managedFields pass;
 * - a Role or ClusterRole passes when the user may `escalate` it, else only if the user already
 *   holds every rule in its namespace (cluster-wide for a ClusterRole), and setting or changing
 *   an aggregationRule needs `*` on everything;
 * - a binding passes when the user may `bind` the referenced role in the binding's namespace,
 *   else only if the user holds every rule of that role; a missing role is its 404 and an
 *   unknown roleRef kind a 500, as upstream (the binding's subjects play no part).
 * Refusals are `<resource>.rbac.authorization.k8s.io "<name>" is forbidden: user "u"
 * (groups=[...]) is attempting to grant RBAC permissions not currently held:` and the rules.
 * @example
 * emulator.registry.admission.push(rbacEscalationAdmission({ authorizer, registry: emulator.registry }));
 */
export function rbacEscalationAdmission(opts: RbacEscalationOptions): AdmissionPlugin {
  const rules = opts.rules ?? escalationRules(opts.registry!);
  const confirm = async (user: UserInfo, a: AdmissionAttributes, wanted: PolicyRule[]) => {
    try {
      await confirmNoEscalation(user, wanted, a.namespace, rules);
    } catch (e) {
      if (e instanceof EscalationError) throw errors.forbidden(a.resource.resource, a.name, e.message, RBAC_GROUP);
      throw e;
    }
  };
  const checkRole = async (user: UserInfo, a: AdmissionAttributes) => {
    // RoleEscalationAuthorized reads the request's name: empty for a POST to the collection
    const name = a.operation === 'CREATE' ? '' : a.name;
    if (await mayEscalate(user, opts.authorizer, { resource: a.resource.resource, name, namespace: a.namespace })) return;
    if (a.operation === 'UPDATE' && isOnlyMutatingGCFields(a.object!, a.oldObject)) return;
    await confirm(user, a, rulesOf(a.object));
    if (a.resource.kind !== 'ClusterRole') return;
    if (hasAggregationRule(a.object) || (a.operation === 'UPDATE' && hasAggregationRule(a.oldObject))) {
      try {
        await confirmNoEscalation(user, FULL_AUTHORITY, '', rules);
      } catch (e) {
        if (e instanceof EscalationError) throw errors.forbidden(a.resource.resource, a.name, AGGREGATION_MESSAGE, RBAC_GROUP);
        throw e;
      }
    }
  };
  const checkBinding = async (user: UserInfo, a: AdmissionAttributes) => {
    if (a.operation === 'UPDATE' && isOnlyMutatingGCFields(a.object!, a.oldObject)) return;
    const ref = roleRefOf(a.object);
    if (await mayBind(user, opts.authorizer, ref, a.namespace)) return;
    let wanted: PolicyRule[];
    try {
      wanted = await rules.resolver.getRoleReferenceRules(ref, a.namespace);
    } catch (e) {
      if (isStatusError(e)) throw e;
      throw new StatusError(500, 'InternalError', (e as Error).message);
    }
    await confirm(user, a, wanted);
  };
  return {
    name: 'RBACEscalation',
    async admit(a) {
      if ((a.operation !== 'CREATE' && a.operation !== 'UPDATE') || a.subresource || !a.object || a.resource.group !== RBAC_GROUP) return;
      const user = a.user;
      if (!user || escalationAllowed(user)) return;
      if (a.resource.kind === 'Role' || a.resource.kind === 'ClusterRole') return checkRole(user, a);
      if (a.resource.kind === 'RoleBinding' || a.resource.kind === 'ClusterRoleBinding') return checkBinding(user, a);
    },
  };
}
