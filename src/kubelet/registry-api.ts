import { isStatusError } from '../errors/index.js';
import type { Auditor } from '../audit/auditor.js';
import { auditedIssue, auditedWrites, componentUserAgent } from '../audit/in-process.js';
import { kindInfo } from '../registry/kinds.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import type { TokenService } from '../registry/token-service.js';
import type { ConfigMap, KubeObject, Node, Pod, Secret, UserInfo } from '../registry/types.js';
import type { KubeletApi } from './kubelet.js';

const POD = kindInfo('Pod')!;
const NODE = kindInfo('Node')!;
const LEASE = kindInfo('Lease', 'coordination.k8s.io')!;
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The node identity a kubelet authenticates as (NodeRestriction and the Node authorizer key on it). */
export function nodeUser(nodeName: string): UserInfo {
  return { username: `system:node:${nodeName}`, uid: '', groups: ['system:nodes', 'system:authenticated'], extra: {} };
}

/** What an in-process kubelet uses of a control plane. */
export interface InProcessControlPlane {
  objects: ObjectRegistry;
  tokens: TokenService;
  /** where the kubelet's requests (TokenRequests, node registration) are recorded, as `system:node:<name>` */
  audit?: { auditor: Auditor };
}

/**
 * The kubelet's view of an in-process control plane: token requests go through TokenRequest as
 * `system:node:<name>` (so NodeRestriction applies), objects come from the registry, and pods
 * follow the registry's synchronous events.
 */
export function registryKubeletApi(cp: InProcessControlPlane, nodeName: string): KubeletApi {
  const user = nodeUser(nodeName);
  const reg = auditedWrites(cp.objects, cp.audit?.auditor, user, componentUserAgent('kubelet'));
  const issue = auditedIssue(cp.tokens, cp.audit?.auditor, user, componentUserAgent('kubelet'));
  return {
    async registerNode(node) {
      return (await reg.create(NODE, '', node, { user })) as Node;
    },
    async getNode(name) {
      return reg.peek(NODE, undefined, name) as Node | undefined;
    },
    async updateNodeStatus(node) {
      return (await reg.updateStatus(NODE, '', node.metadata.name ?? '', node, { user })) as Node;
    },
    async getLease(name) {
      return reg.peek(LEASE, NODE_LEASE_NAMESPACE, name);
    },
    async createLease(lease: KubeObject) {
      return reg.create(LEASE, NODE_LEASE_NAMESPACE, lease, { user });
    },
    async updateLease(lease: KubeObject) {
      return reg.update(LEASE, NODE_LEASE_NAMESPACE, lease.metadata.name ?? '', lease, { user });
    },
    async getPod(namespace, name) {
      return reg.peek(POD, namespace, name) as Pod | undefined;
    },
    async updatePodStatus(pod) {
      return (await reg.updateStatus(POD, pod.metadata.namespace ?? '', pod.metadata.name ?? '', pod, { user })) as Pod;
    },
    async getToken(namespace, name, tr) {
      return (await issue(namespace, name, tr)).tokenRequest;
    },
    async deletePod(namespace, name, uid) {
      try {
        await reg.delete(POD, namespace, name, { user, gracePeriodSeconds: 0, preconditions: { uid } });
      } catch (e) {
        if (!(isStatusError(e) && (e.code === 404 || e.code === 409))) throw e;
      }
    },
    async getConfigMap(namespace, name) {
      return reg.peek(kindInfo('ConfigMap')!, namespace, name) as ConfigMap | undefined;
    },
    async getSecret(namespace, name) {
      return reg.peek(kindInfo('Secret')!, namespace, name) as Secret | undefined;
    },
    async watchPods(node, on) {
      const mine = (p: Pod) => p.spec?.nodeName === node;
      for (const p of reg.list(POD, undefined, { fieldSelector: `spec.nodeName=${node}` }).items) on.added(p as Pod);
      return reg.onEvent((e) => {
        if (e.resource !== POD) return;
        const pod = e.object as Pod;
        const was = e.old ? mine(e.old as Pod) : false;
        if (e.type === 'DELETED') {
          if (mine(pod)) on.deleted(pod);
        } else if (mine(pod)) (was ? on.modified : on.added)(pod);
        else if (was) on.deleted(pod);
      });
    },
  };
}
