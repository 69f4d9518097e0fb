import { describe, expect, it } from 'vitest';
import { microTime } from '../../src/audit/micro-time.js';
import { type AuditEvent, CREDENTIAL_ID_EXTRA } from '../../src/audit/types.js';
import { CHECK_USER_AGENT } from '../../src/reload-check/cluster.js';
import { type CheckFacts, type GenerationFacts, judge } from '../../src/reload-check/judge.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const S = 1000;
let seq = 0;

/** A recorded request `at` ms after the program started: with a token (`jti`), or rejected (no user). */
function ev(at: number, o: { jti?: string; code?: number; ua?: string; ip?: string; stage?: AuditEvent['stage']; id?: string; annotations?: Record<string, string> } = {}): AuditEvent {
  const code = o.code ?? (o.jti ? 200 : 401);
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: o.id ?? `id-${++seq}`,
    stage: o.stage ?? (code === 401 ? 'ResponseStarted' : 'ResponseComplete'),
    requestURI: '/api',
    verb: 'get',
    user: o.jti ? { username: 'system:serviceaccount:default:reload-check', extra: { [CREDENTIAL_ID_EXTRA]: [`JTI=${o.jti}`] } } : {},
    sourceIPs: [o.ip ?? '127.0.0.1'],
    userAgent: o.ua ?? 'app/1.0',
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: microTime(T0 + at),
    stageTimestamp: microTime(T0 + at + 2),
    ...(o.annotations ? { annotations: o.annotations } : {}),
  };
}

