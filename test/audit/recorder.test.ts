import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Auditor, type AuditStart } from '../../src/audit/auditor.js';
import type { AuditAttributes } from '../../src/audit/policy-evaluator.js';
import { DEFAULT_RECORDER_POLICY, RequestRecorder } from '../../src/audit/recorder.js';
import { ManualClock } from '../../src/clock/index.js';
import type { UserInfo } from '../../src/registry/types.js';

const T0 = Date.parse('2024-06-06T10:00:00Z');
const user = (name: string, jti?: string): UserInfo => ({ username: name, groups: ['system:authenticated'], extra: jti ? { 'authentication.kubernetes.io/credential-id': [`JTI=${jti}`] } : {} });
const attrs = (a: Partial<AuditAttributes> = {}): AuditAttributes => ({ user: user('system:serviceaccount:default:app', 'j-1'), verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: 'web-0', resourceRequest: true, path: '/api/v1/namespaces/default/pods/web-0', ...a });

function rig(recorder = new RequestRecorder()) {
  const clock = new ManualClock(T0);
  const auditor = new Auditor({ sinks: [recorder], clock });
  let n = 0;
  const request = (a: Partial<AuditAttributes> = {}, code = 200, more: Partial<AuditStart> = {}) => {
    const r = auditor.begin({ attributes: attrs(a), auditID: `id-${++n}`, requestURI: attrs(a).path, receivedAt: clock.now(), ...more });
    r?.complete(code);
    return r;
  };
  return { clock, auditor, recorder, request };
}

