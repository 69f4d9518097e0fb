/**
 * A token's lineage from the audit events (KEP-4193): the TokenRequest that issued it (its event
 * carries `authentication.kubernetes.io/issued-credential-id: JTI=<jti>`) and every request made
 * with it (their user's extra carries `authentication.kubernetes.io/credential-id: ["JTI=<jti>"]`).
 */
import { parseMicroTime } from './micro-time.js';
import { ANNOTATIONS, type AuditEvent, CREDENTIAL_ID_EXTRA, type EventUser } from './types.js';

/** Who asked for a token, when, and for what. */
export interface TokenIssue {
  auditID: string;
  /** when the TokenRequest arrived (MicroTime) */
  time: string;
  /** who asked (the kubelet: `system:node:<name>`) */
  user: EventUser;
  impersonatedUser?: EventUser;
  serviceAccount: { namespace: string; name: string };
  /** from the request (or, defaulted, the response) where the event recorded them */
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
  expirationTimestamp?: string;
  code?: number;
  event: AuditEvent;
}

/** One request made with the token. */
export interface TokenUse {
  auditID: string;
  time: string;
  verb: string;
  requestURI: string;
  user: EventUser;
  impersonatedUser?: EventUser;
  objectRef?: AuditEvent['objectRef'];
  code?: number;
  decision?: string;
  event: AuditEvent;
}

export interface TokenLineage {
  jti: string;
  credentialId: string;
  /** absent when the TokenRequest was not recorded (or evicted, or issued before recording began) */
  issued?: TokenIssue;
  /** oldest first */
  uses: TokenUse[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);

function issueOf(ev: AuditEvent): TokenIssue {
  const req = obj(ev.requestObject);
  const res = obj(ev.responseObject);
  const spec = obj(res?.spec) ?? obj(req?.spec);
  const status = obj(res?.status);
  const out: TokenIssue = {
    auditID: ev.auditID,
    time: ev.requestReceivedTimestamp,
    user: ev.user,
    serviceAccount: { namespace: ev.objectRef?.namespace ?? '', name: ev.objectRef?.name ?? '' },
    event: ev,
  };
  if (ev.impersonatedUser) out.impersonatedUser = ev.impersonatedUser;
  if (Array.isArray(spec?.audiences)) out.audiences = spec.audiences as string[];
  if (typeof spec?.expirationSeconds === 'number') out.expirationSeconds = spec.expirationSeconds;
  const bound = obj(spec?.boundObjectRef);
  if (bound) out.boundObjectRef = bound as TokenIssue['boundObjectRef'];
  if (typeof status?.expirationTimestamp === 'string') out.expirationTimestamp = status.expirationTimestamp;
  if (ev.responseStatus?.code !== undefined) out.code = ev.responseStatus.code;
  return out;
}

function useOf(ev: AuditEvent): TokenUse {
  const out: TokenUse = { auditID: ev.auditID, time: ev.requestReceivedTimestamp, verb: ev.verb, requestURI: ev.requestURI, user: ev.user, event: ev };
  if (ev.impersonatedUser) out.impersonatedUser = ev.impersonatedUser;
  if (ev.objectRef) out.objectRef = ev.objectRef;
  if (ev.responseStatus?.code !== undefined) out.code = ev.responseStatus.code;
  const decision = ev.annotations?.[ANNOTATIONS.decision];
  if (decision) out.decision = decision;
  return out;
}

/**
 * The lineage of the token with `jti`, from events in any order (one per request, or every
 * stage: the last stage of each request is used).
 * @example
 * const l = tokenLineage(recorder.list(), tr.jti);
 * l.issued?.user.username; // 'system:node:node-1'
 * l.uses.map((u) => `${u.verb} ${u.objectRef?.resource} ${u.code}`); // ['get pods 200', 'list secrets 403']
 */
export function tokenLineage(events: Iterable<AuditEvent>, jti: string): TokenLineage {
  const credentialId = `JTI=${jti}`;
  let issued: AuditEvent | undefined;
  const uses = new Map<string, AuditEvent>();
  for (const ev of events) {
    if (ev.annotations?.[ANNOTATIONS.issuedCredentialId] === credentialId) {
      if (!issued || issued.auditID !== ev.auditID || stageRank(ev) >= stageRank(issued)) issued = ev;
    }
    if (ev.user.extra?.[CREDENTIAL_ID_EXTRA]?.includes(credentialId)) {
      const key = `${ev.auditID}\u0000${ev.requestReceivedTimestamp}`;
      const prev = uses.get(key);
      if (!prev || stageRank(ev) >= stageRank(prev)) uses.set(key, ev);
    }
  }
  const sorted = [...uses.values()].sort((a, b) => parseMicroTime(a.requestReceivedTimestamp) - parseMicroTime(b.requestReceivedTimestamp));
  const out: TokenLineage = { jti, credentialId, uses: sorted.map(useOf) };
  if (issued) out.issued = issueOf(issued);
  return out;
}

const RANK = { RequestReceived: 0, ResponseStarted: 1, ResponseComplete: 2, Panic: 2 } as const;
function stageRank(ev: AuditEvent): number {
  return RANK[ev.stage] ?? 0;
}
