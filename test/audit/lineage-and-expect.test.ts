import { describe, expect, it } from 'vitest';
import { Auditor } from '../../src/audit/auditor.js';
import { renderLineage } from '../../src/audit/event-table.js';
import { expectNoRequest, expectRequest, requestMatchers, RequestAssertionError } from '../../src/audit/expect-requests.js';
import type { AuditAttributes } from '../../src/audit/policy-evaluator.js';
import { RequestRecorder } from '../../src/audit/recorder.js';
import { tokenLineage } from '../../src/audit/token-lineage.js';
import { ManualClock } from '../../src/clock/index.js';

const T0 = Date.parse('2024-06-06T10:00:00Z');
const node = { username: 'system:node:node-1', groups: ['system:nodes', 'system:authenticated'], extra: {} };
const app = (jti: string) => ({ username: 'system:serviceaccount:default:app', groups: ['system:serviceaccounts', 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${jti}`] } });
const base: AuditAttributes = { verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: 'web-0', resourceRequest: true, path: '/api/v1/namespaces/default/pods/web-0' };

function history() {
  const clock = new ManualClock(T0);
  const recorder = new RequestRecorder();
  const auditor = new Auditor({ sinks: [recorder], clock });
  let n = 0;
  const req = async (a: Partial<AuditAttributes>, code: number, act?: (r: NonNullable<ReturnType<Auditor['begin']>>) => void) => {
    await clock.advance(1000);
    const r = auditor.begin({ attributes: { ...base, ...a }, auditID: `id-${++n}`, requestURI: `/x/${n}`, receivedAt: clock.now() })!;
    act?.(r);
    r.complete(code);
  };
  return { recorder, req };
}

async function scripted() {
  const h = history();
  const spec = { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'pod-uid' } };
  await h.req({ user: node, verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'app' }, 201, (r) => {
    r.requestObject({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec });
    r.responseObject({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec, status: { token: 'eyJhbGciOi.eyJzdWIiOi.c2ln', expirationTimestamp: '2025-06-06T10:00:01Z' } });
    r.annotate('authentication.kubernetes.io/issued-credential-id', 'JTI=j-1');
  });
  await h.req({ user: app('j-1') }, 200, (r) => r.annotate('authorization.k8s.io/decision', 'allow'));
  await h.req({ user: app('j-1'), verb: 'list', resource: 'secrets', name: '' }, 403, (r) => r.annotate('authorization.k8s.io/decision', 'forbid'));
  await h.req({ user: app('j-2') }, 200);
  return h;
}

describe('tokenLineage', () => {
  it('joins the TokenRequest that issued a token and every request made with it, by credential id', async () => {
    const { recorder } = await scripted();
    const l = tokenLineage(recorder.list(), 'j-1');
    expect(l.issued).toMatchObject({
      auditID: 'id-1',
      user: { username: 'system:node:node-1' },
      serviceAccount: { namespace: 'default', name: 'app' },
      audiences: ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds: 3607,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'pod-uid' },
      expirationTimestamp: '2025-06-06T10:00:01Z',
      code: 201,
    });
    expect(l.uses.map((u) => [u.auditID, u.verb, u.objectRef?.resource, u.code, u.decision])).toEqual([
      ['id-2', 'get', 'pods', 200, 'allow'],
      ['id-3', 'list', 'secrets', 403, 'forbid'],
    ]);
    expect(renderLineage(l)).toMatch(/^token JTI=j-1 issued 2024-06-06T10:00:01.000Z by system:node:node-1 for default\/app \(201\)\n {2}audiences: https:\/\/kubernetes.default.svc.cluster.local; bound to Pod web-0 \(uid pod-uid\); expires 2025-06-06T10:00:01Z\n2 requests made with it:\nTIME +USER/);
  });

  it('a token whose TokenRequest was not recorded still has its uses', async () => {
    const { recorder } = await scripted();
    const l = tokenLineage(recorder.list(), 'j-2');
    expect(l.issued).toBeUndefined();
    expect(l.uses.map((u) => u.auditID)).toEqual(['id-4']);
    expect(renderLineage(l)).toContain('token JTI=j-2: its TokenRequest is not in the records');
  });

  it('events of every stage (a log) count each request once', async () => {
    const { recorder } = await scripted();
    const events = recorder.list();
    const withEarlierStages = [...events.map((e) => ({ ...e, stage: 'RequestReceived' as const })), ...events];
    expect(tokenLineage(withEarlierStages, 'j-1').uses.map((u) => [u.auditID, u.event.stage])).toEqual([
      ['id-2', 'ResponseComplete'],
      ['id-3', 'ResponseComplete'],
    ]);
  });
});

describe('expectRequest and expectNoRequest', () => {
  it('return the matching requests', async () => {
    const { recorder } = await scripted();
    expect(expectRequest(recorder, { jti: 'j-1', verb: 'get' }).map((e) => e.auditID)).toEqual(['id-2']);
    expect(expectRequest({ requests: recorder }, { jti: 'j-1' }, 2)).toHaveLength(2);
    expectNoRequest(recorder.list(), { resource: 'configmaps' });
  });

  it('a failed expectation names the filter and prints the closest recorded requests with what did not match', async () => {
    const { recorder } = await scripted();
    let message = '';
    try {
      expectRequest(recorder, { serviceAccount: 'default/app', verb: 'get', resource: 'secrets' });
    } catch (e) {
      expect(e).toBeInstanceOf(RequestAssertionError);
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('expected a recorded request matching { serviceAccount: "system:serviceaccount:default:app", verb: "get", resource: "secrets" }, found 0 among 4 recorded.');
    expect(lines[1]).toBe('The closest:');
    expect(lines[2]).toMatch(/^ {2}TIME +USER +CREDENTIAL +VERB +RESOURCE +NAMESPACE +NAME +CODE +MISMATCH$/);
    // those missing one criterion first, newest first among equals
    expect(lines[3]).toMatch(/^ {2}2024-06-06T10:00:04.000Z +system:serviceaccount:default:app +JTI=j-2 +get +pods +default +web-0 +200 +resource: "pods" not "secrets"$/);
    expect(lines[4]).toMatch(/JTI=j-1 +list +secrets .*verb: "list" not "get"$/);
    expect(lines[5]).toMatch(/JTI=j-1 +get +pods .*resource: "pods" not "secrets"$/);
    expect(lines[6]).toMatch(/system:node:node-1 .*serviceAccount: "system:node:node-1" not "system:serviceaccount:default:app"; verb: "create" not "get"; resource: "serviceaccounts\/token" not "secrets"$/);
  });

  it('a count that does not match lists the matching ones', async () => {
    const { recorder } = await scripted();
    expect(() => expectRequest(recorder, { jti: 'j-1' }, 1)).toThrow(/^expected 1 recorded request matching \{ jti: "JTI=j-1" \}, found 2 among 4 recorded\.\nThe matching ones:\n/);
  });

  it('expectNoRequest lists the offenders', async () => {
    const { recorder } = await scripted();
    expect(() => expectNoRequest(recorder, { resource: 'secrets' })).toThrow(/^expected no recorded request matching \{ resource: "secrets" \}, found 1:\n {2}TIME.*\n {2}.*list +secrets +default +403/);
  });

  it('a malformed filter is the filter\'s error, not a failed expectation', async () => {
    const { recorder } = await scripted();
    expect(() => expectRequest(recorder, { verbs: 'get' } as never)).toThrow('unknown request filter "verbs"');
  });

  it('works as a vitest matcher through expect.extend, and with .not', async () => {
    const { recorder } = await scripted();
    expect.extend(requestMatchers);
    // (chai's .not marks the assertion it is read from: one expect() per call)
    const e = () => expect(recorder) as unknown as { toHaveRecordedRequest(f: object, n?: number): void; not: { toHaveRecordedRequest(f: object): void } };
    e().toHaveRecordedRequest({ jti: 'j-1', code: 403 });
    e().not.toHaveRecordedRequest({ resource: 'configmaps' });
    expect(() => e().toHaveRecordedRequest({ resource: 'configmaps' })).toThrow(/found 0 among 4 recorded\.\nThe closest:/);
    expect(() => e().not.toHaveRecordedRequest({ jti: 'j-2' })).toThrow(/expected no recorded request matching \{ jti: "JTI=j-2" \}, found 1/);
  });
});
