import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { storeContract } from './contract.js';
import { fill, obj } from './contract-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'satoken-sqlite-'));
let dirs = 0;
const freshDir = () => join(root, `d${++dirs}`, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('SqliteStore', () => {
  storeContract(async (opts) => SqliteStore.open(freshDir(), opts));

  describe('on disk', () => {
    it('finds every object after close and reopen, and the revision continues', async () => {
      const dir = freshDir();
      const first = SqliteStore.open(dir);
      await fill(first, 5);
      await first.update('/registry/pods/ns/p2', obj('p2', { v: 2 }));
      await first.delete('/registry/pods/ns/p3');
      const before = await first.list('/registry/');
      await first.close();
      const again = SqliteStore.open(dir);
      try {
        expect(again.revision()).toBe(7);
        expect(await again.list('/registry/')).toEqual(before);
        expect((await again.create('/registry/pods/ns/p9', obj('p9'))).metadata.resourceVersion).toBe('8');
      } finally {
        await again.close();
      }
    });

    it('resumes a watch after restart from a revision written before it', async () => {
      const dir = freshDir();
      const first = SqliteStore.open(dir);
      await fill(first, 3);
      await first.delete('/registry/pods/ns/p1');
      await first.close();
      const again = SqliteStore.open(dir);
      const seen: Array<[string, number]> = [];
      again.watch('/registry/pods/', (e) => seen.push([e.type, e.revision]), { sinceRevision: 2 });
      await again.create('/registry/pods/ns/p5', obj('p5'));
      await again.close();
      expect(seen).toEqual([['ADDED', 3], ['DELETED', 4], ['ADDED', 5]]);
    });

    it('remembers the compaction point across a restart, even with a larger history', async () => {
      const dir = freshDir();
      const first = SqliteStore.open(dir, { historySize: 3 });
      await fill(first, 10);
      await first.close();
      const again = SqliteStore.open(dir, { historySize: 100 });
      try {
        expect(() => again.watch('/registry/', () => {}, { sinceRevision: 6 })).toThrow('too old resource version: 6 (7)');
        const seen: number[] = [];
        again.watch('/registry/', (e) => seen.push(e.revision), { sinceRevision: 7 });
        expect(seen).toEqual([8, 9, 10]);
      } finally {
        await again.close();
      }
    });

    it('creates the data directory 0700 and the database 0600', async () => {
      const dir = freshDir();
      const store = SqliteStore.open(dir);
      await store.close();
      expect([statSync(dir).mode & 0o777, statSync(join(dir, 'satoken.db')).mode & 0o777]).toEqual([0o700, 0o600]);
    });

    it('refuses a second open of the same data directory while the first is open', async () => {
      const dir = freshDir();
      const first = SqliteStore.open(dir);
      try {
        expect(() => SqliteStore.open(dir)).toThrow(expect.objectContaining({ code: 'Unavailable', message: `${join(dir, 'satoken.db')} is in use by another process` }));
        await first.create('/registry/x', obj('x'));
        expect((await first.get('/registry/x'))?.metadata.resourceVersion).toBe('1');
      } finally {
        await first.close();
      }
    });

    it('keeps every acknowledged write when the writing process is killed with SIGKILL mid-way', async () => {
      const dir = freshDir();
      const total = 100_000;
      const { acked, signal } = await runAndKill(dir, total, 300);
      expect(signal).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThanOrEqual(300);
      expect(acked.length).toBeLessThan(total);
      const store = SqliteStore.open(dir);
      try {
        for (const key of acked) expect(await store.get(key), key).toBeDefined();
        expect(store.revision()).toBeGreaterThanOrEqual(acked.length);
        const next = await store.create('/registry/configmaps/ns/after', obj('after'));
        expect(next.metadata.resourceVersion).toBe(String(store.revision()));
      } finally {
        await store.close();
      }
    });
  });
});

/** Starts sqlite-writer-child.ts, kills it with SIGKILL after `after` acknowledged keys. */
function runAndKill(dir: string, total: number, after: number): Promise<{ acked: string[]; signal: NodeJS.Signals | null }> {
  const script = fileURLToPath(new URL('./sqlite-writer-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir, String(total)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    acked.push(...lines.filter((l) => l.startsWith('/registry/')));
    if (acked.length >= after && child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ acked, signal });
    });
  });
}
