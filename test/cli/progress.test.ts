import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyGenerationProgress } from '../../src/cli/key-generation-progress.js';
import { clearProgress, terminalProgress } from '../../src/cli/progress.js';

/** A stand-in for standard error that records what was written. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (s: string) => writes.push(s), text: () => writes.join('') };
}
const CLEAR = '\r\u001b[2K';

describe('terminalProgress', () => {
  it('rewrites one line per step on a terminal and leaves the summary', () => {
    const s = fakeStream(true);
    const p = terminalProgress(s, 'satoken compare');
    p.step('1/8 issued');
    p.step('2/8 first refresh');
    p.done('8 steps in 0.4s');
    expect(s.writes).toEqual([`${CLEAR}satoken compare: 1/8 issued...`, `${CLEAR}satoken compare: 2/8 first refresh...`, CLEAR, 'satoken compare: 8 steps in 0.4s\n']);
  });

  it('clears the line without a summary', () => {
    const s = fakeStream(true);
    const p = terminalProgress(s, 'x');
    p.step('working');
    p.done();
    expect(s.text()).toBe(`${CLEAR}x: working...${CLEAR}`);
  });

  it('writes nothing off a terminal', () => {
    const s = fakeStream(false);
    const p = terminalProgress(s, 'x');
    p.step('working');
    p.done('finished');
    expect(s.writes).toEqual([]);
  });

  it('lets an error clear a step line left half way', () => {
    const s = fakeStream(true);
    terminalProgress(s, 'x').step('working');
    clearProgress();
    clearProgress();
    expect(s.writes).toEqual([`${CLEAR}x: working...`, CLEAR]);
  });
});

describe('keyGenerationProgress', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const keysDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'satoken-keys-'));
    dirs.push(d);
    return d;
  };

  it('names everything a first start generates, and where', () => {
    const s = fakeStream(true);
    const g = keyGenerationProgress({ keysDir: keysDir(), shown: 'keys', algorithm: 'RS256', signingKeyFromFiles: false }, s);
    expect(s.text()).toBe(`${CLEAR}satoken serve: first start: generating the signing key (RS256), the cluster CA and the serving certificate in keys/...`);
    g.done();
    expect(s.writes.at(-1)).toMatch(/^satoken serve: first start: made the signing key \(RS256\), the cluster CA and the serving certificate in keys\/ \(\d+\.\ds\); later starts reuse them\n$/);
  });

  it('names only what is missing, and leaves out the signing key given as files', () => {
    const dir = keysDir();
    writeFileSync(join(dir, 'ca.crt'), '');
    const s = fakeStream(true);
    keyGenerationProgress({ keysDir: dir, shown: 'keys/', algorithm: 'ES256', signingKeyFromFiles: true }, s);
    expect(s.text()).toContain('first start: generating the serving certificate in keys/...');
  });

  it('says nothing when every file is there, or off a terminal', () => {
    const dir = keysDir();
    for (const f of ['sa.key', 'ca.crt', 'apiserver.crt']) writeFileSync(join(dir, f), '');
    const tty = fakeStream(true);
    keyGenerationProgress({ keysDir: dir, shown: 'keys', algorithm: 'RS256', signingKeyFromFiles: false }, tty).done();
    const pipe = fakeStream(false);
    keyGenerationProgress({ keysDir: keysDir(), shown: 'keys', algorithm: 'RS256', signingKeyFromFiles: false }, pipe).done();
    expect([tty.writes, pipe.writes]).toEqual([[], []]);
  });
});
