/**
 * The Node authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go, Kubernetes 1.33) for
 * kubelets: users `system:node:<name>` in group `system:nodes`.
 * - secrets and configmaps (get/list/watch of a named object), persistentvolumeclaims,
 *   persistentvolumes, resourceclaims and volumeattachments (get), claim status (update/patch)
 *   and `create serviceaccounts/token`: only when the object is related to the node
 *   ({@link hasPathFrom});
 * - its own lease in kube-node-lease and its own CSINode; resourceslices on the node;
 * - with `AuthorizeNodeWithSelectors`: its own Node object, the pods bound to it, pod lists
 *   only with its `spec.nodeName` field selector;
 * - everything else by the static system:node rules; other users get no opinion.
 * NodeRestriction admission (auth/admission/node-restriction.ts) checks what this allows
 * without looking at the object: pod create/delete/status/eviction, Node writes, lease and
 * CSINode creation.
 */
import type { PolicyRule, UserInfo } from '../../registry/types.js';
import { nodeRules } from './bootstrap-rules.js';
import type { NodeGraph } from './node-graph.js';
import { nodeIdentity } from './node-identity.js';
import { hasPathFrom, type VertexType } from './node-relations.js';
import { rulesAllow } from './rule-matching.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesForResult } from './types.js';

export { nodeIdentity } from './node-identity.js';

type Result = Promise<AuthorizationResult> | AuthorizationResult;

const NO: AuthorizationResult = { decision: 'NoOpinion', reason: '' };
const ALLOW: AuthorizationResult = { decision: 'Allow', reason: '' };
const no = (reason: string): AuthorizationResult => ({ decision: 'NoOpinion', reason });
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/**
 * The static rules (default {@link nodeRules}) and two feature gates with their 1.33 defaults:
 * `AuthorizeNodeWithSelectors` (beta, on: nodes read only their own Node, list pods only with
 * their `spec.nodeName` field selector) and `KubeletServiceAccountTokenForCredentialProviders`
 * (alpha, off: with it, nodes may get the service accounts of their pods).
 * @example
 * const opts: NodeAuthorizerOptions = { authorizeNodeWithSelectors: false };
 */
export interface NodeAuthorizerOptions {
  rules?: PolicyRule[];
  authorizeNodeWithSelectors?: boolean;
  serviceAccountGet?: boolean;
}

/**
 * The Node authorizer over a {@link NodeGraph}.
 * @example
 * const node = new NodeAuthorizer({ podsOnNode: (n) => registry.podsOnNode(n) });
 */
export class NodeAuthorizer implements Authorizer, RuleResolver {
  private readonly rules: PolicyRule[];
  private readonly selectors: boolean;
  private readonly saGet: boolean;

  constructor(private readonly graph: NodeGraph, opts: NodeAuthorizerOptions = {}) {
    this.rules = opts.rules ?? nodeRules();
    this.selectors = opts.authorizeNodeWithSelectors ?? true;
    this.saGet = opts.serviceAccountGet ?? false;
  }

  /** Nodes' permissions are not enumerable: incomplete, with an error. */
  async rulesFor(user: UserInfo): Promise<RulesForResult> {
    if (nodeIdentity(user) === undefined) return { resourceRules: [], nonResourceRules: [], incomplete: false };
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' };
  }

  async authorize(a: Attributes): Promise<AuthorizationResult> {
    const node = nodeIdentity(a.user);
    if (node === undefined) return NO;
    if (node === '') return no(`unknown node for user "${a.user.username}"`);
    if (a.resourceRequest) {
      switch (`${a.apiGroup}/${a.resource}`) {
        case '/secrets':
          return this.readNamespaced(node, 'secret', a);
        case '/configmaps':
          return this.readNamespaced(node, 'configmap', a);
        case '/persistentvolumeclaims':
          return a.subresource === 'status' ? this.statusUpdate(node, 'pvc', a) : this.get(node, 'pvc', a);
        case '/persistentvolumes':
          return this.get(node, 'pv', a);
        case 'resource.k8s.io/resourceclaims':
          return this.get(node, 'resourceclaim', a);
        case 'storage.k8s.io/volumeattachments':
          return this.get(node, 'volumeattachment', a);
        case '/serviceaccounts':
          return this.serviceAccount(node, a);
        case 'coordination.k8s.io/leases':
          return this.lease(node, a);
        case 'storage.k8s.io/csinodes':
          return this.csiNode(node, a);
        case 'resource.k8s.io/resourceslices':
          return this.resourceSlice(node, a);
        case '/nodes':
          if (this.selectors) return this.nodeObject(node, a);
          break;
        case '/pods':
          if (this.selectors) return this.pod(node, a);
          break;
      }
    }
    return rulesAllow(a, this.rules) ? ALLOW : NO;
  }

  /** `authorizeStatusUpdate`: update/patch of the status of a related object. */
  private statusUpdate(node: string, type: VertexType, a: Attributes): Result {
    if (a.verb !== 'update' && a.verb !== 'patch') return no('can only get/update/patch this type');
    return this.related(node, type, a);
  }