describe('RequestRecorder: one entry per request', () => {
  it('records each request once, at its last stage (the default policy omits RequestReceived)', () => {
    const { recorder, request } = rig();
    request();
    request({ verb: 'list', name: '' });
    expect(recorder.list().map((e) => [e.auditID, e.stage, e.verb])).toEqual([
      ['id-1', 'ResponseComplete', 'get'],
      ['id-2', 'ResponseComplete', 'list'],
    ]);
  });

  it('a watch shows as ResponseStarted until it ends, then is replaced in place', async () => {
    const { clock, auditor, recorder, request } = rig();
    const w = auditor.begin({ attributes: attrs({ verb: 'watch', name: '' }), auditID: 'watch-1', requestURI: '/api/v1/pods?watch=true', receivedAt: clock.now(), longRunning: true })!;
    w.responseStarted(200);
    request();
    expect(recorder.list().map((e) => [e.auditID, e.stage])).toEqual([
      ['watch-1', 'ResponseStarted'],
      ['id-1', 'ResponseComplete'],
    ]);
    await clock.advance(1000);
    w.complete();
    expect(recorder.list().map((e) => [e.auditID, e.stage])).toEqual([
      ['watch-1', 'ResponseComplete'],
      ['id-1', 'ResponseComplete'],
    ]);
    expect(recorder.size).toBe(2);
  });

  it('a policy that keeps RequestReceived still leaves one entry per request', () => {
    const { recorder, request } = rig(new RequestRecorder({ policy: { rules: [{ level: 'Metadata' }] } }));
    request();
    expect(recorder.list().map((e) => e.stage)).toEqual(['ResponseComplete']);
  });

  it('TokenRequests are kept with their objects by default, other requests at Metadata', () => {
    expect(DEFAULT_RECORDER_POLICY.rules[0]).toEqual({ level: 'RequestResponse', resources: [{ group: '', resources: ['serviceaccounts/token'] }] });
    const { recorder, clock, auditor } = rig();
    const r = auditor.begin({ attributes: attrs({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'app' }), auditID: 't', requestURI: '/x', receivedAt: clock.now() })!;
    r.requestObject({ kind: 'TokenRequest', spec: { audiences: ['vault'] } });
    r.responseObject({ kind: 'TokenRequest', spec: { audiences: ['vault'] }, status: { token: 'eyJhbGciOi.eyJzdWIiOi.c2ln' } });
    r.complete(201);
    expect(recorder.last()!.responseObject).toEqual({ kind: 'TokenRequest', spec: { audiences: ['vault'] }, status: { token: '<redacted>' } });
  });

  it('alike requests share their source IP list in the kept events (frozen), instead of each keeping its own', () => {
    const { recorder, request } = rig();
    request({}, 200, { sourceIPs: ['10.0.0.1', '127.0.0.1'] });
    request({}, 200, { sourceIPs: ['10.0.0.1', '127.0.0.1'] });
    request({}, 200, { sourceIPs: ['10.0.0.2'] });
    const [a, b, c] = recorder.list();
    expect(a!.sourceIPs).toBe(b!.sourceIPs);
    expect([Object.isFrozen(a!.sourceIPs), a!.sourceIPs, c!.sourceIPs]).toEqual([true, ['10.0.0.1', '127.0.0.1'], ['10.0.0.2']]);
    // a hostile X-Forwarded-For list is kept whole, as it came, and is not made a key of the table
    const long = Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    request({}, 200, { sourceIPs: long });
    expect(recorder.last()!.sourceIPs).toEqual(long);
  });

  it('keeps a TokenRequest\'s objects as their redacted text, parsed in place when read, independent of the live objects; a log sink gets them as objects', () => {
    const recorder = new RequestRecorder();
    const logged: Array<Record<string, unknown>> = [];
    const logSink = { evaluator: recorder.evaluator, process: (e: object) => void logged.push(e as Record<string, unknown>) };
    const clock = new ManualClock(T0);
    const auditor = new Auditor({ sinks: [recorder, logSink], clock });
    const r = auditor.begin({ attributes: attrs({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'app' }), auditID: 't', requestURI: '/x', receivedAt: clock.now() })!;
    const body = { kind: 'TokenRequest', spec: { audiences: ['vault'] } };
    r.requestObject(body);
    r.complete(201);
    body.spec.audiences.push('changed later');
    const followed: unknown[] = [];
    const stop = recorder.follow((e) => followed.push(e.requestObject));
    const r2 = auditor.begin({ attributes: attrs({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'app' }), auditID: 't2', requestURI: '/x', receivedAt: clock.now() })!;
    r2.requestObject({ kind: 'TokenRequest', spec: { audiences: ['followed'] } });
    r2.complete(201);
    stop();
    expect(followed).toEqual([{ kind: 'TokenRequest', spec: { audiences: ['followed'] } }]);
    const kept = recorder.first()!;
    expect(Object.getOwnPropertyDescriptor(kept, 'requestObject')!.value).toEqual({ kind: 'TokenRequest', spec: { audiences: ['vault'] } });
    expect(recorder.first()!.requestObject).toBe(kept.requestObject);
    expect(Object.keys(kept).indexOf('requestObject')).toBeLessThan(Object.keys(kept).indexOf('requestReceivedTimestamp'));
    expect(JSON.parse(JSON.stringify(kept)).requestObject).toEqual({ kind: 'TokenRequest', spec: { audiences: ['vault'] } });
    const last = logged.findLast((e) => e.auditID === 't')!;
    expect([Object.getOwnPropertyDescriptor(last, 'requestObject')!.value, Object.keys(last).indexOf('requestObject') < Object.keys(last).indexOf('requestReceivedTimestamp')]).toEqual([{ kind: 'TokenRequest', spec: { audiences: ['vault'] } }, true]);
  });
});

