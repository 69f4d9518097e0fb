/**
 * One request context per HTTP request, opened first by the pipeline (api/pipeline.ts) and
 * filled as the request moves through it: request info (always, before anything else), the
 * authenticated user and any impersonator, the authorization attributes and decision, the
 * credential a TokenRequest issued, warnings, and hooks that observe the request's end (audit,
 * metrics, the request log). It replaces untyped `res.locals`: every stage reads and writes
 * these typed fields.
 */
import type { IncomingMessage } from 'node:http';
import type { AuditRequest } from '../audit/auditor.js';
import type { Attributes, AuthorizationResult } from '../auth/authorizer/index.js';
import type { UserInfo } from '../registry/types.js';
import type { Query, RequestInfo } from './request-info.js';

export interface RequestContext {
  /** what the request asks for, parsed once */
  readonly info: RequestInfo;
  readonly query: Query;
  /** `process.hrtime.bigint()` when the request arrived, for latency */
  readonly startedAt: bigint;
  /** the clock's time when the request arrived (ms) */
  readonly receivedAt: number;
  /** who the request acts as (after impersonation) */
  user: UserInfo | undefined;
  /** who authenticated, when impersonating */
  impersonator: UserInfo | undefined;
  /** what authorization was asked, and what it answered */
  attributes: Attributes | undefined;
  decision: AuthorizationResult | undefined;
  /** the `jti` of a token this request issued (a TokenRequest) */
  issuedJti: string | undefined;
  /** `Warning: 299` texts for the response */
  readonly warnings: string[];
  /** audit annotations any stage learned (a stale token's, an applied fault's); the audit event takes them */
  readonly annotations: Record<string, string>;
  /** the `Audit-Id` the response carries (the client's `Audit-ID`, else a new UUID) */
  auditID: string;
  /** the request's audit event, opened after authentication when a policy records it (api/audit-filters.ts) */
  audit: AuditRequest | undefined;
}

const CONTEXT = Symbol('satoken.requestContext');

type WithContext = IncomingMessage & { [CONTEXT]?: RequestContext };

/** Opens the context of a request (the pipeline's first step). */
export function openContext(req: IncomingMessage, info: RequestInfo, query: Query, receivedAt: number): RequestContext {
  const ctx: RequestContext = { info, query, startedAt: process.hrtime.bigint(), receivedAt, user: undefined, impersonator: undefined, attributes: undefined, decision: undefined, issuedJti: undefined, warnings: [], annotations: {}, auditID: '', audit: undefined };
  (req as WithContext)[CONTEXT] = ctx;
  return ctx;
}

/**
 * The request's context. Every handler after the pipeline's first step may rely on it.
 * @example
 * const { info, user } = requestContext(req);
 */
export function requestContext(req: IncomingMessage): RequestContext {
  const ctx = (req as WithContext)[CONTEXT];
  if (!ctx) throw new Error('request context read before the pipeline opened it');
  return ctx;
}

/** The context, if the pipeline opened one (it does not for a path it refused to parse). */
export function maybeContext(req: IncomingMessage): RequestContext | undefined {
  return (req as WithContext)[CONTEXT];
}

/** The user a handler acts for: set by authentication before any handler runs. */
export function userOf(req: IncomingMessage): UserInfo {
  const u = requestContext(req).user;
  if (!u) throw new Error('request user read before authentication');
  return u;
}
