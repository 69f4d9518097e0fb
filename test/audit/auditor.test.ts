import { describe, expect, it } from 'vitest';
import { Auditor, auditIdOf, type AuditSink, type AuditStart } from '../../src/audit/auditor.js';
import { jsonLine, legacyLine } from '../../src/audit/event-format.js';
import { PolicyEvaluator, type AuditAttributes } from '../../src/audit/policy-evaluator.js';
import type { AuditEvent, Policy } from '../../src/audit/types.js';
import { ManualClock } from '../../src/clock/index.js';

const T0 = Date.parse('2024-06-06T10:15:42.123Z');

/** A sink that keeps every event and counts the calls. */
class FakeSink implements AuditSink {
  readonly evaluator: PolicyEvaluator;
  events: AuditEvent[] = [];
  previous: unknown[] = [];
  constructor(policy: Policy) {
    this.evaluator = new PolicyEvaluator(policy);
  }
  process(ev: AuditEvent, previous: unknown): unknown {
    this.events.push(ev);
    this.previous.push(previous);
    return this.events.length;
  }
}

const sa = {
  username: 'system:serviceaccount:default:app',
  uid: 'sa-uid',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
  extra: { 'authentication.kubernetes.io/pod-name': ['web-0'], 'authentication.kubernetes.io/credential-id': ['JTI=j-1'] },
};
const getPod: AuditAttributes = { user: sa, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: 'web-0', resourceRequest: true, path: '/api/v1/namespaces/default/pods/web-0' };
const start = (a: Partial<AuditStart> = {}): AuditStart => ({ attributes: getPod, auditID: 'a-1', requestURI: '/api/v1/namespaces/default/pods/web-0', userAgent: 'kubectl/v1.33.0', sourceIPs: ['127.0.0.1'], receivedAt: T0, ...a });
const all = (level: Policy['rules'][0]['level'], more: Partial<Policy> = {}): Policy => ({ rules: [{ level }], ...more });

function setup(...policies: Policy[]) {
  const clock = new ManualClock(T0);
  const sinks = policies.map((p) => new FakeSink(p));
  return { clock, sinks, auditor: new Auditor({ sinks, clock }) };
}

