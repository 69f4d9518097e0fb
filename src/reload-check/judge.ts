/**
 * The verdict, from what the check did (tokens written, pods deleted) and what the server's
 * request recorder saw. Pure: no clock, no I/O.
 *
 * Attribution:
 * - an accepted request names its token: its user's extra carries
 *   `authentication.kubernetes.io/credential-id: JTI=<jti>` (KEP-4193);
 * - a rejected one (401) does not: kube-apiserver audits a failed authentication without a
 *   user (staging/src/k8s.io/apiserver/pkg/endpoints/filters/authn_audit.go), and satoken does
 *   the same. A 401 is the program's when it came from a source address and User-Agent the
 *   program used with its own tokens (any 401 but the check's own, if the program never got
 *   through); its token is taken to be the invalidated one the program was last seen using;
 * - a call signed with cloud credentials that a token was exchanged for (STS GetCallerIdentity)
 *   names that token too, but does not present it: it is not a use of the token (the clouds
 *   keep such sessions until they expire, whatever becomes of the token).
 */
import { parseMicroTime } from '../audit/micro-time.js';
import { type AuditEvent, CREDENTIAL_ID_EXTRA } from '../audit/types.js';
import { EXCHANGE_ANNOTATIONS } from '../identity/exchange-record.js';
import { CHECK_USER_AGENT } from './cluster.js';
import type { ProgramExit } from './program-process.js';
import type { FailureKind, IsolationReport, ReloadCheckFailure, ReloadCheckResult, RequestRecord, RotationReport, TimelineEntry, TokenGeneration } from './result.js';
import type { WrittenToken } from './volume-set.js';

/** A generation as the check lived it (times on the check's clock, epoch ms). */
export interface GenerationFacts {
  generation: number;
  pod: { name: string; uid: string };
  tokens: WrittenToken[];
  writtenAt: number;
  /** the pod's deletion: sent at `startedAt`, answered at `doneAt` */
  invalidation?: { startedAt: number; doneAt: number };
}

export interface CheckFacts {
  command: string[];
  server: string;
  namespace: string;
  serviceAccount: string;
  isolation: IsolationReport;
  settings: { warmupMs: number; windowMs: number; rotations: number };
  /** when the program was started */
  startedAt: number;
  endedAt: number;
  generations: GenerationFacts[];
  events: Iterable<AuditEvent>;
  exit: ProgramExit;
  notes: string[];
}

/** The exchange endpoints by the cloud annotation of their audit events. */
const CLOUD_ENDPOINTS: Record<string, string> = { aws: 'the STS endpoint', azure: 'the Entra token endpoint' };

const RANK: Record<string, number> = { RequestReceived: 0, ResponseStarted: 1, ResponseComplete: 2, Panic: 2 };
const MAX_LISTED = 5;

const iso = (ms: number) => new Date(ms).toISOString();
/** `+12.3s` */
export const offset = (ms: number): string => `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1000).toFixed(1)}s`;

/** One event per request, its last stage. */
function lastStages(events: Iterable<AuditEvent>): AuditEvent[] {
  const by = new Map<string, AuditEvent>();
  for (const ev of events) {
    const key = `${ev.auditID}\u0000${ev.requestReceivedTimestamp}`;
    const prev = by.get(key);
    if (!prev || (RANK[ev.stage] ?? 0) >= (RANK[prev.stage] ?? 0)) by.set(key, ev);
  }
  return [...by.values()].sort((a, b) => parseMicroTime(a.requestReceivedTimestamp) - parseMicroTime(b.requestReceivedTimestamp));
}

/**
 * The check's token (`JTI=<jti>`, among `known`) that a recorded request presented, if any: not
 * a call signed with credentials issued for it (the exchange's outcome `answered`).
 */
export function presentedCredential(ev: AuditEvent, known: { has(credentialId: string): boolean }): string | undefined {
  if (ev.annotations?.[EXCHANGE_ANNOTATIONS.outcome] === 'answered') return undefined;
  return ev.user.extra?.[CREDENTIAL_ID_EXTRA]?.find((c) => known.has(c));
}

const signature = (ev: AuditEvent) => `${ev.sourceIPs?.[0] ?? ''}\u0000${ev.userAgent ?? ''}`;

/** A request as the result shows it. */
function record(ev: AuditEvent, startedAt: number, token?: number, jti?: string): RequestRecord {
  const at = parseMicroTime(ev.requestReceivedTimestamp);
  const r: RequestRecord = { time: iso(at), offsetMs: at - startedAt, verb: ev.verb, requestURI: ev.requestURI, auditID: ev.auditID };
  if (ev.responseStatus?.code !== undefined) r.code = ev.responseStatus.code;
  if (ev.userAgent) r.userAgent = ev.userAgent;
  if (token !== undefined) r.token = token;
  if (jti !== undefined) r.jti = jti;
  return r;
}

