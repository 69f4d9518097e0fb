import type { ConfigMap, KubeObject, Node, Pod, Secret, TokenRequest } from '../registry/types.js';

/** What a kubelet asks of the API server, as `system:node:<name>`. */
export interface KubeletApi {
  /** creates the Node (`POST /api/v1/nodes`); an existing one is a StatusError with reason AlreadyExists */
  registerNode(node: Node): Promise<Node>;
  /** the Node, or undefined when there is none */
  getNode(name: string): Promise<Node | undefined>;
  /** writes the Node's status (`PUT nodes/<name>/status`, preconditioned on its resourceVersion) */
  updateNodeStatus(node: Node): Promise<Node>;
  /** the node's Lease in kube-node-lease, or undefined */
  getLease(name: string): Promise<KubeObject | undefined>;
  createLease(lease: KubeObject): Promise<KubeObject>;
  updateLease(lease: KubeObject): Promise<KubeObject>;
  /** a pod, or undefined when there is none */
  getPod(namespace: string, name: string): Promise<Pod | undefined>;
  /** writes a pod's status (`PUT pods/<name>/status`, preconditioned on its resourceVersion) */
  updatePodStatus(pod: Pod): Promise<Pod>;
  getToken(namespace: string, serviceAccountName: string, tr: TokenRequest): Promise<TokenRequest>;
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /**
   * confirms a pod's graceful deletion once its volumes are torn down: a delete with grace 0 and
   * the pod's UID as precondition (a pod already gone, or replaced, is no error)
   */
  deletePod(namespace: string, name: string, uid: string): Promise<void>;
  /** follows the pods bound to the node: every current pod as `added`, then changes; resolves to a stop function */
  watchPods(nodeName: string, on: { added(pod: Pod): void; modified(pod: Pod): void; deleted(pod: Pod): void }): Promise<() => void>;
}