const gen = (generation: number, writtenAt: number, invalidatedAt?: number, extraJti?: string): GenerationFacts => ({
  generation,
  pod: { name: `reload-check-abcde-${generation}`, uid: `uid-${generation}` },
  tokens: [{ jti: `jti-${generation}`, path: '/var/run/secrets/kubernetes.io/serviceaccount/token', audiences: ['https://kubernetes.default.svc.cluster.local'], expirationTimestamp: null }, ...(extraJti ? [{ jti: extraJti, path: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token', audiences: ['sts.amazonaws.com'], expirationTimestamp: null }] : [])],
  writtenAt: T0 + writtenAt,
  ...(invalidatedAt !== undefined ? { invalidation: { startedAt: T0 + invalidatedAt, doneAt: T0 + invalidatedAt + 10 } } : {}),
});

// warmup 10 s, window 90 s, one rotation: token 1 at +10 s, token 0 invalidated at +100 s, end at +110 s
const ONE_ROTATION = [gen(0, -500, 100 * S), gen(1, 10 * S)];

function facts(events: AuditEvent[], o: Partial<CheckFacts> = {}): CheckFacts {
  return {
    command: ['python3', 'app.py'],
    server: 'https://127.0.0.1:6443',
    namespace: 'default',
    serviceAccount: 'reload-check',
    isolation: { mode: 'mount-namespace', rootless: false, mounts: ['/var/run/secrets/kubernetes.io/serviceaccount'] },
    settings: { warmupMs: 10 * S, windowMs: 90 * S, rotations: 1 },
    startedAt: T0,
    endedAt: T0 + 110 * S,
    generations: ONE_ROTATION,
    events,
    exit: { code: null, signal: 'SIGTERM', at: T0 + 110 * S, stoppedByCheck: true },
    notes: [],
    ...o,
  };
}

/** Requests every 5 s from `from` to `to` (exclusive) with token `jti`. */
const every5s = (from: number, to: number, o: Parameters<typeof ev>[1]) => Array.from({ length: Math.ceil((to - from) / (5 * S)) }, (_, i) => ev(from + i * 5 * S, o));

describe('judge: the verdict from what the recorder saw', () => {
  it('PASS: the program switched to the new token within the window and kept going after the invalidation', () => {
    const r = judge(facts([...every5s(1 * S, 60 * S, { jti: 'jti-0' }), ...every5s(61 * S, 110 * S, { jti: 'jti-1' })]));
    expect(r.verdict).toBe('PASS');
    expect(r.failure).toBeUndefined();
    expect(r.summary).toBe('after each of 1 invalidation the program kept making requests, none with an invalidated token (token 1 first used 51.0s after rotation 1)');
    expect(r.rotations).toEqual([
      expect.objectContaining({ rotation: 1, newToken: 1, oldToken: 0, rotatedOffsetMs: 10 * S, invalidatedOffsetMs: 100 * S + 10, staleRequests: [], requestsAfterInvalidation: 2, passed: true, firstUseOfNewToken: expect.objectContaining({ offsetMs: 61 * S, token: 1, jti: 'jti-1', code: 200 }) }),
    ]);
    expect(r.generations.map((g) => g.requests.length)).toEqual([12, 10]);
    expect(r.rejectedRequests).toEqual([]);
  });

  it('FAIL stale-token: a program that kept the first token is named with it and its first rejected request', () => {
    const r = judge(facts([...every5s(1 * S, 100 * S, { jti: 'jti-0' }), ...every5s(101 * S, 110 * S, {})]));
    expect(r.verdict).toBe('FAIL');
    expect(r.failure).toEqual({ kind: 'stale-token', rotation: 1, staleToken: { generation: 0, jti: 'jti-0' }, firstStaleRequest: expect.objectContaining({ offsetMs: 101 * S, code: 401, token: 0, jti: 'jti-0' }) });
    expect(r.summary).toBe('rotation 1: the program kept using token 0 (jti jti-0) after it was invalidated at +100.0s; first request with it after that: +101.0s get /api → 401, rejected');
    expect(r.rotations[0]!.staleRequests).toHaveLength(2);
    expect(r.timeline.map((e) => e.text)).toEqual([
      'token 0 written (jti jti-0), bound to pod reload-check-abcde-0',
      'program started: python3 app.py',
      'first request, with token 0: get /api → 200',
      'rotation 1: token 1 written (jti jti-1), bound to pod reload-check-abcde-1',
      'invalidation 1: token 0 (jti jti-0) invalidated, pod reload-check-abcde-0 deleted; last used +96.0s',
      '  request with invalidated token 0: get /api → 401',
      '  request with invalidated token 0: get /api → 401',
      'program ran until the check stopped it',
      'check ended',
    ]);
  });

  it('FAIL stale-token: a request with the old token that a lenient server still accepted counts too', () => {
    const r = judge(facts([...every5s(1 * S, 60 * S, { jti: 'jti-0' }), ...every5s(61 * S, 110 * S, { jti: 'jti-1' }), ev(100 * S + 500, { jti: 'jti-0' })]));
    expect(r.failure?.kind).toBe('stale-token');
    expect(r.summary).toMatch(/first request with it after that: \+100\.5s get \/api → 200, still accepted \(200\) by a lenient server$/);
  });

  it('FAIL stopped-requesting: no accepted request after the invalidation', () => {
    const r = judge(facts([...every5s(1 * S, 60 * S, { jti: 'jti-0' }), ...every5s(61 * S, 100 * S, { jti: 'jti-1' })]));
    expect(r.failure).toEqual({ kind: 'stopped-requesting', rotation: 1 });
    expect(r.summary).toBe('rotation 1: after token 0 was invalidated at +100.0s the program made no accepted request (it ran until the check stopped it)');
  });

  it('FAIL no-requests: nothing recorded at all, and where to look in token-dir mode', () => {
    const r = judge(facts([], { isolation: { mode: 'token-dir', dir: '/tmp/rc', reason: '--token-dir', mounts: [] } }));
    expect(r.failure).toEqual({ kind: 'no-requests' });
    expect(r.summary).toBe('the program made no request at all (it ran until the check stopped it); does it use the in-cluster configuration and read its token from $SATOKEN_TOKEN_DIR (/tmp/rc)?');
  });

  it('FAIL all-rejected: requests, none accepted', () => {
    const r = judge(facts(every5s(1 * S, 20 * S, {})));
    expect(r.failure).toEqual({ kind: 'all-rejected' });
    expect(r.summary).toBe('the server accepted none of the program\'s 4 requests (first: +1.0s get /api → 401): it does not send the volume\'s token');
  });

  it('FAIL exited-early: the program ended before the invalidation', () => {
    const r = judge(facts(every5s(1 * S, 30 * S, { jti: 'jti-0' }), { generations: [gen(0, -500), gen(1, 10 * S)], exit: { code: 1, signal: null, at: T0 + 30 * S, stoppedByCheck: false } }));
    expect(r.failure).toEqual({ kind: 'exited-early', rotation: 1 });
    expect(r.summary).toBe('the program exited with code 1 at +30.0s, before rotation 1 of 1 could be judged: a reload check needs a program that keeps making requests');
    expect(r.rotations[0]).toMatchObject({ passed: false, staleRequests: [] });
    expect(r.rotations[0]!.invalidatedAt).toBeUndefined();
  });

  it.each([
    ['another client (another User-Agent)', { ua: 'kubectl/v1.33.0' }],
    ['another client (another address)', { ip: '10.0.0.9' }],
    ['the check itself', { ua: CHECK_USER_AGENT }],
  ])('ignores a 401 from %s', (_name, o) => {
    const r = judge(facts([...every5s(1 * S, 60 * S, { jti: 'jti-0' }), ...every5s(61 * S, 110 * S, { jti: 'jti-1' }), ev(105 * S, o)]));
    expect(r.verdict).toBe('PASS');
    expect(r.rejectedRequests).toEqual([]);
  });

  it('notes rejections before any invalidation without failing for them', () => {
    const r = judge(facts([ev(500), ...every5s(1 * S, 60 * S, { jti: 'jti-0' }), ...every5s(61 * S, 110 * S, { jti: 'jti-1' })]));
    expect(r.verdict).toBe('PASS');
    expect(r.notes[0]).toBe('1 request was rejected before any token was invalidated (first: +0.5s get /api → 401): the program sent a credential the server does not accept (another token, or one for another audience)');
    expect(r.rejectedRequests[0]!.token).toBeUndefined();
  });

  it('counts a request recorded at two stages once (a watch: ResponseStarted, then ResponseComplete)', () => {
    const r = judge(facts([ev(1 * S, { jti: 'jti-0', id: 'w', stage: 'ResponseStarted' }), ev(1 * S, { jti: 'jti-0', id: 'w', stage: 'ResponseComplete' }), ...every5s(61 * S, 110 * S, { jti: 'jti-1' })]));
    expect(r.generations[0]!.requests).toHaveLength(1);
  });

  it('counts a use of a generation\'s projected web-identity token as a use of that generation', () => {
    const r = judge(facts([...every5s(1 * S, 60 * S, { jti: 'sts-0' }), ...every5s(61 * S, 110 * S, { jti: 'sts-1' })], { generations: [gen(0, -500, 100 * S, 'sts-0'), gen(1, 10 * S, undefined, 'sts-1')] }));
    expect(r.verdict).toBe('PASS');
    expect(r.generations[1]!.requests[0]).toMatchObject({ token: 1, jti: 'sts-1' });
  });

  it('names the web-identity token a stale exchange presented, not the generation\'s kube-api-access one', () => {
    const gens = [gen(0, -500, 100 * S, 'sts-0'), gen(1, 10 * S, undefined, 'sts-1')];
    const exchange = { 'workload-identity.satoken.dev/cloud': 'aws', 'workload-identity.satoken.dev/outcome': 'issued' };
    const r = judge(facts([...every5s(1 * S, 110 * S, { jti: 'sts-0', annotations: exchange })], { generations: gens }));
    expect(r.failure).toMatchObject({ kind: 'stale-token', staleToken: { generation: 0, jti: 'sts-0' }, firstStaleRequest: { token: 0, jti: 'sts-0', code: 200 } });
    expect(r.summary).toMatch(/^rotation 1: the program kept using token 0 \(jti sts-0\) after it was invalidated at \+100\.0s; .* still accepted \(200\) by the STS endpoint, which cannot know the token was invalidated$/);
  });

  it('does not count a call signed with cloud credentials issued for a token (GetCallerIdentity) as a use of that token', () => {
    // STS sessions outlive the token they were exchanged for: the program exchanges each new
    // token, and signs calls with the session it got, which the recorder attributes to the token
    const signed = { 'workload-identity.satoken.dev/outcome': 'answered' };
    const gens = [gen(0, -500, 100 * S, 'sts-0'), gen(1, 10 * S, undefined, 'sts-1')];
    const events = [...every5s(1 * S, 60 * S, { jti: 'sts-0' }), ...every5s(61 * S, 110 * S, { jti: 'sts-1' }), ...every5s(2 * S, 110 * S, { jti: 'sts-0', annotations: signed })];
    const r = judge(facts(events, { generations: gens }));
    expect(r.verdict).toBe('PASS');
    expect(r.generations.map((g) => g.requests.length)).toEqual([12, 10]);
    // and alone, they are no use at all
    expect(judge(facts(every5s(2 * S, 110 * S, { jti: 'sts-0', annotations: signed }), { generations: gens })).failure).toEqual({ kind: 'no-requests' });
  });

  it('names the token a rejected request most likely carried: the invalidated one last seen in use', () => {
    // two rotations; the program used token 1, then fell back to token 0 (two clients, one stale)
    const gens = [gen(0, -500, 100 * S), gen(1, 10 * S, 200 * S), gen(2, 110 * S)];
    const events = [...every5s(1 * S, 95 * S, { jti: 'jti-0' }), ...every5s(20 * S, 150 * S, { jti: 'jti-1' }), ...every5s(151 * S, 210 * S, { jti: 'jti-2' }), ev(205 * S)];
    const r = judge(facts(events, { generations: gens, settings: { warmupMs: 10 * S, windowMs: 90 * S, rotations: 2 }, endedAt: T0 + 210 * S }));
    expect(r.failure).toMatchObject({ kind: 'stale-token', rotation: 2, staleToken: { generation: 1, jti: 'jti-1' } });
    expect(r.rotations.map((x) => x.passed)).toEqual([true, false]);
  });

  it('never puts a token value in the result', () => {
    const r = judge(facts([...every5s(1 * S, 100 * S, { jti: 'jti-0' }), ev(101 * S)]));
    expect(JSON.stringify(r)).not.toMatch(/eyJ/);
  });
});
