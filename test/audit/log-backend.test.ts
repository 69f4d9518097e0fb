import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Auditor } from '../../src/audit/auditor.js';
import { LogBackend } from '../../src/audit/log-backend.js';
import type { AuditAttributes } from '../../src/audit/policy-evaluator.js';
import { RotatingFile } from '../../src/audit/rotating-file.js';
import { ManualClock } from '../../src/clock/index.js';

const T0 = Date.parse('2024-06-06T10:15:42.123Z');
const MB = 1024 * 1024;
const dir = () => mkdtempSync(join(tmpdir(), 'audit-log-'));
const line = (n: number, size = 100) => `${String(n).padStart(6, '0')}${'x'.repeat(size - 7)}\n`;

describe('RotatingFile: lumberjack', () => {
  it('appends to an existing file, rotates before a write that would pass maxSize, names the backup by UTC time', async () => {
    const d = dir();
    const path = join(d, 'audit.log');
    writeFileSync(path, 'old\n');
    const clock = new ManualClock(T0);
    const f = new RotatingFile({ path, maxSizeMB: 1, clock });
    f.write(line(1, MB - 10));
    expect(readFileSync(path, 'utf8')).toBe(`old\n${line(1, MB - 10)}`);
    await clock.advance(1000);
    f.write(line(2, 100));
    await f.close();
    expect(readdirSync(d).sort()).toEqual(['audit-2024-06-06T10-15-43.123.log', 'audit.log']);
    expect(readFileSync(path, 'utf8')).toBe(line(2, 100));
    expect(readFileSync(join(d, 'audit-2024-06-06T10-15-43.123.log'), 'utf8')).toBe(`old\n${line(1, MB - 10)}`);
    // the new file takes the mode of the one it replaces
    expect(statSync(path).mode & 0o777).toBe(statSync(join(d, 'audit-2024-06-06T10-15-43.123.log')).mode & 0o777);
  });

  it('a new file is mode 0600 and a file already full at start is rotated first', async () => {
    const d = dir();
    const path = join(d, 'audit.json');
    writeFileSync(path, 'y'.repeat(MB));
    const f = new RotatingFile({ path, maxSizeMB: 1, clock: new ManualClock(T0) });
    f.write('z\n');
    await f.close();
    expect(readdirSync(d).sort()).toEqual(['audit-2024-06-06T10-15-42.123.json', 'audit.json']);
    expect(readFileSync(path, 'utf8')).toBe('z\n');
    const fresh = join(dir(), 'sub', 'new.log');
    const g = new RotatingFile({ path: fresh, clock: new ManualClock(T0) });
    g.write('a\n');
    await g.close();
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
  });

  it('a write larger than the whole file is refused with lumberjack\'s message', () => {
    const f = new RotatingFile({ path: join(dir(), 'a.log'), maxSizeMB: 1, clock: new ManualClock(T0) });
    expect(() => f.write('x'.repeat(MB + 1))).toThrow(`write length ${MB + 1} exceeds maximum file size ${MB}`);
  });

  it('maxSize 0 means 100 MB', () => {
    const f = new RotatingFile({ path: join(dir(), 'a.log'), maxSizeMB: 0, clock: new ManualClock(T0) });
    expect(() => f.write('x'.repeat(100 * MB + 1))).toThrow(`exceeds maximum file size ${100 * MB}`);
  });

  it('maxBackups keeps the newest backups; maxAge removes those older by the time in their names', async () => {
    const d = dir();
    const path = join(d, 'audit.log');
    // backups of older runs, and a file that only looks like one
    for (const stamp of ['2024-05-01T00-00-00.000', '2024-06-06T09-00-00.000', '2024-06-06T10-00-00.000']) writeFileSync(join(d, `audit-${stamp}.log`), 'old\n');
    writeFileSync(join(d, 'audit-notatime.log'), 'keep\n');
    const clock = new ManualClock(T0);
    const f = new RotatingFile({ path, maxSizeMB: 1, maxBackups: 2, maxAgeDays: 7, clock });
    for (let i = 0; i < 3; i++) {
      f.write(line(i, MB - 100));
      await clock.advance(1000);
    }
    await f.close();
    expect(readdirSync(d).sort()).toEqual(['audit-2024-06-06T10-15-43.123.log', 'audit-2024-06-06T10-15-44.123.log', 'audit-notatime.log', 'audit.log']);
    const onlyAge = dir();
    for (const stamp of ['2024-05-01T00-00-00.000', '2024-06-05T00-00-00.000']) writeFileSync(join(onlyAge, `audit-${stamp}.log`), 'old\n');
    const g = new RotatingFile({ path: join(onlyAge, 'audit.log'), maxAgeDays: 7, clock });
    g.write('a\n');
    await g.close();
    expect(readdirSync(onlyAge).sort()).toEqual(['audit-2024-06-05T00-00-00.000.log', 'audit.log']);
  });

  it('compress gzips the backups', async () => {
    const d = dir();
    const path = join(d, 'audit.log');
    const clock = new ManualClock(T0);
    const f = new RotatingFile({ path, maxSizeMB: 1, compress: true, clock });
    f.write(line(1, MB - 100));
    f.write(line(2, 200));
    await f.close();
    expect(readdirSync(d).sort()).toEqual(['audit-2024-06-06T10-15-42.123.log.gz', 'audit.log']);
    expect(gunzipSync(readFileSync(join(d, 'audit-2024-06-06T10-15-42.123.log.gz'))).toString()).toBe(line(1, MB - 100));
  });
});