export const describeRequest = (r: RequestRecord): string => `${r.verb} ${r.requestURI} → ${r.code ?? '?'}`;

/**
 * Judges a check:
 * - the program's accepted requests, per generation (by credential id), and its rejected ones;
 * - per rotation: the first use of the new token; the requests with the old one after its
 *   invalidation (rejected, or still accepted by a lenient server); whether accepted requests
 *   went on after it;
 * - FAIL, in this order: no request at all; none accepted; the first rotation with a stale
 *   request (naming the stale token and the first such request); the first rotation after
 *   whose invalidation no accepted request came; the program ending before every rotation
 *   was made. PASS otherwise.
 * @example
 * const result = judge(facts); result.verdict; // 'PASS'
 */
export function judge(f: CheckFacts): ReloadCheckResult {
  const events = lastStages(f.events);
  const genOfJti = new Map<string, number>();
  for (const g of f.generations) for (const t of g.tokens) genOfJti.set(`JTI=${t.jti}`, g.generation);

  const uses: RequestRecord[] = [];
  const signatures = new Set<string>();
  for (const ev of events) {
    const cred = presentedCredential(ev, genOfJti);
    if (!cred) continue;
    uses.push(record(ev, f.startedAt, genOfJti.get(cred), cred.slice(4)));
    signatures.add(signature(ev));
  }
  const rejectedEvents = events.filter((ev) => ev.responseStatus?.code === 401 && !ev.user.username && ev.userAgent !== CHECK_USER_AGENT && parseMicroTime(ev.requestReceivedTimestamp) >= f.startedAt && (signatures.size === 0 || signatures.has(signature(ev))));
  const atOf = (r: RequestRecord) => r.offsetMs + f.startedAt;

  // the invalidated generation a rejection at `at` most likely carried: the one last seen in use
  const presumedToken = (at: number, fallback: number): number => {
    let best: { gen: number; at: number } | undefined;
    for (const g of f.generations) {
      if (!g.invalidation || g.invalidation.startedAt > at) continue;
      const last = uses.filter((u) => u.token === g.generation && atOf(u) <= at).at(-1);
      if (last && (!best || atOf(last) > best.at)) best = { gen: g.generation, at: atOf(last) };
    }
    return best?.gen ?? fallback;
  };
  const firstInvalidation = Math.min(...f.generations.map((g) => g.invalidation?.startedAt ?? Infinity));
  const rejected = rejectedEvents.map((ev) => {
    const at = parseMicroTime(ev.requestReceivedTimestamp);
    if (at < firstInvalidation) return record(ev, f.startedAt);
    const gen = presumedToken(at, f.generations.find((g) => g.invalidation && g.invalidation.startedAt <= at)?.generation ?? 0);
    return record(ev, f.startedAt, gen, f.generations[gen]?.tokens[0]?.jti);
  });

  const rotations: RotationReport[] = [];
  for (const g of f.generations.slice(1)) {
    const r = g.generation;
    const old = f.generations[r - 1]!;
    const inv = old.invalidation;
    const next = f.generations[r]?.invalidation?.startedAt ?? Infinity;
    const report: RotationReport = { rotation: r, newToken: r, oldToken: r - 1, rotatedAt: iso(g.writtenAt), rotatedOffsetMs: g.writtenAt - f.startedAt, staleRequests: [], requestsAfterInvalidation: 0, passed: true };
    const firstNew = uses.find((u) => (u.token ?? -1) >= r && atOf(u) >= g.writtenAt);
    if (firstNew) report.firstUseOfNewToken = firstNew;
    if (inv) {
      report.invalidatedAt = iso(inv.doneAt);
      report.invalidatedOffsetMs = inv.doneAt - f.startedAt;
      const staleAccepted = uses.filter((u) => u.token === r - 1 && atOf(u) >= inv.doneAt);
      const staleRejected = rejected.filter((x) => atOf(x) >= inv.startedAt && atOf(x) < next);
      report.staleRequests = [...staleAccepted, ...staleRejected].sort((a, b) => a.offsetMs - b.offsetMs);
      report.requestsAfterInvalidation = uses.filter((u) => (u.token ?? -1) >= r && atOf(u) >= inv.doneAt && atOf(u) < next).length;
      report.passed = report.staleRequests.length === 0 && report.requestsAfterInvalidation > 0;
    } else {
      report.passed = false;
    }
    rotations.push(report);
  }

  const generations: TokenGeneration[] = f.generations.map((g) => ({
    generation: g.generation,
    pod: g.pod,
    tokens: g.tokens,
    writtenAt: iso(g.writtenAt),
    writtenOffsetMs: g.writtenAt - f.startedAt,
    ...(g.invalidation ? { invalidatedAt: iso(g.invalidation.doneAt), invalidatedOffsetMs: g.invalidation.doneAt - f.startedAt } : {}),
    requests: uses.filter((u) => u.token === g.generation),
  }));

  const exitOffset = f.exit.at - f.startedAt;
  // a verb phrase: "the program <exitText>"
  const exitText = f.exit.stoppedByCheck ? 'ran until the check stopped it' : `exited with ${f.exit.code !== null ? `code ${f.exit.code}` : `signal ${f.exit.signal}`} at ${offset(exitOffset)}`;
  const notes = [...f.notes];
  const early = rejected.filter((x) => atOf(x) < firstInvalidation);
  if (early.length) notes.push(`${early.length} request${early.length === 1 ? ' was' : 's were'} rejected before any token was invalidated (first: ${offset(early[0]!.offsetMs)} ${describeRequest(early[0]!)}): the program sent a credential the server does not accept (another token, or one for another audience)`);
  if (rejected.length) notes.push('rejected requests carry no user in the audit (as in kube-apiserver): they are the program\'s by source address and User-Agent, and their token is the invalidated one it was last seen using');

  let failure: ReloadCheckFailure | undefined;
  let summary: string;
  const fail = (kind: FailureKind, text: string, extra: Omit<ReloadCheckFailure, 'kind'> = {}) => {
    failure = { kind, ...extra };
    summary = text;
  };
  const performed = rotations.filter((r) => r.invalidatedAt !== undefined).length;
  const staleRotation = rotations.find((r) => r.staleRequests.length > 0);
  const silentRotation = rotations.find((r) => r.invalidatedAt !== undefined && r.requestsAfterInvalidation === 0);
  if (uses.length === 0 && rejected.length === 0) {
    fail('no-requests', `the program made no request at all (it ${exitText}); does it use the in-cluster configuration${f.isolation.mode === 'token-dir' ? ` and read its token from $SATOKEN_TOKEN_DIR (${f.isolation.dir})` : ''}?`);
  } else if (uses.length === 0) {
    fail('all-rejected', `the server accepted none of the program's ${rejected.length} request${rejected.length === 1 ? '' : 's'} (first: ${offset(rejected[0]!.offsetMs)} ${describeRequest(rejected[0]!)}): it does not send the volume's token`);
  } else if (staleRotation && (!silentRotation || staleRotation.rotation <= silentRotation.rotation)) {
    const first = staleRotation.staleRequests[0]!;
    const gen = first.token ?? staleRotation.oldToken;
    // the token the request presented (an extra projection's, for a web-identity client)
    const jti = first.jti ?? f.generations[gen]!.tokens[0]!.jti;
    // a cloud's token exchange cannot know that Kubernetes invalidated the token (nor can the cloud's)
    const cloud = events.find((e) => e.auditID === first.auditID)?.annotations?.[EXCHANGE_ANNOTATIONS.cloud];
    const accepter = cloud ? `${CLOUD_ENDPOINTS[cloud] ?? cloud}, which cannot know the token was invalidated` : 'a lenient server';
    const how = first.code === 401 ? 'rejected' : `still accepted (${first.code ?? '?'}) by ${accepter}`;
    fail('stale-token', `rotation ${staleRotation.rotation}: the program kept using token ${gen} (jti ${jti}) after it was invalidated at ${offset(staleRotation.invalidatedOffsetMs!)}; first request with it after that: ${offset(first.offsetMs)} ${describeRequest(first)}, ${how}`, { rotation: staleRotation.rotation, staleToken: { generation: gen, jti }, firstStaleRequest: first });
  } else if (silentRotation) {
    fail('stopped-requesting', `rotation ${silentRotation.rotation}: after token ${silentRotation.oldToken} was invalidated at ${offset(silentRotation.invalidatedOffsetMs!)} the program made no accepted request (it ${exitText})`, { rotation: silentRotation.rotation });
  } else if (performed < f.settings.rotations) {
    fail('exited-early', `the program ${exitText}, before rotation ${performed + 1} of ${f.settings.rotations} could be judged: a reload check needs a program that keeps making requests`, { rotation: performed + 1 });
  } else {
    const firsts = rotations.map((r) => (r.firstUseOfNewToken ? `token ${r.newToken} first used ${offset(r.firstUseOfNewToken.offsetMs - r.rotatedOffsetMs).slice(1)} after rotation ${r.rotation}` : `token ${r.newToken} unused`)).join(', ');
    summary = `after each of ${performed} invalidation${performed === 1 ? '' : 's'} the program kept making requests, none with an invalidated token (${firsts})`;
  }

  return {
    verdict: failure ? 'FAIL' : 'PASS',
    summary: summary!,
    ...(failure ? { failure } : {}),
    command: f.command,
    server: f.server,
    namespace: f.namespace,
    serviceAccount: f.serviceAccount,
    isolation: f.isolation,
    settings: f.settings,
    startedAt: iso(f.startedAt),
    endedAt: iso(f.endedAt),
    generations,
    rotations,
    rejectedRequests: rejected,
    program: { exitCode: f.exit.code, signal: f.exit.signal, stoppedByCheck: f.exit.stoppedByCheck, exitedOffsetMs: exitOffset },
    timeline: timeline(f, generations, rotations, uses, early, exitText),
    notes,
  };
}

