import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { AtomicWriter, type FileProjection, KubeletError, validatePath } from '../../src/kubelet/index.js';
import { seededRandom, tempDir } from './fakes.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(start = Date.parse('2024-06-06T10:15:42Z')) {
  const { dir, cleanup } = tempDir('writer');
  cleanups.push(cleanup);
  const clock = new ManualClock(start);
  const writer = new AtomicWriter(dir, 'pod default/web volume kube-api-access', { clock, random: seededRandom(7) });
  return { dir, clock, writer };
}

const file = (text: string, mode = 0o644): FileProjection => ({ data: Buffer.from(text), mode });
const payload = (entries: Record<string, FileProjection>) => new Map(Object.entries(entries));
const tsDirs = (dir: string) => readdirSync(dir).filter((n) => /^\.\.\d/.test(n));
const modeOf = (p: string) => statSync(p).mode & 0o7777;

describe('validatePath', () => {
  it.each([
    { name: 'rejects an empty path', path: '', message: 'invalid path: must not be empty: ""' },
    { name: 'rejects an absolute path', path: '/etc/passwd', message: 'invalid path: must be relative path: /etc/passwd' },
    { name: "rejects a '..' element", path: 'a/../b', message: "invalid path: must not contain '..': a/../b" },
    { name: "rejects '..' alone", path: '..', message: "invalid path: must not contain '..': .." },
    { name: "rejects a first element starting with '..'", path: '..data', message: "invalid path: must not start with '..': ..data" },
    { name: 'rejects a file name over 255 characters', path: `a/${'x'.repeat(256)}`, message: 'invalid path: filenames must be less than or equal to 255 characters' },
    { name: 'rejects a path over 4096 characters', path: `${'x/'.repeat(2049)}x`, message: 'invalid path: must be less than or equal to 4096 characters' },
  ])('$name', ({ path, message }) => {
    expect(() => validatePath(path)).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_PATH', message }));
  });

  it.each(['token', 'aws/token', '.hidden', 'a/..b', 'a..b', 'a/./b', `${'x'.repeat(255)}`])('accepts %j', (p) => {
    expect(() => validatePath(p)).not.toThrow();
  });
});

