/**
 * The Node authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go) for kubelets:
 * users `system:node:<name>` in group `system:nodes`.
 * - secrets, configmaps (get/list/watch), persistentvolumeclaims (get; status update/patch) and
 *   serviceaccounts (get; `create serviceaccounts/token`) only when a pod bound to the node
 *   references them; pods only when bound to the node;
 * - its own Node object (get/list/watch by name); create/update/patch of nodes and node status;
 *   its own lease in kube-node-lease and its own CSINode;
 * - everything else by the static system:node rules; other users get no opinion.
 * persistentvolumes, volumeattachments, resourceclaims and resourceslices have no edges in
 * satoken's graph, so reads of single ones are never related to a node; podcertificaterequests
 * get no opinion (their feature gate is off by default).
 */
import type { PolicyRule, UserInfo } from '../../registry/types.js';
import { nodeRules } from './bootstrap-rules.js';
import { podReferences, type NodeGraph } from './node-graph.js';
import { rulesAllow } from './rule-matching.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesForResult } from './types.js';

type Kind = 'pod' | 'secret' | 'configmap' | 'pvc' | 'pv' | 'serviceaccount' | 'none';

const NO: AuthorizationResult = { decision: 'NoOpinion', reason: '' };
const ALLOW: AuthorizationResult = { decision: 'Allow', reason: '' };
const no = (reason: string): AuthorizationResult => ({ decision: 'NoOpinion', reason });

/**
 * `nodeidentifier.NodeIdentity`: the node name of a `system:node:<name>` user in group
 * `system:nodes` ("" when the name is missing), or undefined for anyone else.
 * @example
 * nodeIdentity({ username: 'system:node:n1', groups: ['system:nodes'] }); // 'n1'
 */
export function nodeIdentity(user: UserInfo): string | undefined {
  const name = user.username ?? '';
  if (!name.startsWith('system:node:') || !(user.groups ?? []).includes('system:nodes')) return undefined;
  return name.slice('system:node:'.length);
}

