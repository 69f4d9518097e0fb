import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Counter, renderFamilies } from '../../src/metrics/exposition.js';
import { reportedScope, reportedVerb } from '../../src/api/request-metrics.js';
import { Query, requestInfo } from '../../src/api/request-info.js';
import { staleTokenAnnotation, staleTokenAudit } from '../../src/metrics/stale-token-audit.js';
import { TokenMetrics } from '../../src/metrics/token-metrics.js';

describe('the Prometheus text format', () => {
  it('renders an unlabelled counter at 0 before its first increment', () => {
    expect(new Counter('x_total', 'Things.').render()).toBe('# HELP x_total Things.\n# TYPE x_total counter\nx_total 0\n');
  });

  it('renders one sorted line per label combination, escaping values and help', () => {
    const c = new Counter('req_total', 'Reqs\\ per\ncode.', ['code', 'path']);
    c.inc({ code: '500', path: 'a"b' });
    c.inc({ code: '200', path: '/x\\y\n' }, 2);
    c.inc({ code: '200', path: '/x\\y\n' });
    expect(c.render()).toBe(['# HELP req_total Reqs\\\\ per\\ncode.', '# TYPE req_total counter', 'req_total{code="200",path="/x\\\\y\\n"} 3', 'req_total{code="500",path="a\\"b"} 1', ''].join('\n'));
    expect(c.get({ code: '200', path: '/x\\y\n' })).toBe(3);
  });

  it('a child handle adds to the same series as inc, and makes none until its first increment', () => {
    const c = new Counter('req_total', 'Reqs.', ['code']);
    const ok = c.child({ code: '200' });
    const bare = new Counter('b_total', 'B.').child({});
    expect(c.render()).toBe('# HELP req_total Reqs.\n# TYPE req_total counter\n');
    ok.inc();
    c.inc({ code: '200' });
    ok.inc(3);
    expect(c.get({ code: '200' })).toBe(5);
    expect(() => ok.inc(-1)).toThrow('a counter only goes up, got -1');
    bare.inc();
    expect(c.render()).toContain('req_total{code="200"} 5\n');
  });

  it('orders series as client_golang does: label values by label name, compared as Go compares strings', () => {
    const c = new Counter('x_total', 'X.', ['zone', 'app']);
    for (const [zone, app] of [['b', 'web'], ['a', 'web'], ['a', 'Web'], ['a', 'api']] as const) c.inc({ zone, app });
    expect(c.render().split('\n').slice(2, -1)).toEqual(['x_total{zone="a",app="Web"} 1', 'x_total{zone="a",app="api"} 1', 'x_total{zone="a",app="web"} 1', 'x_total{zone="b",app="web"} 1']);
  });

  it('renders a labelled family with no series as its HELP and TYPE only', () => {
    expect(renderFamilies([new Counter('a_total', 'A.', ['l'])])).toBe('# HELP a_total A.\n# TYPE a_total counter\n');
  });

  it.each([['bad-name'], ['1x'], ['']])('refuses the metric name %j', (name) => {
    expect(() => new Counter(name, 'h')).toThrow(`invalid metric name ${name}`);
  });

  it('refuses to go down', () => {
    expect(() => new Counter('a_total', 'A.').inc({}, -1)).toThrow('a counter only goes up, got -1');
  });
});