function timeline(f: CheckFacts, generations: TokenGeneration[], rotations: RotationReport[], uses: RequestRecord[], early: RequestRecord[], exitText: string): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const add = (offsetMs: number, event: TimelineEntry['event'], text: string, extra: { rotation?: number; token?: number } = {}) => out.push({ offsetMs, time: iso(f.startedAt + offsetMs), event, text, ...extra });
  const g0 = generations[0];
  if (g0) add(g0.writtenOffsetMs, 'token-written', `token 0 written (jti ${g0.tokens[0]?.jti}), bound to pod ${g0.pod.name}`, { token: 0 });
  add(0, 'started', `program started: ${f.command.join(' ')}`);
  if (uses[0]) add(uses[0].offsetMs, 'first-request', `first request, with token ${uses[0].token}: ${describeRequest(uses[0])}`, { token: uses[0].token! });
  if (early[0]) add(early[0].offsetMs, 'rejected', `rejected before any invalidation: ${describeRequest(early[0])}${early.length > 1 ? ` (${early.length} such)` : ''}`);
  for (const r of rotations) {
    const g = generations[r.newToken]!;
    add(r.rotatedOffsetMs, 'rotation', `rotation ${r.rotation}: token ${r.newToken} written (jti ${g.tokens[0]?.jti}), bound to pod ${g.pod.name}`, { rotation: r.rotation, token: r.newToken });
    if (r.firstUseOfNewToken) add(r.firstUseOfNewToken.offsetMs, 'first-use', `rotation ${r.rotation}: first use of token ${r.firstUseOfNewToken.token}: ${describeRequest(r.firstUseOfNewToken)}`, { rotation: r.rotation, token: r.firstUseOfNewToken.token! });
    if (r.invalidatedOffsetMs === undefined) continue;
    const old = generations[r.oldToken]!;
    const last = old.requests.filter((u) => u.offsetMs < r.invalidatedOffsetMs!).at(-1);
    add(r.invalidatedOffsetMs, 'invalidation', `invalidation ${r.rotation}: token ${r.oldToken} (jti ${old.tokens[0]?.jti}) invalidated, pod ${old.pod.name} deleted${last ? `; last used ${offset(last.offsetMs)}` : '; never used'}`, { rotation: r.rotation, token: r.oldToken });
    const listed = r.staleRequests.slice(0, MAX_LISTED);
    listed.forEach((s) => add(s.offsetMs, 'stale-request', `  request with invalidated token ${s.token ?? r.oldToken}: ${describeRequest(s)}`, { rotation: r.rotation, token: s.token ?? r.oldToken }));
    if (r.staleRequests.length > MAX_LISTED) {
      const lastStale = r.staleRequests.at(-1)!;
      add(listed.at(-1)!.offsetMs, 'stale-request', `  ... and ${r.staleRequests.length - MAX_LISTED} more with invalidated tokens until ${offset(lastStale.offsetMs)}`, { rotation: r.rotation });
    }
    if (r.staleRequests.length === 0) add(r.invalidatedOffsetMs, 'invalidation', `  no request with token ${r.oldToken} after it; ${r.requestsAfterInvalidation} accepted request${r.requestsAfterInvalidation === 1 ? '' : 's'} with newer tokens before the ${r.rotation < rotations.length ? 'next invalidation' : 'end'}`, { rotation: r.rotation });
  }
  add(f.exit.at - f.startedAt, f.exit.stoppedByCheck ? 'stopped' : 'exited', `program ${exitText}`);
  add(f.endedAt - f.startedAt, 'ended', 'check ended');
  // stable: entries at one instant keep the order they were added in
  return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.offsetMs - b.e.offsetMs || a.i - b.i).map(({ e }) => e);
}