describe('Auditor: stages as WithAudit sends them', () => {
  it('a plain request: RequestReceived at the received time, ResponseComplete with the code at the clock time', async () => {
    const { clock, sinks, auditor } = setup(all('Metadata'));
    const a = auditor.begin(start())!;
    await clock.advance(7);
    a.annotate('authorization.k8s.io/decision', 'allow');
    a.annotate('authorization.k8s.io/reason', 'RBAC: allowed by ClusterRoleBinding "x"');
    a.responseStarted(200);
    a.complete();
    const [received, complete] = sinks[0]!.events;
    expect(sinks[0]!.events).toHaveLength(2);
    expect(jsonLine(received!)).toBe(
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-1","stage":"RequestReceived","requestURI":"/api/v1/namespaces/default/pods/web-0","verb":"get","user":{"username":"system:serviceaccount:default:app","uid":"sa-uid","groups":["system:serviceaccounts","system:serviceaccounts:default","system:authenticated"],"extra":{"authentication.kubernetes.io/credential-id":["JTI=j-1"],"authentication.kubernetes.io/pod-name":["web-0"]}},"sourceIPs":["127.0.0.1"],"userAgent":"kubectl/v1.33.0","objectRef":{"resource":"pods","namespace":"default","name":"web-0","apiVersion":"v1"},"requestReceivedTimestamp":"2024-06-06T10:15:42.123000Z","stageTimestamp":"2024-06-06T10:15:42.123000Z"}',
    );
    expect(jsonLine(complete!)).toBe(
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods/web-0","verb":"get","user":{"username":"system:serviceaccount:default:app","uid":"sa-uid","groups":["system:serviceaccounts","system:serviceaccounts:default","system:authenticated"],"extra":{"authentication.kubernetes.io/credential-id":["JTI=j-1"],"authentication.kubernetes.io/pod-name":["web-0"]}},"sourceIPs":["127.0.0.1"],"userAgent":"kubectl/v1.33.0","objectRef":{"resource":"pods","namespace":"default","name":"web-0","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2024-06-06T10:15:42.123000Z","stageTimestamp":"2024-06-06T10:15:42.130000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \\"x\\""}}',
    );
    // the sink gets back what it returned for the request's previous event
    expect(sinks[0]!.previous).toEqual([undefined, 1]);
  });

  it('level None for every sink: nothing is opened and nothing is sent', () => {
    const { sinks, auditor } = setup({ rules: [{ level: 'None' }] }, { rules: [{ level: 'Metadata', verbs: ['create'] }] });
    expect(auditor.begin(start())).toBeUndefined();
    expect(sinks.flatMap((s) => s.events)).toEqual([]);
  });

  it('an auditor without sinks is disabled', () => {
    expect(new Auditor({ sinks: [], clock: new ManualClock(T0) }).enabled).toBe(false);
  });

  it('omitted stages are not sent; each sink has its own', () => {
    const { sinks, auditor } = setup(all('Metadata', { omitStages: ['RequestReceived'] }), all('Metadata'));
    const a = auditor.begin(start())!;
    a.complete(200);
    expect(sinks[0]!.events.map((e) => e.stage)).toEqual(['ResponseComplete']);
    expect(sinks[1]!.events.map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseComplete']);
  });

  it('a long-running request (watch) gets ResponseStarted when its headers go, then ResponseComplete', async () => {
    const { clock, sinks, auditor } = setup(all('Metadata'));
    const a = auditor.begin(start({ longRunning: true, attributes: { ...getPod, verb: 'watch', name: '' } }))!;
    a.responseStarted(200);
    await clock.advance(60_000);
    a.complete();
    expect(sinks[0]!.events.map((e) => [e.stage, e.responseStatus?.code, e.stageTimestamp])).toEqual([
      ['RequestReceived', undefined, '2024-06-06T10:15:42.123000Z'],
      ['ResponseStarted', 200, '2024-06-06T10:15:42.123000Z'],
      ['ResponseComplete', 200, '2024-06-06T10:16:42.123000Z'],
    ]);
  });

  it('a response closed before anything was written: the faked "Connection closed early" success', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    auditor.begin(start({ longRunning: true }))!.complete();
    expect(sinks[0]!.events.map((e) => [e.stage, e.responseStatus])).toEqual([
      ['RequestReceived', undefined],
      ['ResponseStarted', { metadata: {}, status: 'Success', message: 'Connection closed early', code: 200 }],
      ['ResponseComplete', { metadata: {}, status: 'Success', message: 'Connection closed early', code: 200 }],
    ]);
  });

  it('a handler that failed unexpectedly: one Panic event with the 500 status, nothing after it', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    const a = auditor.begin(start())!;
    a.panic(new Error('boom'));
    a.complete(200);
    expect(sinks[0]!.events.map((e) => [e.stage, e.responseStatus])).toEqual([
      ['RequestReceived', undefined],
      ['Panic', { metadata: {}, status: 'Failure', message: "APIServer panic'd: boom", reason: 'InternalError', code: 500 }],
    ]);
  });

  it('an error Status gives status, message, reason, details and code (LogResponseObject)', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    const a = auditor.begin(start())!;
    a.annotate('authorization.k8s.io/decision', 'forbid');
    a.annotate('authorization.k8s.io/reason', '');
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "web-0" is forbidden: User "x" cannot get resource "pods"', reason: 'Forbidden', details: { name: 'web-0', kind: 'pods' }, code: 403 };
    a.responseObject(status);
    a.complete(403);
    const ev = sinks[0]!.events[1]!;
    expect(ev.responseStatus).toEqual({ metadata: {}, status: 'Failure', message: status.message, reason: 'Forbidden', details: { name: 'web-0', kind: 'pods' }, code: 403 });
    expect(ev.responseObject).toBeUndefined();
    expect(ev.annotations).toEqual({ 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' });
  });

  it('a failed authentication: one ResponseStarted event, no user, the 401 Status', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    auditor.failedAuthentication(start(), { kind: 'Status', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect(sinks[0]!.events).toHaveLength(1);
    const line = jsonLine(sinks[0]!.events[0]!);
    expect(JSON.parse(line)).toMatchObject({ stage: 'ResponseStarted', user: {}, responseStatus: { metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 } });
    expect(line).toContain('"verb":"get","user":{},"sourceIPs"');
  });

  it('a failed authentication that the policy selects by user is not recorded (there is no user)', () => {
    const { sinks, auditor } = setup({ rules: [{ level: 'Metadata', users: ['system:serviceaccount:default:app'] }] });
    auditor.failedAuthentication(start(), { code: 401 });
    expect(sinks[0]!.events).toEqual([]);
  });

  it('annotations: the first value of a key stays, keys come out sorted', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    const a = auditor.begin(start())!;
    a.annotate('z', '1');
    a.annotate('a', '2');
    a.annotate('z', 'other');
    a.complete(200);
    expect(Object.entries(sinks[0]!.events[1]!.annotations!)).toEqual([
      ['a', '2'],
      ['z', '1'],
    ]);
    // the event sent earlier kept what it had
    expect(sinks[0]!.events[0]!.annotations).toBeUndefined();
  });

  it('the impersonated user is recorded beside the authenticated one', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    const a = auditor.begin(start({ attributes: { ...getPod, user: { username: 'admin', groups: ['system:masters'], extra: {} } } }))!;
    a.impersonatedUser({ username: 'system:serviceaccount:default:app', uid: '', groups: ['system:serviceaccounts'], extra: {} });
    a.complete(200);
    expect(jsonLine(sinks[0]!.events[1]!)).toContain('"user":{"username":"admin","groups":["system:masters"]},"impersonatedUser":{"username":"system:serviceaccount:default:app","groups":["system:serviceaccounts"]},');
  });
});