describe('token metrics fed by the observer', () => {
  it("counts Kubernetes' series and satoken's per-service-account series, and passes reports on", () => {
    const m = new TokenMetrics();
    const seen: string[] = [];
    const o = m.observer({ stale: (sub, n) => seen.push(`${sub} ${n}`) });
    const info = { name: 'app', namespace: 'team-a', uid: 'u' };
    o.valid(info);
    o.valid(info);
    o.stale('system:serviceaccount:team-a:app', 42, info);
    o.legacy('system:serviceaccount:default:old');
    expect([m.validTokens.get(), m.staleTokens.get(), m.legacyTokens.get()]).toEqual([2, 1, 1]);
    expect(seen).toEqual(['system:serviceaccount:team-a:app 42']);
    const text = m.render();
    expect(text).toContain('# HELP serviceaccount_legacy_tokens_total [ALPHA] Cumulative legacy service account tokens used\n# TYPE serviceaccount_legacy_tokens_total counter\nserviceaccount_legacy_tokens_total 1\n');
    expect(text).toContain('serviceaccount_stale_tokens_total 1\n');
    expect(text).toContain('serviceaccount_valid_tokens_total 2\n');
    expect(text).toContain('satoken_serviceaccount_valid_tokens_total{namespace="team-a",serviceaccount="app"} 2\n');
    expect(text).toContain('satoken_serviceaccount_stale_tokens_total{namespace="team-a",serviceaccount="app"} 1\n');
    expect(text).toContain('satoken_serviceaccount_legacy_tokens_total{namespace="default",serviceaccount="old"} 1\n');

    // a frozen info (a cached review's, counted through a kept handle) adds to the same series
    const shared = Object.freeze({ ...info });
    o.valid(shared);
    o.valid(shared);
    expect(m.validTokensBySa.get({ namespace: 'team-a', serviceaccount: 'app' })).toBe(4);
    expect(m.validTokens.get()).toBe(4);
  });
});

describe('legacy token subjects', () => {
  it('are split as SplitUsername splits them; one it refuses counts without a service account', () => {
    const m = new TokenMetrics();
    const o = m.observer();
    o.legacy('system:serviceaccount:default:old');
    o.legacy('system:serviceaccount:Not_A_Namespace:old');
    expect(m.legacyTokensBySa.get({ namespace: 'default', serviceaccount: 'old' })).toBe(1);
    expect(m.legacyTokensBySa.get({ namespace: '', serviceaccount: '' })).toBe(1);
    expect(m.legacyTokens.get()).toBe(2);
  });
});

describe('apiserver_request_total labels (CleanVerb, CleanScope)', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', {}, 'LIST', 'namespace'],
    ['GET', '/api/v1/pods', { watch: 'true' }, 'WATCH', 'cluster'],
    ['GET', '/api/v1/namespaces/default/pods/web-0', {}, 'GET', 'resource'],
    ['POST', '/api/v1/namespaces/default/serviceaccounts/x/token', {}, 'POST', 'resource'],
    ['POST', '/api/v1/namespaces/default/pods', {}, 'POST', 'resource'],
    ['DELETE', '/api/v1/namespaces/default/pods', {}, 'DELETECOLLECTION', 'namespace'],
    ['GET', '/metrics', {}, 'GET', ''],
  ] as const)('%s %s %j is %s with scope %j', (method, path, query, verb, scope) => {
    const info = requestInfo(method, path, new Query(new URLSearchParams(query as Record<string, string>).toString()));
    expect(reportedVerb(method, info, undefined)).toBe(verb);
    expect(reportedScope(info)).toBe(scope);
  });

  it('reports a server-side apply PATCH as APPLY', () => {
    expect(reportedVerb('PATCH', requestInfo('PATCH', '/api/v1/namespaces/default/pods/x', new Query('')), 'application/apply-patch+yaml')).toBe('APPLY');
  });
});

describe('the stale-token audit log', () => {
  it('logs the annotation Kubernetes sets, never the token', () => {
    const lines: string[] = [];
    const logger = pino({ base: null, timestamp: false }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    staleTokenAudit(logger).stale!('system:serviceaccount:default:app', 7, { name: 'app', namespace: 'default', uid: 'u', podName: 'web-0', nodeName: 'node-1' });
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 40,
      annotations: { 'authentication.k8s.io/stale-token': 'subject: system:serviceaccount:default:app, seconds after warning threshold: 7' },
      namespace: 'default',
      serviceAccount: 'app',
      pod: 'web-0',
      node: 'node-1',
      secondsAfterWarning: 7,
      msg: 'stale service account token',
    });
    expect(staleTokenAnnotation('s', 0)).toBe('subject: s, seconds after warning threshold: 0');
  });
});
