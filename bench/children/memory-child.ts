/**
 * Child process of the memory benchmark (bench/memory.ts), run with `--expose-gc`. Prints one JSON
 * line of heap sizes (`heapUsed` + `arrayBuffers` after full collections), in bytes:
 * - `lru`: an empty `LRUCache({ max: N })` (the slots lru-cache preallocates);
 * - `issued`: an emulator after issuing N pod-bound tokens (the binding registry holds N entries);
 * - `reviewed`: a second emulator after issuing N tokens and reviewing each once (registry and
 *   review cache hold N entries each).
 * No token is kept by this process, so that token strings do not count: `reviewed − issued` is
 * the review cache's share.
 *
 * Run as: node --expose-gc --import tsx bench/children/memory-child.ts <N>
 */
import { LRUCache } from 'lru-cache';
import { controlPlaneOf, createEmulator, type Emulator } from '../../src/emulator.js';
import { benchObjects, NAMESPACE, SERVICE_ACCOUNT } from '../lib/fixture.js';

const n = Number(process.argv[2] ?? 10_000);
const PODS = 100;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

async function heap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((ok) => setImmediate(ok));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Heap growth (bytes) while `fill` runs, after a warm-up of the same code paths. */
async function growth(fill: () => Promise<void>): Promise<number> {
  const before = await heap();
  await fill();
  return (await heap()) - before;
}

/** `recorder`: the request recorder (on by default) keeps every TokenRequest; off, the figures are the registry's and the cache's alone. */
async function emulator(recorder = false): Promise<Emulator> {
  const emu = await createEmulator({ clock: 'manual', startTime: '2026-01-01T00:00:00Z', reviewCacheSize: n, ...(recorder ? {} : { audit: { recorder: false } }) });
  await emu.apply(benchObjects(PODS));
  return emu;
}

const spec = (i: number) => ({ boundObjectRef: { kind: 'Pod', name: `bench-${i % PODS}` } });
let rejected = 0;
let tokenLength = 0;
const issue = async (emu: Emulator, i: number) => {
  const token = (await emu.requestToken(NAMESPACE, SERVICE_ACCOUNT, spec(i))).status.token;
  tokenLength = token.length;
  return token;
};
const review = async (emu: Emulator, token: string) => {
  if (!(await emu.reviewToken(token)).authenticated) rejected++;
};

let lru: LRUCache<string, object> | undefined;
const lruBytes = await growth(async () => {
  lru = new LRUCache<string, object>({ max: n });
});

const a = await emulator();
const b = await emulator();
// warm both paths once (the tokens then stay: one entry each, negligible)
await review(a, await issue(a, 0));
await review(b, await issue(b, 0));
const issued = await growth(async () => {
  for (let i = 0; i < n; i++) await issue(a, i);
});
const reviewed = await growth(async () => {
  for (let i = 0; i < n; i++) await review(b, await issue(b, i));
});
await a.close();
await b.close();
// the same issuance with the request recorder as the library's default has it
const c = await emulator(true);
await issue(c, 0);
const recorded = await growth(async () => {
  for (let i = 0; i < n; i++) await issue(c, i);
});
await c.close();
process.stdout.write(`${JSON.stringify({ n, lru: lruBytes, issued, reviewed, recorded, rejected, tokenLength, registrySizes: [controlPlaneOf(a).bindings.size, controlPlaneOf(b).bindings.size], lruSize: lru?.max })}\n`);