describe('Auditor: levels and objects', () => {
  const tokenRequest = { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: 'app', namespace: 'default', creationTimestamp: null }, spec: { audiences: ['vault'], expirationSeconds: 3600, boundObjectRef: null }, status: { token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', expirationTimestamp: '2024-06-06T11:15:42Z' } };
  const create: AuditAttributes = { ...getPod, verb: 'create', resource: 'serviceaccounts', subresource: 'token', name: 'app', path: '/api/v1/namespaces/default/serviceaccounts/app/token' };

  it('each sink gets the event at its own level: Metadata without objects, RequestResponse with both', () => {
    const { sinks, auditor } = setup(all('Metadata'), all('Request'), all('RequestResponse'));
    const a = auditor.begin(start({ attributes: create }))!;
    expect(a.level).toBe('RequestResponse');
    a.requestObject({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: { audiences: ['vault'] } });
    a.responseObject(tokenRequest);
    a.complete(201);
    const [meta, req, full] = sinks.map((s) => s.events[1]!);
    expect([meta!.level, meta!.requestObject, meta!.responseObject]).toEqual(['Metadata', undefined, undefined]);
    expect([req!.level, req!.requestObject, req!.responseObject]).toEqual(['Request', { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: { audiences: ['vault'] } }, undefined]);
    expect(full!.responseObject).toEqual({ ...tokenRequest, status: { token: '<redacted>', expirationTimestamp: '2024-06-06T11:15:42Z' } });
    // the live object was not touched
    expect(tokenRequest.status.token).toMatch(/^eyJ/);
    // Go escapes < and > in JSON
    expect(jsonLine(full!)).toContain('"token":"\\u003credacted\\u003e"');
  });

  it('the request object completes the object reference (uid, resourceVersion) at every level', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    const a = auditor.begin(start({ attributes: { ...getPod, verb: 'update' } }))!;
    a.requestObject({ metadata: { name: 'web-0', uid: 'pod-uid', resourceVersion: '42', namespace: 'default' } });
    a.complete(200);
    expect(jsonLine(sinks[0]!.events[1]!)).toContain('"objectRef":{"resource":"pods","namespace":"default","name":"web-0","uid":"pod-uid","apiVersion":"v1","resourceVersion":"42"}');
  });

  it('the request object is a copy taken when it is given (later admission changes do not show)', () => {
    const { sinks, auditor } = setup(all('Request'));
    const a = auditor.begin(start({ attributes: { ...getPod, verb: 'create' } }))!;
    const body = { kind: 'Pod', metadata: { name: 'web-0' }, spec: {} as Record<string, unknown> };
    a.requestObject(body);
    a.complete(201);
    body.spec.serviceAccountName = 'default';
    expect(sinks[0]!.events[1]!.requestObject).toEqual({ kind: 'Pod', metadata: { name: 'web-0' }, spec: {} });
  });

  it('omitManagedFields drops metadata.managedFields from objects and list items', () => {
    const { sinks, auditor } = setup(all('RequestResponse', { omitManagedFields: true }));
    const a = auditor.begin(start({ attributes: { ...getPod, verb: 'list', name: '' } }))!;
    a.responseObject({ kind: 'PodList', items: [{ metadata: { name: 'a', managedFields: [{ manager: 'kubectl' }] } }] });
    a.complete(200);
    expect(sinks[0]!.events[1]!.responseObject).toEqual({ kind: 'PodList', items: [{ metadata: { name: 'a' } }] });
  });

  it('a patch body is the request object', () => {
    const { sinks, auditor } = setup(all('Request'));
    const a = auditor.begin(start({ attributes: { ...getPod, verb: 'patch' } }))!;
    a.requestPatch('{"metadata":{"labels":{"a":"b"}}}');
    a.complete(200);
    expect(sinks[0]!.events[1]!.requestObject).toEqual({ metadata: { labels: { a: 'b' } } });
  });

  it('non-resource requests have no objectRef', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    auditor.begin(start({ requestURI: '/healthz', attributes: { ...getPod, resourceRequest: false, path: '/healthz', resource: '', namespace: '', name: '', apiVersion: '' } }))!.complete(200);
    expect(sinks[0]!.events[1]!.objectRef).toBeUndefined();
  });
});

