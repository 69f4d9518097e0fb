import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditFlagError, buildAuditor, readAuditFlags } from '../../src/audit/audit-options.js';
import { eventList, followEvents, readEventsQuery, type EventsQuery } from '../../src/audit/events-endpoint.js';
import { microTime, parseMicroTime, rfc3339Nano } from '../../src/audit/micro-time.js';
import { canonicalIp, sourceIps } from '../../src/audit/source-ips.js';
import { StatusError } from '../../src/errors/index.js';
import { ManualClock } from '../../src/clock/index.js';

const T0 = Date.parse('2024-06-06T10:15:42.123Z');

describe('MicroTime', () => {
  it.each([
    [T0, '2024-06-06T10:15:42.123000Z'],
    [T0 + 0.456, '2024-06-06T10:15:42.123456Z'],
    [Date.parse('2024-06-06T10:15:42Z'), '2024-06-06T10:15:42.000000Z'],
  ])('%s is %s (six fractional digits, UTC)', (ms, text) => {
    expect(microTime(ms)).toBe(text);
    expect(parseMicroTime(text)).toBeCloseTo(ms, 3);
  });

  it('RFC3339Nano drops trailing zeros', () => {
    expect(rfc3339Nano('2024-06-06T10:15:42.120000Z')).toBe('2024-06-06T10:15:42.12Z');
    expect(rfc3339Nano('2024-06-06T10:15:42.000000Z')).toBe('2024-06-06T10:15:42Z');
    expect(parseMicroTime('not a time')).toBeNaN();
  });
});

describe('sourceIps: utilnet.SourceIPs', () => {
  it.each([
    [{}, '127.0.0.1', ['127.0.0.1']],
    [{}, '::ffff:127.0.0.1', ['127.0.0.1']],
    [{ 'x-forwarded-for': '10.0.0.1, junk, 10.0.0.2' }, '127.0.0.1', ['10.0.0.1', '10.0.0.2', '127.0.0.1']],
    [{ 'x-forwarded-for': '10.0.0.1' }, '::ffff:10.0.0.1', ['10.0.0.1']],
    [{ 'x-real-ip': '10.0.0.9' }, '127.0.0.1', ['10.0.0.9', '127.0.0.1']],
    [{ 'x-forwarded-for': '10.0.0.9', 'x-real-ip': '10.0.0.9' }, '127.0.0.1', ['10.0.0.9', '127.0.0.1']],
    [{ 'x-forwarded-for': '2001:DB8:0:0:1:0:0:1' }, '::1', ['2001:db8::1:0:0:1', '::1']],
    [{ 'x-forwarded-for': '010.001.1.1, 300.1.1.1' }, undefined, ['10.1.1.1']],
  ] as const)('%j from %s is %j', (headers, remote, ips) => {
    expect(sourceIps(headers, remote)).toEqual(ips);
  });

  it.each([
    ['fe80::1%eth0', undefined],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:0:0:1:0:0:1', '1::1:0:0:1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['::', '::'],
    ['::1.2.3.4', '::102:304'],
  ])('%s prints as Go prints it: %s', (ip, text) => {
    expect(canonicalIp(ip)).toBe(text);
  });
});

