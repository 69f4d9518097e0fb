import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLogLine, printable } from '../../src/cli/log-line.js';
import { createCliLogger, useColour } from '../../src/cli/log-output.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Logs through createCliLogger into a file standing for stderr, and returns what was written. */
async function capture(opts: { format?: string; isTTY?: boolean; env?: NodeJS.ProcessEnv; level?: string }, log: (l: import('pino').Logger) => void): Promise<{ format: string; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'satoken-log-'));
  dirs.push(dir);
  const file = join(dir, 'stderr');
  const fd = openSync(file, 'w');
  const logs = await createCliLogger({ level: opts.level ?? 'info', format: opts.format ?? 'auto', buffered: true, stream: { fd, isTTY: opts.isTTY ?? false }, env: opts.env ?? { NO_COLOR: '1' }, redact: ['token', '*.token'] });
  log(logs.logger);
  logs.close();
  closeSync(fd);
  return { format: logs.format, text: readFileSync(file, 'utf8') };
}

describe('createCliLogger: the format a person or a collector gets', () => {
  it.each([
    ['a terminal with --log-format auto', 'auto', true, 'text'],
    ['a pipe or file with --log-format auto', 'auto', false, 'json'],
    ['a terminal with --log-format json', 'json', true, 'json'],
    ['a pipe with --log-format text', 'text', false, 'text'],
  ])('%s gets %s lines', async (_name, format, isTTY, expected) => {
    const r = await capture({ format, isTTY }, (l) => l.info({ port: 6443 }, 'listening'));
    expect(r.format).toBe(expected);
    if (expected === 'json') expect(JSON.parse(r.text)).toMatchObject({ level: 30, msg: 'listening', port: 6443 });
    else expect(r.text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: listening port=6443\n$/);
  });

  it('writes readable request lines: method, path, status, latency, user, then other fields', async () => {
    const r = await capture({ format: 'text' }, (l) => l.info({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts/build-robot/token', status: 201, latencyMs: 4.26, user: 'kubernetes-admin', jti: 'abc' }, 'request'));
    expect(r.text).toMatch(/\] INFO: POST \/api\/v1\/namespaces\/default\/serviceaccounts\/build-robot\/token 201 4\.3ms kubernetes-admin jti=abc\n$/);
  });

  it('colours the level on a terminal, and not with NO_COLOR', async () => {
    const coloured = await capture({ format: 'text', isTTY: true, env: {} }, (l) => l.warn('careful'));
    expect(coloured.text).toContain('\u001b[33mWARN\u001b[39m');
    const plain = await capture({ format: 'text', isTTY: true, env: { NO_COLOR: '1' } }, (l) => l.warn('careful'));
    expect(plain.text).not.toContain('\u001b[');
  });

  it('redacts tokens in both formats', async () => {
    for (const format of ['text', 'json']) {
      const r = await capture({ format }, (l) => l.info({ token: 'eyJsecret', req: { token: 'eyJother' } }, 'issued'));
      expect(r.text).not.toContain('eyJ');
      expect(r.text).toContain('[redacted]');
    }
  });

  it('keeps quiet below --log-level', async () => {
    const r = await capture({ format: 'text', level: 'warn' }, (l) => {
      l.info('chatty');
      l.warn('worth knowing');
    });
    expect(r.text).not.toContain('chatty');
    expect(r.text).toContain('worth knowing');
  });
});

describe('useColour', () => {
  it.each([
    ['a terminal', { isTTY: true }, {}, true],
    ['a pipe', { isTTY: false }, {}, false],
    ['a terminal with NO_COLOR', { isTTY: true }, { NO_COLOR: '1' }, false],
    ['a terminal with TERM=dumb', { isTTY: true }, { TERM: 'dumb' }, false],
    ['a pipe with FORCE_COLOR=1', { isTTY: false }, { FORCE_COLOR: '1' }, true],
    ['a terminal with FORCE_COLOR=0', { isTTY: true }, { FORCE_COLOR: '0' }, false],
  ])('%s: %s', (_n, stream, env, expected) => {
    expect(useColour(stream, env)).toBe(expected);
  });
});

describe('formatLogLine', () => {
  it.each([
    ['a plain message with fields', { msg: 'token rotated', pod: 'u-1', path: '/tmp/a b/token' }, 'token rotated pod=u-1 path="/tmp/a b/token"'],
    ['a request line', { msg: 'request', method: 'GET', path: '/version', status: 200, latencyMs: 1.84, user: 'admin' }, 'GET /version 200 1.8ms admin'],
    ['an anonymous request', { msg: 'request', method: 'GET', path: '/livez', status: 200, latencyMs: 0.5 }, 'GET /livez 200 0.5ms'],
    ['objects and lists as JSON', { msg: 'lag', replicas: ['a', 'b'], revision: 7 }, 'lag replicas=["a","b"] revision=7'],
    ['pino\'s own fields left to pino-pretty', { msg: 'x', level: 30, time: 1, pid: 2, hostname: 'h' }, 'x'],
  ])('%s', (_n, log, expected) => {
    expect(formatLogLine(log)).toBe(expected);
  });

  it('escapes what a client could use to drive the terminal, in paths, users and messages', () => {
    const line = formatLogLine({ msg: 'request', method: 'GET', path: '/x\u001b[2J\u009b1m', status: 404, latencyMs: 1, user: 'bob\u202e' });
    expect(line).toBe('GET "/x\\u001b[2J\\u009b1m" 404 1.0ms "bob\\u202e"');
    expect(printable('a\nb\u2028c')).toBe('a\\u000ab\\u2028c');
  });

  it('prints an error field as its message, with the stack below', () => {
    const line = formatLogLine({ msg: 'request failed', err: { message: 'boom', stack: 'Error: boom\n    at f (a.js:1:1)\n    at g (b.js:2:2)' }, path: '/x' });
    expect(line).toBe('request failed err=boom path=/x\n    at f (a.js:1:1)\n    at g (b.js:2:2)');
  });
});