describe('LogBackend', () => {
  const attrs: AuditAttributes = { user: { username: 'admin', groups: ['system:masters'] }, verb: 'get', namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: 'a', resourceRequest: true, path: '/api/v1/namespaces/default/pods/a' };

  it('writes one JSON line per event after the turn of the event loop, in stage order', async () => {
    const path = join(dir(), 'audit.log');
    const clock = new ManualClock(T0);
    const log = new LogBackend({ policy: { rules: [{ level: 'Metadata' }] }, path, clock });
    const auditor = new Auditor({ sinks: [log], clock });
    auditor.begin({ attributes: attrs, auditID: 'x', requestURI: '/api/v1/namespaces/default/pods/a', receivedAt: T0 })!.complete(200);
    await new Promise((r) => setImmediate(r));
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.stage, l.auditID])).toEqual([
      ['RequestReceived', 'x'],
      ['ResponseComplete', 'x'],
    ]);
    await auditor.close();
  });

  it('the legacy format, and close() writes what is pending', async () => {
    const path = join(dir(), 'audit.log');
    const clock = new ManualClock(T0);
    const log = new LogBackend({ policy: { rules: [{ level: 'Metadata' }], omitStages: ['RequestReceived'] }, path, format: 'legacy', clock });
    const auditor = new Auditor({ sinks: [log], clock });
    auditor.begin({ attributes: attrs, auditID: 'x', requestURI: '/p', receivedAt: T0, sourceIPs: ['10.0.0.1'] })!.complete(404);
    await auditor.close();
    expect(readFileSync(path, 'utf8')).toBe('2024-06-06T10:15:42.123Z AUDIT: id="x" stage="ResponseComplete" ip="10.0.0.1" method="get" user="admin" groups="\\"system:masters\\"" as="<self>" asgroups="<lookup>" user-agent="" namespace="default" uri="/p" response="404"\n');
  });

  it('an event larger than the whole file is lost and reported as kube-apiserver reports it; the others are written', async () => {
    const path = join(dir(), 'audit.log');
    const errors: string[] = [];
    const clock = new ManualClock(T0);
    const log = new LogBackend({ policy: { rules: [{ level: 'Metadata' }], omitStages: ['RequestReceived'] }, path, maxSizeMB: 1, clock, onError: (m) => errors.push(m) });
    const auditor = new Auditor({ sinks: [log], clock });
    auditor.begin({ attributes: attrs, auditID: 'small', requestURI: '/p', receivedAt: T0 })!.complete(200);
    auditor.begin({ attributes: attrs, auditID: 'huge', requestURI: `/p?${'q'.repeat(MB)}`, receivedAt: T0 })!.complete(200);
    await auditor.close();
    expect(errors).toEqual([expect.stringMatching(/^Error in audit plugin 'log' affecting 1 audit events: write length \d+ exceeds maximum file size 1048576$/)]);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).auditID)).toEqual(['small']);
  });

  it('rotation falls between lines: every file holds whole JSON lines', async () => {
    const d = dir();
    const clock = new ManualClock(T0);
    const log = new LogBackend({ policy: { rules: [{ level: 'Metadata' }] }, path: join(d, 'audit.log'), maxSizeMB: 1, clock });
    const auditor = new Auditor({ sinks: [log], clock });
    for (let i = 0; i < 3000; i++) {
      auditor.begin({ attributes: attrs, auditID: `id-${i}`, requestURI: `/p?${'x'.repeat(200)}`, receivedAt: T0 })!.complete(200);
      if (i % 500 === 0) await clock.advance(1);
    }
    await auditor.close();
    const files = readdirSync(d);
    expect(files.length).toBeGreaterThan(1);
    let total = 0;
    for (const f of files) {
      const text = readFileSync(join(d, f), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MB);
      for (const l of text.trimEnd().split('\n')) expect(JSON.parse(l).kind).toBe('Event');
      total += text.trimEnd().split('\n').length;
    }
    expect(total).toBe(6000);
  });
});