  /** `authorizeGet`: get of a single related object, no subresource. */
  private get(node: string, type: VertexType, a: Attributes): Result {
    if (a.verb !== 'get') return no('can only get individual resources of this type');
    if (a.subresource) return no('cannot get subresource');
    return this.related(node, type, a);
  }

  /** `authorizeReadNamespacedObject`: get/list/watch of one named, namespaced, related object. */
  private readNamespaced(node: string, type: VertexType, a: Attributes): Result {
    if (a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch') return no('can only read resources of this type');
    if (a.subresource) return no('cannot read subresource');
    if (!a.namespace) return no('can only read namespaced object of this type');
    return this.related(node, type, a);
  }

  /** `authorizeServiceAccount`: reads behind the credential-provider gate, else `authorizeCreateToken`. */
  private serviceAccount(node: string, a: Attributes): Result {
    if (a.verb === 'get' && !a.subresource) return this.saGet ? this.readNamespaced(node, 'serviceaccount', a) : no('not allowed to get service accounts');
    if (a.verb !== 'create' || !a.name) return no('can only create tokens for individual service accounts');
    if (a.subresource !== 'token') return no('can only create token subresource of serviceaccount');
    return this.related(node, 'serviceaccount', a);
  }

  /** `authorizeLease`: its own lease in kube-node-lease (the name is checked at admission on create). */
  private lease(node: string, a: Attributes): AuthorizationResult {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return no('can only get, create, update, patch, or delete a node lease');
    if (a.namespace !== NODE_LEASE_NAMESPACE) return no(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
    if (a.verb !== 'create' && a.name !== node) return no('can only access node lease with the same name as the requesting node');
    return ALLOW;
  }

  /** `authorizeCSINode`: its own CSINode (the name is checked at admission on create). */
  private csiNode(node: string, a: Attributes): AuthorizationResult {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return no('can only get, create, update, patch, or delete a CSINode');
    if (a.subresource) return no('cannot authorize CSINode subresources');
    if (a.verb !== 'create' && a.name !== node) return no('can only access CSINode with the same name as the requesting node');
    return ALLOW;
  }

  /** `authorizeResourceSlice`: create (admission checks the node name), the node's slices, node-scoped lists. */
  private resourceSlice(node: string, a: Attributes): Result {
    if (a.subresource) return no('cannot authorize ResourceSlice subresources');
    switch (a.verb) {
      case 'create':
        return ALLOW;
      case 'get':
      case 'update':
      case 'patch':
      case 'delete':
        return this.related(node, 'resourceslice', a);
      case 'watch':
      case 'list':
      case 'deletecollection':
        if (!this.selectors || selects(a, 'nodeName', node)) return ALLOW;
        return no('can only list/watch/deletecollection resourceslices with nodeName field selector');
      default:
        return no('only the following verbs are allowed for a ResourceSlice: get, watch, list, create, update, patch, delete, deletecollection');
    }
  }

  /** `authorizeNode`: writes (NodeRestriction limits them to its own), reads of its own Node only. */
  private nodeObject(node: string, a: Attributes): AuthorizationResult {
    if (!a.subresource) {
      if (a.verb === 'create' || a.verb === 'update' || a.verb === 'patch') return ALLOW;
      if (a.verb === 'get' || a.verb === 'list' || a.verb === 'watch') {
        if (a.name === node) return ALLOW;
        return no(a.name ? `node '${node}' cannot read '${a.name}', only its own Node object` : `node '${node}' cannot read all nodes, only its own Node object`);
      }
    } else if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) return ALLOW;
    return NO;
  }

  /** `authorizePod`: related pods, node-scoped lists, and what NodeRestriction then checks. */
  private pod(node: string, a: Attributes): Result {
    switch (a.subresource) {
      case '':
        if (a.verb === 'get') return this.get(node, 'pod', a);
        if (a.verb === 'list' || a.verb === 'watch') {
          if (selects(a, 'spec.nodeName', node)) return ALLOW;
          if (a.name) return this.related(node, 'pod', a);
          return no('can only list/watch pods with spec.nodeName field selector');
        }
        if (a.verb === 'create' || a.verb === 'delete') return ALLOW;
        break;
      case 'status':
        if (a.verb === 'update' || a.verb === 'patch') return ALLOW;
        break;
      case 'eviction':
        if (a.verb === 'create') return ALLOW;
        break;
    }
    return NO;
  }

  /** `authorize`: a named object the graph relates to the node. */
  private async related(node: string, type: VertexType, a: Attributes): Promise<AuthorizationResult> {
    if (!a.name) return no('No Object name found');
    if (await hasPathFrom(this.graph, node, type, a.namespace, a.name)) return ALLOW;
    return no(`no relationship found between node '${node}' and this object`);
  }
}

/** Whether the request's field selector has `field=value` (`==` parses to the same requirement). */
function selects(a: Attributes, field: string, value: string): boolean {
  return a.fieldSelector?.some((r) => r.field === field && r.operator === '=' && r.value === value) ?? false;
}
