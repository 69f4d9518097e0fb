/**
 * Audit: policy, events, the log backend, the request recorder and token lineage by credential
 * id. The request context opens an event with {@link Auditor.begin}; everything else here is
 * what it is made of.
 */
export { Auditor, AuditRequest, auditIdOf, eventUser, type AuditSink, type AuditStart, type StatusLike } from './auditor.js';
export { readAuditFlags, buildAuditor, AuditFlagError, type AuditFlags, type AuditOptions, type AuditSettings } from './audit-options.js';
export { jsonLine, legacyLine, LOG_FORMATS, type LogFormat } from './event-format.js';
export { renderTable, renderLineage } from './event-table.js';
export { AUDIT_EVENTS_PATH, eventList, followEvents, readEventsQuery, type EventsQuery } from './events-endpoint.js';
export { expectRequest, expectNoRequest, requestMatchers, RequestAssertionError, type RequestSource } from './expect-requests.js';
export { LogBackend, type LogBackendOptions } from './log-backend.js';
export { microTime, parseMicroTime } from './micro-time.js';
export { AuditPolicyError, loadPolicyFile, parsePolicy, MAX_POLICY_FILE_BYTES } from './policy-file.js';
export { PolicyEvaluator, ruleMatches, type AuditAttributes, type RequestAuditConfig } from './policy-evaluator.js';
export { validatePolicy } from './policy-validation.js';
export { RequestRecorder, DEFAULT_RECORDER_POLICY, type RecorderOptions } from './recorder.js';
export { REDACTED, redactText, snapshotText } from './redact.js';
export { compileFilter, filterFromQuery, matcher, RequestFilterError, type RequestFilter } from './request-filter.js';
export { RotatingFile, type RotatingFileOptions } from './rotating-file.js';
export { sourceIps, canonicalIp } from './source-ips.js';
export { tokenLineage, type TokenLineage, type TokenIssue, type TokenUse } from './token-lineage.js';
export * from './types.js';