describe('readAuditFlags: kube-apiserver\'s checks and messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-flags-'));
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  userGroup: [x]\n');

  it.each([
    [{ auditLogPath: '-', auditLogMaxsize: '-1' }, "--audit-log-maxsize -1 can't be a negative number"],
    [{ auditLogPath: '-', auditLogMaxage: '-2', auditLogMaxbackup: '-3' }, "[--audit-log-maxage -2 can't be a negative number, --audit-log-maxbackup -3 can't be a negative number]"],
    [{ auditLogPath: '-', auditLogFormat: 'xml' }, 'invalid audit log format xml, allowed formats are "json,legacy"'],
    [{ auditLogPath: '-', auditLogMaxsize: '10MB' }, 'invalid argument "10MB" for "--audit-log-maxsize" flag: strconv.ParseInt: parsing "10MB": invalid syntax'],
    [{ auditRecorderSize: '-5' }, "--audit-recorder-size -5 can't be a negative number"],
  ])('%j: %s', (flags, message) => {
    expect(() => readAuditFlags(flags)).toThrow(new AuditFlagError(message));
  });

  it('a log path without a policy records nothing, and says so', () => {
    const s = readAuditFlags({ auditLogPath: '-' });
    expect(s.options.log).toBeUndefined();
    expect(s.warnings).toEqual(['--audit-log-path is set but --audit-policy-file is not: no events will be recorded for log backend (as kube-apiserver)']);
    expect(buildAuditor(s.options, { clock: new ManualClock(T0) }).log).toBeUndefined();
  });

  it('a policy and a path make the log backend and a recorder following the same policy; warnings name the file', () => {
    const s = readAuditFlags({ auditPolicyFile: policy, auditLogPath: join(dir, 'audit.log'), auditLogMaxsize: '5', auditLogCompress: true, auditRecorderSize: '100' });
    expect(s.options.log).toEqual({ path: join(dir, 'audit.log'), format: 'json', maxAgeDays: 0, maxBackups: 0, maxSizeMB: 5, compress: true });
    expect(s.warnings).toEqual([`audit policy ${policy}: unknown field "rules[0].userGroup"`]);
    const built = buildAuditor(s.options, { clock: new ManualClock(T0) });
    expect(built.recorder!.maxEvents).toBe(100);
    expect(built.recorder!.evaluator.policy).toBe(s.options.policy);
    expect(built.log).toBeDefined();
    expect(built.auditor.enabled).toBe(true);
  });

  it('recorder size 0 and no log: the auditor is disabled', () => {
    expect(buildAuditor(readAuditFlags({ auditRecorderSize: '0' }).options, { clock: new ManualClock(T0) }).auditor.enabled).toBe(false);
  });

  it('a bad policy file stops start-up with its line', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: audit.k8s.io/v1\nkind: Policy\n');
    expect(() => readAuditFlags({ auditPolicyFile: bad })).toThrow(`loading audit policy file: loaded illegal policy with 0 rules: from file ${bad}`);
    expect(readFileSync(bad, 'utf8')).toContain('Policy');
  });
});

describe('the events endpoint', () => {
  function recorded() {
    const clock = new ManualClock(T0);
    const { auditor, recorder } = buildAuditor(readAuditFlags({}).options, { clock });
    for (const [i, user] of ['system:serviceaccount:default:a', 'system:serviceaccount:default:b', 'system:serviceaccount:default:a'].entries()) {
      auditor.begin({ attributes: { user: { username: user }, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: `p${i}`, resourceRequest: true, path: '/x' }, auditID: `id-${i}`, requestURI: '/x', receivedAt: T0 })!.complete(200);
    }
    return { auditor, recorder: recorder! };
  }

  it('an EventList of the matching events, the newest `limit`', () => {
    const { recorder } = recorded();
    const q = readEventsQuery({ serviceAccount: 'default/a', limit: '1' }) as EventsQuery;
    const body = eventList(recorder, q);
    expect(body.kind).toBe('EventList');
    expect(body.apiVersion).toBe('audit.k8s.io/v1');
    expect(body.items.map((e) => e.auditID)).toEqual(['id-2']);
  });

  it.each([
    [{ usr: 'x' }, 'unknown request filter "usr"'],
    [{ limit: '0' }, 'limit must be a positive integer, got "0"'],
    [{ limit: '1e9' }, 'limit must be a positive integer, got "1e9"'],
    [{ watch: 'maybe' }, 'watch must be true or false, got "maybe"'],
    [{ user: ['a', 'b'] }, 'request filter "user" must be given once'],
    [{ code: 'teapot' }, 'request filter "code" must be a status code (403), a class (4xx) or a range (400-499), got "teapot"'],
  ])('%j is a 400 Status', (q, message) => {
    const e = readEventsQuery(q);
    expect(e).toBeInstanceOf(StatusError);
    expect((e as StatusError).code).toBe(400);
    expect((e as StatusError).message).toContain(message);
  });

  it('following streams what is recorded, then each new matching event, until stopped', () => {
    const { auditor, recorder } = recorded();
    const lines: string[] = [];
    const stop = followEvents(recorder, readEventsQuery({ serviceAccount: 'default/b', watch: 'true' }) as EventsQuery, (l) => lines.push(l));
    const another = (user: string, id: string) => auditor.begin({ attributes: { user: { username: user }, verb: 'get', namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', resourceRequest: false, path: '/healthz' }, auditID: id, requestURI: '/healthz', receivedAt: T0 })!.complete(200);
    another('system:serviceaccount:default:b', 'new-b');
    another('system:serviceaccount:default:a', 'new-a');
    stop();
    another('system:serviceaccount:default:b', 'after-stop');
    expect(lines.map((l) => JSON.parse(l).auditID)).toEqual(['id-1', 'new-b']);
    expect(lines.every((l) => l.endsWith('}\n'))).toBe(true);
  });
});
