/**
 * satoken's public surface: the in-process emulator and the types and helpers tests need.
 * Internals are not exported; everything here is documented with an example.
 */
export { createEmulator, Emulator, DEFAULT_ISSUER, type EmulatorOptions, type EmulatorClock, type EmulatorMetrics, type TokenSpec } from './emulator.js';
export type { AuthorizationOptions } from './control-plane.js';
export type { KeyOptions } from './emulator-keys.js';
export type { KubeletAgent } from './kubelet/kubelet.js';
export type { PodVolumeEvents } from './kubelet/volume-manager-options.js';
export type { ListenOptions, ListeningEmulator } from './emulator-server.js';
export { ManualClock, RealClock, type Clock } from './clock/index.js';
export { StatusError, isStatusError, errorCodeOf, type Status, type StatusReason, type SatokenErrorCode, type StatusErrorCode, type LibraryErrorCode } from './errors/index.js';
export type { InvalidationEvent, ObjectIdentity, TrackedKind } from './registry/binding-index.js';
export { expectRequest, expectNoRequest, requestMatchers, type RequestSource } from './audit/expect-requests.js';
export { parsePolicy } from './audit/policy-file.js';
export type { RecordedRequests, RecorderOptions } from './audit/recorder.js';
export type { RequestFilter } from './audit/request-filter.js';
export type { TokenLineage, TokenIssue, TokenUse } from './audit/token-lineage.js';
export type { AuditOptions } from './audit/audit-options.js';
export type { ReloadCheckErrorCode } from './reload-check/errors.js';
export type { ReloadCheckOptions, TokenProjection } from './reload-check/options.js';
export type { ReloadCheckResult, ReloadCheckFailure, FailureKind as ReloadCheckFailureKind, RequestRecord, RotationReport, TokenGeneration, TimelineEntry, IsolationReport } from './reload-check/result.js';
export type { WrittenToken } from './reload-check/volume-set.js';
export type { AuditEvent, EventUser, Level as AuditLevel, ObjectReference, Policy as AuditPolicy, PolicyRule as AuditPolicyRule, ResponseStatus, Stage as AuditStage } from './audit/types.js';
export type { IssuedToken } from './registry/token-request.js';
export type { EmulatorFaults, FaultHandle } from './faults/faults-api.js';
export type { FaultAction, FaultSpec, FaultTarget, TokenFault, TokenFaultMatch, TokenFaultSpec } from './registry/kinds/token-fault.js';
export type { RevocationMode } from './faults/revocation.js';
export type {
  KubeObject,
  ObjectMeta,
  Pod,
  Secret,
  ServiceAccount,
  ConfigMap,
  Namespace,
  Node,
  TokenRequest,
  TokenReview,
  TokenReviewStatus,
  UserInfo,
  Role,
  ClusterRole,
  RoleBinding,
  ClusterRoleBinding,
} from './registry/types.js';
export { KeySet } from './keys/index.js';
export { MemoryStore } from './store/memory-store.js';
export type { KeyValueStore } from './store/types.js';
export { STS_PATH, DEFAULT_AZURE_TENANT_ID, type WorkloadIdentitySettings, type WorkloadIdentityCloud } from './identity/workload-identity.js';
export type { TokenExchangeRecord, ExchangeObserver } from './identity/exchange-record.js';
export type { AWSRole, AzureFederatedCredential } from './registry/kinds/trust.js';
