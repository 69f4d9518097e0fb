import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';

// emulator.reloadCheck: the same check as the CLI, on an in-process emulator it serves itself.
const NODE_CLIENT = join(__dirname, 'fixtures', 'in-cluster-client.mjs');
const FAST = { warmupMs: 500, windowMs: 1500, rotations: 1 };

let emu: Emulator;
beforeAll(async () => {
  emu = await createEmulator({ clock: 'real' });
});
afterAll(async () => {
  await emu.close();
});

describe('emulator.reloadCheck', () => {
  it('resolves to PASS for a program that re-reads its token (its in-cluster client trusts the served certificate through kube-root-ca.crt)', async () => {
    const lines: string[] = [];
    const r = await emu.reloadCheck({ command: process.execPath, args: [NODE_CLIENT], env: { MODE: 'reread' }, ...FAST, onOutput: (l) => lines.push(l) });
    expect(r.verdict, r.summary).toBe('PASS');
    expect(lines).toContain('GET /api 200');
    expect(r.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(r.generations).toHaveLength(2);
    // the pods are gone, the service account stays
    expect(emu.list('Pod', 'default').filter((p) => p.metadata.name?.startsWith('reload-check-'))).toEqual([]);
    expect(emu.get('ServiceAccount', 'default', 'reload-check')).toBeDefined();
  }, 30_000);

  it('resolves to FAIL (not a rejection) for a program that reads its token once, and its requests are in emulator.requests too', async () => {
    const r = await emu.reloadCheck({ command: process.execPath, args: [NODE_CLIENT], env: { MODE: 'naive' }, namespace: 'lib-naive', ...FAST });
    expect(r.verdict).toBe('FAIL');
    const stale = r.failure!.staleToken!;
    expect(r.failure).toMatchObject({ kind: 'stale-token', rotation: 1, staleToken: { generation: 0 } });
    expect(emu.tokenLineage(stale.jti).uses.length).toBe(r.generations[0]!.requests.length);
    expect(r.notes).toContain('namespace lib-naive did not exist: the check created it');
  }, 30_000);

  it('rejects what it cannot judge with a coded error', async () => {
    await expect(emu.reloadCheck({ command: 'no-such-program-xyz' })).rejects.toMatchObject({ name: 'ReloadCheckError', code: 'ERR_RELOAD_CHECK_SETUP', message: 'command not found: no-such-program-xyz' });
    await expect(emu.reloadCheck({ command: 'sleep', rotations: 0 })).rejects.toMatchObject({ code: 'ERR_RELOAD_CHECK_USAGE', message: 'rotations must be an integer from 1 to 100, got 0' });
    const ac = new AbortController();
    const running = emu.reloadCheck({ command: 'sleep', args: ['30'], ...FAST, signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    await expect(running).rejects.toMatchObject({ code: 'ERR_RELOAD_CHECK_ABORTED', message: 'the reload check was interrupted' });
  }, 30_000);

  it('needs the real clock', async () => {
    const manual = await createEmulator({ clock: 'manual' });
    try {
      await expect(manual.reloadCheck({ command: 'sleep' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: 'reloadCheck runs the program in real time: createEmulator({ clock: "real" })' });
    } finally {
      await manual.close();
    }
  });
});
