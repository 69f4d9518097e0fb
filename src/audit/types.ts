/**
 * audit.k8s.io/v1 as satoken uses it (staging/src/k8s.io/apiserver/pkg/apis/audit/v1/types.go):
 * the Policy an `--audit-policy-file` holds and the Event the log and the recorder keep.
 * Optional members are the ones Go writes with `omitempty`.
 */

/** How much of a request is recorded, in increasing order. */
export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

/** When, in the handling of a request, an event is made. */
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export const LEVELS: readonly Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
export const STAGES: readonly Stage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

const LEVEL_ORDER: Record<Level, number> = { None: 0, Metadata: 1, Request: 2, RequestResponse: 3 };

/**
 * `Level.GreaterOrEqual`: whether `level` records at least what `than` does.
 * @example
 * levelAtLeast('Request', 'Metadata'); // true
 */
export function levelAtLeast(level: Level, than: Level): boolean {
  return LEVEL_ORDER[level] >= LEVEL_ORDER[than];
}

/** The higher of two levels. */
export function maxLevel(a: Level, b: Level): Level {
  return LEVEL_ORDER[a] >= LEVEL_ORDER[b] ? a : b;
}

/** `GroupResources`: resources of one API group; `''` is the core group. */
export interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

/** `PolicyRule`: every field set must match (empty lists match everything). */
export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** `Policy`: the first matching rule decides; none matching is level None. */
export interface Policy {
  rules: PolicyRule[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** `authenticationv1.UserInfo` as an event carries it (every member omitted when empty). */
export interface EventUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** `audit.ObjectReference`: what a resource request targets. */
export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

/** The bounded part of a `metav1.Status` an event keeps (`metadata` is always written, empty). */
export interface ResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  details?: Record<string, unknown>;
  code?: number;
}

/**
 * `audit.k8s.io/v1 Event`. Its members are created in the order Go declares them, so
 * `JSON.stringify` writes them as kube-apiserver does. Timestamps are MicroTime strings
 * (`2024-06-06T10:15:42.123456Z`).
 */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: EventUser;
  impersonatedUser?: EventUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** The audit annotation keys satoken writes (Kubernetes' names). */
export const ANNOTATIONS = {
  decision: 'authorization.k8s.io/decision',
  reason: 'authorization.k8s.io/reason',
  issuedCredentialId: 'authentication.kubernetes.io/issued-credential-id',
  staleToken: 'authentication.k8s.io/stale-token',
} as const;

/** The user.extra key that names the credential a request was made with (KEP-4193). */
export const CREDENTIAL_ID_EXTRA = 'authentication.kubernetes.io/credential-id';