describe('RequestRecorder: filters', () => {
  function filled() {
    const r = rig();
    r.request();
    r.request({ verb: 'list', name: '', resource: 'secrets' }, 403);
    r.request({ user: user('system:node:node-1'), verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'app' }, 201);
    r.request({ user: user('system:serviceaccount:default:other', 'j-2'), namespace: 'kube-system' }, 404);
    r.request({ resourceRequest: false, path: '/healthz', resource: '', namespace: '', name: '', apiVersion: '' }, 200, { requestURI: '/healthz?verbose' });
    return r;
  }
  const ids = (r: ReturnType<typeof filled>, f: Parameters<RequestRecorder['list']>[0]) => r.recorder.list(f).map((e) => e.auditID);

  it.each([
    ['user', { user: 'system:node:node-1' }, ['id-3']],
    ['service account as ns/name', { serviceAccount: 'default/app' }, ['id-1', 'id-2', 'id-5']],
    ['service account as a username', { serviceAccount: 'system:serviceaccount:default:other' }, ['id-4']],
    ['credential id', { credentialId: 'JTI=j-2' }, ['id-4']],
    ['jti', { jti: 'j-1' }, ['id-1', 'id-2', 'id-5']],
    ['verb', { verb: 'list' }, ['id-2']],
    ['several verbs', { verb: ['list', 'create'] }, ['id-2', 'id-3']],
    ['resource', { resource: 'pods' }, ['id-1', 'id-4']],
    ['subresource', { resource: 'serviceaccounts/token' }, ['id-3']],
    ['resource and its subresources', { resource: 'serviceaccounts/*' }, ['id-3']],
    ['a non-resource path', { resource: '/healthz' }, ['id-5']],
    ['namespace', { namespace: 'kube-system' }, ['id-4']],
    ['name', { name: 'app' }, ['id-3']],
    ['code', { code: 403 }, ['id-2']],
    ['code class', { code: '4xx' }, ['id-2', 'id-4']],
    ['code range', { code: [200, 299] }, ['id-1', 'id-3', 'id-5']],
    ['code range text', { code: '400-403' }, ['id-2']],
    ['several criteria together', { serviceAccount: 'default/app', code: '2xx', resource: 'pods' }, ['id-1']],
    ['auditID', { auditID: 'id-4' }, ['id-4']],
  ] as const)('%s', (_n, f, want) => {
    expect(ids(filled(), f as never)).toEqual(want);
  });

  it('time range: since is inclusive, until exclusive', async () => {
    const r = rig();
    r.request();
    await r.clock.advance(1000);
    r.request();
    await r.clock.advance(1000);
    r.request();
    expect(r.recorder.list({ since: new Date(T0 + 1000), until: '2024-06-06T10:00:02Z' }).map((e) => e.auditID)).toEqual(['id-2']);
    expect(r.recorder.list({ since: T0 + 1500 }).map((e) => e.auditID)).toEqual(['id-3']);
  });

  it('first, last, count, limit, clear', () => {
    const r = filled();
    expect(r.recorder.first({ jti: 'j-1' })!.auditID).toBe('id-1');
    expect(r.recorder.last({ jti: 'j-1' })!.auditID).toBe('id-5');
    expect(r.recorder.count({ code: '4xx' })).toBe(2);
    expect(r.recorder.list(undefined, 2).map((e) => e.auditID)).toEqual(['id-4', 'id-5']);
    expect([...r.recorder].length).toBe(5);
    r.recorder.clear();
    expect([r.recorder.size, r.recorder.list(), r.recorder.bytes]).toEqual([0, [], 0]);
    r.request();
    expect(r.recorder.list().map((e) => e.auditID)).toEqual(['id-6']);
  });

  it.each([
    ['an unknown member', { usr: 'x' }, 'unknown request filter "usr" (the filters are annotation, apiGroup, auditID, code, credentialId, jti, name, namespace, resource, serviceAccount, since, stage, until, user, verb)'],
    ['a prototype key', JSON.parse('{"__proto__": {"user": "x"}}'), 'unknown request filter "__proto__"'],
    ['a number for a name', { user: 7 }, 'request filter "user" must be a string, got number'],
    ['an empty string', { verb: '' }, 'request filter "verb" must not be empty'],
    ['an oversized value', { name: 'x'.repeat(5000) }, 'request filter "name" is longer than 1024 characters'],
    ['a malformed service account', { serviceAccount: 'app' }, 'request filter "serviceAccount" must be "<namespace>/<name>" or "system:serviceaccount:<namespace>:<name>", got "app"'],
    ['a credential id without a type', { credentialId: 'abc' }, 'request filter "credentialId" must be "<type>=<id>" (JTI=<jti>, X509SHA256=<hex>), got "abc"'],
    ['a code out of range', { code: 999 }, 'request filter "code" must be an HTTP status code (100-599), got 999'],
    ['a code word', { code: 'ok' }, 'request filter "code" must be a status code (403), a class (4xx) or a range (400-499), got "ok"'],
    ['a backwards range', { code: [499, 400] }, 'request filter "code" as a range must be [min, max] with HTTP status codes, min <= max'],
    ['a bad time', { since: 'yesterday' }, 'request filter "since": "yesterday" is not an RFC 3339 time (like 2024-06-06T10:15:42Z)'],
    ['an invalid Date', { until: new Date('nope') }, 'request filter "until" is an invalid Date'],
    ['a stage that does not exist', { stage: 'Done' }, 'request filter "stage" must be one of RequestReceived, ResponseStarted, ResponseComplete, Panic, got "Done"'],
    ['too many verbs', { verb: Array(40).fill('get') }, 'request filter "verb" must name between 1 and 32 verbs'],
    ['not an object', 'pods', 'a request filter must be an object, got string'],
  ])('a filter with %s is a clear error', (_n, f, message) => {
    const { recorder } = rig();
    expect(() => recorder.list(f as never)).toThrow(message);
  });
});