describe('Auditor: no token reaches an event', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL2t1YmVybmV0ZXMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

  it('TokenReview spec.token is redacted whatever its shape (static tokens are not JWTs)', () => {
    const { sinks, auditor } = setup(all('RequestResponse'));
    const a = auditor.begin(start({ attributes: { ...getPod, verb: 'create', apiGroup: 'authentication.k8s.io', resource: 'tokenreviews', namespace: '', name: '' } }))!;
    const review = { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token: 'static-admin-token-1234' } };
    a.requestObject(review);
    a.responseObject({ ...review, status: { authenticated: true } });
    a.complete(201);
    const line = jsonLine(sinks[0]!.events[1]!);
    expect(line).not.toContain('static-admin-token-1234');
    expect(JSON.parse(line).requestObject.spec.token).toBe('<redacted>');
    expect(JSON.parse(line).responseObject.spec.token).toBe('<redacted>');
  });

  it('service-account token Secrets lose data.token; other secrets lose values holding a JWT', () => {
    const { sinks, auditor } = setup(all('RequestResponse'));
    const a = auditor.begin(start({ attributes: { ...getPod, verb: 'list', resource: 'secrets', name: '' } }))!;
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    a.responseObject({
      kind: 'SecretList',
      items: [
        { kind: 'Secret', type: 'kubernetes.io/service-account-token', data: { token: b64('legacy-token-not-jwt'), 'ca.crt': b64('PEM'), namespace: b64('default') } },
        { kind: 'Secret', type: 'Opaque', data: { kubeconfig: b64(`users:\n- user:\n    token: ${jwt}\n`), other: b64('plain') }, stringData: { t: jwt } },
      ],
    });
    a.complete(200);
    const line = jsonLine(sinks[0]!.events[1]!);
    expect(line).not.toContain(b64('legacy-token-not-jwt'));
    expect(line).not.toContain(jwt);
    const items = JSON.parse(line).responseObject.items;
    expect(items[0].data).toEqual({ token: '<redacted>', 'ca.crt': b64('PEM'), namespace: b64('default') });
    expect(items[1].data).toEqual({ kubeconfig: '<redacted>', other: b64('plain') });
    expect(items[1].stringData).toEqual({ t: '<redacted>' });
  });

  it('JWTs anywhere else (a ConfigMap, the URI, the user agent, a message) are swept', () => {
    const { sinks, auditor } = setup(all('RequestResponse'));
    const a = auditor.begin(start({ requestURI: `/api/v1/pods?token=${jwt}`, userAgent: `curl ${jwt}` }))!;
    a.requestObject({ kind: 'ConfigMap', data: { note: `use ${jwt} here` } });
    a.responseObject({ kind: 'Status', code: 400, message: `bad ${jwt}` });
    a.complete(400);
    for (const ev of sinks[0]!.events) {
      expect(jsonLine(ev)).not.toContain('eyJ');
      expect(legacyLine(ev)).not.toContain('eyJ');
    }
    expect(sinks[0]!.events[1]!.requestURI).toBe('/api/v1/pods?token=<redacted>');
  });
});

describe('event formats', () => {
  it('legacy: audit.EventString', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    const a = auditor.begin(start({ receivedAt: Date.parse('2024-06-06T10:15:42.120Z') }))!;
    expect(legacyLine(sinks[0]!.events[0]!)).toBe(
      '2024-06-06T10:15:42.12Z AUDIT: id="a-1" stage="RequestReceived" ip="127.0.0.1" method="get" user="system:serviceaccount:default:app" groups="\\"system:serviceaccounts\\",\\"system:serviceaccounts:default\\",\\"system:authenticated\\"" as="<self>" asgroups="<lookup>" user-agent="kubectl/v1.33.0" namespace="default" uri="/api/v1/namespaces/default/pods/web-0" response="<deferred>"',
    );
    a.complete(200);
    expect(legacyLine(sinks[0]!.events[1]!)).toMatch(/stage="ResponseComplete" .* response="200"$/);
  });

  it('a user agent over 1024 characters is cut with ...TRUNCATED', () => {
    const { sinks, auditor } = setup(all('Metadata'));
    auditor.begin(start({ userAgent: 'x'.repeat(2000) }));
    expect(sinks[0]!.events[0]!.userAgent).toBe(`${'x'.repeat(1024)}...TRUNCATED`);
  });
});

describe('auditIdOf', () => {
  it('keeps the client Audit-ID, else makes a UUID', () => {
    expect(auditIdOf('client-id')).toBe('client-id');
    expect(auditIdOf(['first', 'second'])).toBe('first');
    expect(auditIdOf(undefined)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(auditIdOf('', () => 'made')).toBe('made');
  });
});
