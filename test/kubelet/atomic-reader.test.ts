import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RealClock } from '../../src/clock/index.js';
import { AtomicWriter } from '../../src/kubelet/atomic-writer.js';

/** A reader as a workload reads its token: open the user-visible path, read it all, check it. */
const READER = `
const { readFileSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const shared = new Int32Array(workerData.flag);
let reads = 0, bad = 0, missing = 0, sample = '';
while (Atomics.load(shared, 0) === 0) {
  let text;
  try { text = readFileSync(workerData.path, 'utf8'); } catch { missing++; continue; }
  reads++;
  const m = /^token-(\\d+)-(x+)$/.exec(text);
  if (!m || m[2].length !== 4000) { bad++; if (!sample) sample = text.slice(0, 40); }
}
parentPort.postMessage({ reads, bad, missing, sample });
`;

describe('the atomic writer under a reader in a tight loop', () => {
  it('never lets the reader see a missing, empty or partial token file over thousands of rotations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satoken-atomic-'));
    try {
      const writer = new AtomicWriter(dir, 'test', { clock: new RealClock() });
      const payload = (n: number) => new Map([['token', { data: Buffer.from(`token-${n}-${'x'.repeat(4000)}`), mode: 0o644 }]]);
      writer.write(payload(0));
      const flag = new SharedArrayBuffer(4);
      const worker = new Worker(READER, { eval: true, workerData: { path: join(dir, 'token'), flag } });
      const result = new Promise<{ reads: number; bad: number; missing: number; sample: string }>((ok, fail) => {
        worker.once('message', ok);
        worker.once('error', fail);
      });
      await new Promise((r) => setTimeout(r, 50));
      const rotations = 3000;
      for (let i = 1; i <= rotations; i++) {
        writer.write(payload(i));
        if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      }
      Atomics.store(new Int32Array(flag), 0, 1);
      const r = await result;
      await worker.terminate();
      expect(r.reads).toBeGreaterThan(1000);
      expect({ bad: r.bad, missing: r.missing, sample: r.sample }).toEqual({ bad: 0, missing: 0, sample: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