describe('RequestRecorder: bounds', () => {
  it('keeps the newest maxEvents, counting the evicted', () => {
    const { recorder, request } = rig(new RequestRecorder({ maxEvents: 3 }));
    for (let i = 0; i < 5; i++) request();
    expect(recorder.list().map((e) => e.auditID)).toEqual(['id-3', 'id-4', 'id-5']);
    expect(recorder.evicted).toBe(2);
  });

  it('keeps within maxBytes: large requests push the oldest out', () => {
    const { recorder, request } = rig(new RequestRecorder({ maxBytes: 64 * 1024 }));
    for (let i = 0; i < 20; i++) request({}, 200, { requestURI: `/api/v1/pods?x=${'a'.repeat(8 * 1024)}` });
    expect(recorder.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(recorder.size).toBeLessThan(20);
    expect(recorder.size).toBeGreaterThan(0);
    expect(recorder.last()!.auditID).toBe('id-20');
  });

  it('rejects bounds that are not positive integers', () => {
    expect(() => new RequestRecorder({ maxEvents: 0 })).toThrow('recorder maxEvents must be a positive integer, got 0');
    expect(() => new RequestRecorder({ maxBytes: 1.5 })).toThrow('recorder maxBytes must be a positive integer, got 1.5');
  });

  it('100,000 requests: the count stays at its bound, and so does memory', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const maxEvents = 5_000;
    const { recorder, request } = rig(new RequestRecorder({ maxEvents }));
    const heapAfter = (n: number, from: number) => {
      for (let i = from; i < n; i++) {
        // a varied mix: different users, paths, codes, some hostile URIs
        request({ user: user(`system:serviceaccount:ns-${i % 50}:sa-${i % 7}`, `jti-${i}`), name: `pod-${i}` }, i % 10 === 0 ? 403 : 200, { requestURI: i % 1000 === 0 ? `/api/v1/pods?q=${'z'.repeat(4096)}` : `/api/v1/namespaces/ns/pods/pod-${i}` });
      }
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const at10k = heapAfter(10_000, 0);
    const at100k = heapAfter(100_000, 10_000);
    expect(recorder.size).toBe(maxEvents);
    expect(recorder.evicted).toBe(100_000 - maxEvents);
    expect(recorder.list().at(-1)!.auditID).toBe('id-100000');
    // the ring was full at 10k: 90,000 more requests must not grow the heap by more than noise
    expect(at100k - at10k).toBeLessThan(8 * 1024 * 1024);
    expect(recorder.bytes).toBeLessThan(recorder.maxBytes);
  });
});
