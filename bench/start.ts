/**
 * [4] Start time: `satoken serve` (HTTPS, the default) with keys, certificates and data already
 * on disk, from spawn to its ready line; against a plain node:http server spawned and timed the
 * same way (the floor: node's own start). Median of N alternating starts.
 * Goal: ready in under 0.5 s.
 */
import { median } from './lib/measure.js';
import { PLAIN_HTTP_SERVER, removeDir, startInline, startSatoken, scratchDir } from './lib/processes.js';
import { type BenchContext, fx, n0, verdict } from './lib/report.js';

export const GOAL_MS = 500;

export async function run(ctx: BenchContext): Promise<void> {
  const r = ctx.report;
  const n = ctx.quick ? 3 : 7;
  r.section(`[4] start: spawn to ready line, median of ${n}`);
  const dir = scratchDir();
  try {
    // first start generates keys, certificates and the data directory; not measured
    await (await startSatoken(['--log-level', 'warn'], { dir })).stop();
    const satoken: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < n; i++) {
      const order = i % 2 ? ['plain', 'satoken'] : ['satoken', 'plain'];
      for (const which of order) {
        const c = which === 'satoken' ? await startSatoken(['--log-level', 'warn'], { dir }) : await startInline(PLAIN_HTTP_SERVER);
        (which === 'satoken' ? satoken : plain).push(c.readyMs);
        await c.stop();
      }
    }
    const s = median(satoken);
    const p = median(plain);
    r.line('baseline: plain node:http server (node -e), listen(0)', `${n0(p)} ms  (all: ${plain.map(n0).join(', ')})`);
    r.line('satoken serve (HTTPS, existing keys and data)', `${n0(s)} ms  (all: ${satoken.map(n0).join(', ')})`);
    r.note(`ratio to node:http ${fx(s / p, 1)}×; for scale, envtest needs ~7 s and kind 12 s to minutes`);
    r.goal({ id: 'start', measured: `${fx(s / 1000)}s`, goal: `<${GOAL_MS / 1000}s`, verdict: verdict(s < GOAL_MS) }, `${fx(s / p, 1)}× node:http`);
  } finally {
    removeDir(dir);
  }
}
