import type { FaultReporter } from './applied-fault.js';
/**
 * The Kubernetes object shapes satoken stores and serves (JSON field names as the API uses them).
 * Only the fields satoken reads are typed; every object keeps whatever else a client sent.
 */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface LocalObjectReference {
  name?: string;
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface ServiceAccount extends KubeObject {
  secrets?: ObjectReference[];
  imagePullSecrets?: LocalObjectReference[];
  automountServiceAccountToken?: boolean;
}

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

export interface Node extends KubeObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** v1.NodeCondition: what the kubelet reports in a Node's status and the node lifecycle controller reads. */
export interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface VolumeProjection {
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: Array<{ path: string; fieldRef?: { apiVersion?: string; fieldPath: string }; mode?: number }> };
}

export interface Volume {
  name: string;
  projected?: { sources?: VolumeProjection[]; defaultMode?: number };
  secret?: { secretName?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  configMap?: { name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  [key: string]: unknown;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface Container {
  name: string;
  image?: string;
  volumeMounts?: VolumeMount[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name?: string; key: string }; [k: string]: unknown } }>;
  envFrom?: Array<{ secretRef?: { name?: string }; configMapRef?: { name?: string } }>;
  securityContext?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  nodeName?: string;
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  imagePullSecrets?: LocalObjectReference[];
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number; [k: string]: unknown };
  [key: string]: unknown;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: Record<string, unknown>;
}

export interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

export interface TokenRequestSpec {
  audiences: string[] | null;
  expirationSeconds: number | null;
  boundObjectRef: BoundObjectReference | null;
}

export interface TokenRequest {
  kind: 'TokenRequest';
  apiVersion: 'authentication.k8s.io/v1';
  metadata: ObjectMeta;
  spec: TokenRequestSpec;
  status: { token: string; expirationTimestamp: string | null };
}

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface TokenReviewStatus {
  authenticated?: boolean;
  user: UserInfo;
  audiences?: string[];
  error?: string;
}

/**
 * An authenticator's answer (apiserver's `authenticator.Response`): a user (with the audiences it
 * was accepted for, and audit annotations the request should carry, such as a stale token's), or
 * an error. Declared here, below auth/, because the TokenReview storage renders it.
 */
export type TokenAuthResult = { user: UserInfo; audiences: string[]; annotations?: Readonly<Record<string, string>> } | { error: string };

/**
 * What the TokenReview storage asks of authentication: the request chain's bearer-token union
 * (auth/authenticators/bearer-token-chain.ts) answers it. registry/ depends on this shape, not on
 * auth/ (src/ARCHITECTURE.md), as Kubernetes' registry depends on the `authenticator.Request`
 * interface rather than on the authenticators.
 */
export interface TokenReviewAuthenticator {
  /** `report` hears of a TokenFault that acted on this token (its name goes into the audit annotations) */
  answer(token: string, audiences?: readonly string[], report?: FaultReporter): TokenAuthResult | Promise<TokenAuthResult>;
}

export interface TokenReview {
  kind: 'TokenReview';
  apiVersion: 'authentication.k8s.io/v1';
  metadata: ObjectMeta;
  spec: { token?: string; audiences?: string[] };
  status: TokenReviewStatus;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface Role extends KubeObject {
  rules?: PolicyRule[];
}

export interface ClusterRole extends Role {
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface RoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

export type ClusterRoleBinding = RoleBinding;