describe('AtomicWriter.write', () => {
  it('lays out a timestamped directory (UTC, 0755), ..data and one link per first path element', () => {
    const { dir, writer } = setup();
    const result = writer.write(payload({ token: file('t1', 0o600), 'ca.crt': file('ca'), 'aws/token': file('a1', 0o400) }));
    const [ts] = tsDirs(dir);
    expect(ts).toMatch(/^\.\.2024_06_06_10_15_42\.\d{1,10}$/);
    expect(result).toEqual({ written: true, dataDir: ts });
    expect(modeOf(join(dir, ts!))).toBe(0o755);
    expect(readlinkSync(join(dir, '..data'))).toBe(ts);
    expect(readlinkSync(join(dir, 'token'))).toBe('..data/token');
    expect(readlinkSync(join(dir, 'aws'))).toBe('..data/aws');
    expect(readFileSync(join(dir, 'aws/token'), 'utf8')).toBe('a1');
    expect([modeOf(join(dir, 'token')), modeOf(join(dir, 'ca.crt')), modeOf(join(dir, 'aws/token'))]).toEqual([0o600, 0o644, 0o400]);
    expect(readdirSync(dir).sort()).toEqual(['..data', ts, 'aws', 'ca.crt', 'token'].sort());
  });

  it('publishes a changed payload in a new directory, swaps ..data and removes the old directory after its grace second', async () => {
    const { dir, clock, writer } = setup();
    const first = writer.write(payload({ token: file('t1') })).dataDir;
    await clock.advance(48 * 60_000);
    const second = writer.write(payload({ token: file('t2') }));
    expect(second.written).toBe(true);
    expect(second.dataDir).not.toBe(first);
    expect(second.dataDir).toMatch(/^\.\.2024_06_06_11_03_42\./);
    expect(readlinkSync(join(dir, '..data'))).toBe(second.dataDir);
    expect(tsDirs(dir).sort()).toEqual([first, second.dataDir].sort());
    expect(existsSync(join(dir, '..data_tmp'))).toBe(false);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('t2');
    await clock.advance(1001);
    writer.write(payload({ token: file('t2') }));
    expect(tsDirs(dir)).toEqual([second.dataDir]);
  });

  it.each([
    { name: 'skips an unchanged payload', next: { token: file('t1') }, mode: 0o644 },
    { name: 'skips a payload whose only change is a mode', next: { token: file('t1', 0o600) }, mode: 0o644 },
  ])('$name', ({ next, mode }) => {
    const { dir, writer } = setup();
    const first = writer.write(payload({ token: file('t1') }));
    expect(writer.write(payload(next))).toEqual({ written: false, dataDir: first.dataDir });
    expect(modeOf(join(dir, 'token'))).toBe(mode);
    expect(tsDirs(dir)).toEqual([first.dataDir]);
  });

  it('re-creates a deleted user-visible link even when nothing changed (kubernetes#121472)', () => {
    const { dir, writer } = setup();
    writer.write(payload({ token: file('t1'), namespace: file('default') }));
    rmSync(join(dir, 'namespace'));
    expect(writer.write(payload({ token: file('t1'), namespace: file('default') })).written).toBe(false);
    expect(readlinkSync(join(dir, 'namespace'))).toBe('..data/namespace');
  });

  it('removes user-visible links of paths that left the payload, keeping shared parents', () => {
    const { dir, writer } = setup();
    writer.write(payload({ a: file('a'), b: file('b'), 'd/x': file('x'), 'd/y': file('y'), 'e/z': file('z') }));
    writer.write(payload({ a: file('a'), 'd/y': file('y') }));
    expect(readdirSync(dir).filter((n) => !n.startsWith('..')).sort()).toEqual(['a', 'd']);
    expect(existsSync(join(dir, 'd/x'))).toBe(false);
    expect(readFileSync(join(dir, 'd/y'), 'utf8')).toBe('y');
  });

  it('calls setPerms with the new directory before publishing it', () => {
    const { dir, writer } = setup();
    const seen: Array<{ sub: string; published: boolean }> = [];
    const { dataDir } = writer.write(payload({ token: file('t') }), (sub) => {
      seen.push({ sub, published: existsSync(join(dir, '..data')) });
    });
    expect(seen).toEqual([{ sub: dataDir, published: false }]);
  });

  it('leaves the published data untouched when setPerms fails', () => {
    const { dir, writer } = setup();
    const first = writer.write(payload({ token: file('t1') }));
    expect(() => writer.write(payload({ token: file('t2') }), () => { throw new Error('chown: operation not permitted'); })).toThrow('chown: operation not permitted');
    expect(readlinkSync(join(dir, '..data'))).toBe(first.dataDir);
    expect(tsDirs(dir)).toEqual([first.dataDir]);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('t1');
  });

  it('rejects an invalid payload before touching the directory', () => {
    const { dir, writer } = setup();
    expect(() => writer.write(payload({ ok: file('x'), '../escape': file('y') }))).toThrow(KubeletError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('recovers from a ..data_tmp left behind by a crash', () => {
    const { dir, writer } = setup();
    symlinkSync('..nowhere', join(dir, '..data_tmp'));
    const { dataDir } = writer.write(payload({ token: file('t') }));
    expect(readlinkSync(join(dir, '..data'))).toBe(dataDir);
    expect(existsSync(join(dir, '..data_tmp'))).toBe(false);
  });

  it.runIf(process.getuid?.() === 0)('chowns files with an fsUser when running as root', () => {
    const { dir, writer } = setup();
    writer.write(new Map([['token', { data: Buffer.from('t'), mode: 0o600, fsUser: 1000 }], ['ca.crt', file('ca')]]));
    expect([lstatSync(join(dir, '..data/token')).uid, lstatSync(join(dir, '..data/token')).gid]).toEqual([1000, 0]);
    expect(lstatSync(join(dir, '..data/ca.crt')).uid).toBe(0);
  });
});
