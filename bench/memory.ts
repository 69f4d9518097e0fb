/**
 * [6] Memory: bytes per cached review and per binding-registry entry, from the heap of a child
 * process run with `--expose-gc` (bench/children/memory-child.ts: fill N entries, collect, diff,
 * divide by N). A cached review's share of the slots lru-cache preallocates is counted with it.
 * The child runs under `/usr/bin/time -v` when the machine has it, for its peak RSS.
 * Goal: under 0.7 kB each.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/processes.js';
import { type BenchContext, fx, n0, verdict } from './lib/report.js';

export const GOAL_BYTES = 700;

interface Heaps {
  n: number;
  lru: number;
  issued: number;
  reviewed: number;
  /** heap growth of the same issuance with the request recorder on */
  recorded: number;
  rejected: number;
  tokenLength: number;
  registrySizes: number[];
}

function runChild(n: number): Promise<{ heaps: Heaps; maxRssKb?: number }> {
  const args = ['--expose-gc', '--import', 'tsx', join('bench', 'children', 'memory-child.ts'), String(n)];
  const time = existsSync('/usr/bin/time');
  const child = time ? spawn('/usr/bin/time', ['-v', process.execPath, ...args], { cwd: ROOT }) : spawn(process.execPath, args, { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) return fail(new Error(`memory child exited with ${code}: ${err.slice(-2000)}`));
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1];
      ok({ heaps: JSON.parse(line) as Heaps, ...(rss ? { maxRssKb: Number(rss) } : {}) });
    });
  });
}

export async function run(ctx: BenchContext): Promise<void> {
  const r = ctx.report;
  const n = ctx.quick ? 4_000 : 10_000;
  r.section(`[6] memory: ${n0(n)} entries (the default review cache size), heap after full GC in a child, request recorder off unless said`);
  const { heaps: h, maxRssKb } = await runChild(n);
  if (h.rejected) throw new Error(`${h.rejected} of ${n} fresh tokens were rejected`);
  const slot = h.lru / n;
  const binding = h.issued / n;
  const review = (h.reviewed - h.issued) / n + slot;
  r.line('baseline: the token itself, as a V8 string (16 B header + chars)', `${n0(h.tokenLength + 16)} B`);
  r.line('lru-cache slots preallocated for the review cache', `${fx(slot, 0)} B per slot (counted in the review figure)`);
  r.line('per binding-registry entry (issued token: maps by UID, expiry heap)', `${fx(binding, 0)} B`);
  r.line('per cached review (LRU entry, result, deps, index by UID)', `${fx(review, 0)} B`);
  r.line('per TokenRequest the request recorder keeps (default on, last 10,000)', `${fx((h.recorded - h.issued) / n, 0)} B more`);
  if (maxRssKb) r.line('child peak RSS (/usr/bin/time -v; 3 emulators, 3 × N tokens)', `${n0(maxRssKb / 1024)} MB`);
  r.goal({ id: 'mem-review', measured: `${n0(review)}B`, goal: `<${GOAL_BYTES}B`, verdict: verdict(review < GOAL_BYTES) });
  r.goal({ id: 'mem-binding', measured: `${n0(binding)}B`, goal: `<${GOAL_BYTES}B`, verdict: verdict(binding < GOAL_BYTES) });
}