/**
 * The static rules (default {@link nodeRules}) and two feature gates, both on by default as in
 * 1.34: `AuthorizeNodeWithSelectors` (nodes read only their own Node, list pods only with their
 * `spec.nodeName` field selector) and `KubeletServiceAccountTokenForCredentialProviders`
 * (nodes may get the service accounts of their pods).
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
    this.saGet = opts.serviceAccountGet ?? true;
  }

  /** Nodes' permissions are not enumerable: incomplete, with an error. */
  async rulesFor(user: UserInfo): Promise<RulesForResult> {
    if (nodeIdentity(user) === undefined) return { resourceRules: [], nonResourceRules: [], incomplete: false };
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' };
  }

  async authorize(a: Attributes): Promise<AuthorizationResult> {
    const node = nodeIdentity(a.user);
    if (node === undefined) return NO;
    if (node === '') return no(`unknown node for user "${a.user.username ?? ''}"`);
    if (a.resourceRequest) {
      const gr = `${a.apiGroup}/${a.resource}`;
      switch (gr) {
        case '/secrets':
          return this.readNamespaced(node, 'secret', a);
        case '/configmaps':
          return this.readNamespaced(node, 'configmap', a);
        case '/persistentvolumeclaims':
          if (a.subresource === 'status') {
            if (a.verb !== 'update' && a.verb !== 'patch') return no('can only get/update/patch this type');
            return this.related(node, 'pvc', a);
          }
          return this.get(node, 'pvc', a);
        case '/persistentvolumes':
          return this.get(node, 'pv', a);
        case 'resource.k8s.io/resourceclaims':
        case 'storage.k8s.io/volumeattachments':
          return this.get(node, 'none', a);
        case '/serviceaccounts':
          return this.serviceAccount(node, a);
        case 'coordination.k8s.io/leases':
          return this.ownObject(node, a, 'node lease', () => (a.namespace !== 'kube-node-lease' ? no('can only access leases in the "kube-node-lease" system namespace') : undefined));
        case 'storage.k8s.io/csinodes':
          return this.ownObject(node, a, 'CSINode', () => (a.subresource ? no('cannot authorize CSINode subresources') : undefined));
        case 'resource.k8s.io/resourceslices':
          return this.resourceSlice(node, a);
        case 'certificates.k8s.io/podcertificaterequests':
          return NO;
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

  private readNamespaced(node: string, kind: Kind, a: Attributes): Promise<AuthorizationResult> | AuthorizationResult {
    if (!['get', 'list', 'watch'].includes(a.verb)) return no('can only read resources of this type');
    if (a.subresource) return no('cannot read subresource');
    if (!a.namespace) return no('can only read namespaced object of this type');
    return this.related(node, kind, a);
  }

  private get(node: string, kind: Kind, a: Attributes): Promise<AuthorizationResult> | AuthorizationResult {
    if (a.verb !== 'get') return no('can only get individual resources of this type');
    if (a.subresource) return no('cannot get subresource');
    return this.related(node, kind, a);
  }

  private serviceAccount(node: string, a: Attributes): Promise<AuthorizationResult> | AuthorizationResult {
    if (a.verb === 'get' && !a.subresource) return this.saGet ? this.readNamespaced(node, 'serviceaccount', a) : no('not allowed to get service accounts');
    if (a.verb !== 'create' || !a.name) return no('can only create tokens for individual service accounts');
    if (a.subresource !== 'token') return no('can only create token subresource of serviceaccount');
    return this.related(node, 'serviceaccount', a, true);
  }

  private ownObject(node: string, a: Attributes, what: string, extra: () => AuthorizationResult | undefined): AuthorizationResult {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return no(`can only get, create, update, patch, or delete a ${what}`);
    const refused = extra();
    if (refused) return refused;
    if (a.verb !== 'create' && a.name !== node) return no(`can only access ${what} with the same name as the requesting node`);
    return ALLOW;
  }

  private resourceSlice(node: string, a: Attributes): Promise<AuthorizationResult> | AuthorizationResult {
    if (a.subresource) return no('cannot authorize ResourceSlice subresources');
    if (a.verb === 'create') return ALLOW;
    if (['get', 'update', 'patch', 'delete'].includes(a.verb)) return this.related(node, 'none', a);
    if (['watch', 'list', 'deletecollection'].includes(a.verb)) {
      if (!this.selectors || (a.fieldSelector ?? []).some((r) => r.field === 'nodeName' && r.operator === '=' && r.value === node)) return ALLOW;
      return no('can only list/watch/deletecollection resourceslices with nodeName field selector');
    }
    return no('only the following verbs are allowed for a ResourceSlice: get, watch, list, create, update, patch, delete, deletecollection');
  }

  private nodeObject(node: string, a: Attributes): AuthorizationResult {
    if (!a.subresource && ['create', 'update', 'patch'].includes(a.verb)) return ALLOW;
    if (!a.subresource && ['get', 'list', 'watch'].includes(a.verb)) {
      if (a.name === node) return ALLOW;
      return no(a.name ? `node '${node}' cannot read '${a.name}', only its own Node object` : `node '${node}' cannot read all nodes, only its own Node object`);
    }
    if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) return ALLOW;
    return NO;
  }

  private pod(node: string, a: Attributes): Promise<AuthorizationResult> | AuthorizationResult {
    if (!a.subresource) {
      if (a.verb === 'get') return this.get(node, 'pod', a);
      if (a.verb === 'list' || a.verb === 'watch') {
        if ((a.fieldSelector ?? []).some((r) => r.field === 'spec.nodeName' && r.operator === '=' && r.value === node)) return ALLOW;
        if (a.name) return this.related(node, 'pod', a);
        return no('can only list/watch pods with spec.nodeName field selector');
      }
      if (a.verb === 'create' || a.verb === 'delete') return ALLOW;
    }
    if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) return ALLOW;
    if (a.subresource === 'eviction' && a.verb === 'create') return ALLOW;
    return NO;
  }

  /** `authorize` / `hasPathFrom`: is the named object reachable from a pod bound to the node? */
  private async related(node: string, kind: Kind, a: Attributes, nameChecked = false): Promise<AuthorizationResult> {
    if (!nameChecked && !a.name) return no('No Object name found');
    const pods = (await this.graph.podsOnNode(node)).filter((p) => (p.metadata.namespace ?? '') === a.namespace && p.spec.nodeName === node);
    const found = pods.some((p) => {
      if (kind === 'pod') return p.metadata.name === a.name;
      const refs = podReferences(p);
      if (kind === 'secret') return refs.secrets.includes(a.name);
      if (kind === 'configmap') return refs.configMaps.includes(a.name);
      if (kind === 'pvc') return refs.persistentVolumeClaims.includes(a.name);
      if (kind === 'serviceaccount') return refs.serviceAccount === a.name;
      return false;
    });
    return found ? ALLOW : no(`no relationship found between node '${node}' and this object`);
  }
}
