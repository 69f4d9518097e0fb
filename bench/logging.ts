/**
 * [7] Request logs: two `satoken serve --http` processes, one with `--log-level silent`, one with
 * `--log-level info` (one pino line per request, stderr sent to a file), under the same TokenReview
 * load (cache hits: the cheapest request, where a log line weighs most), in alternating rounds.
 * Goal: request logs cost at most 10 % of throughput (info ≥ 0.90 of silent), per server CPU second.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { alternate, ratio } from './lib/measure.js';
import { latency, load, type LoadResult } from './lib/load.js';
import { removeDir, scratchDir, startSatoken, type SatokenServer } from './lib/processes.js';
import { prepare, reviewSpec } from './lib/satoken-requests.js';
import { type BenchContext, fx, n0, rates, verdict } from './lib/report.js';

export const GOAL = 0.9;
const CONNECTIONS = 32;

export async function run(ctx: BenchContext): Promise<void> {
  const r = ctx.report;
  r.section(`[7] request logs: TokenReview over HTTP, ${CONNECTIONS} connections, --log-level silent vs info (to a file)`);
  const dir = scratchDir();
  const logFile = join(dir, 'info.log');
  const servers: SatokenServer[] = [];
  try {
    const silent = await startSatoken(['--http', '--log-level', 'silent'], { dir: join(dir, 'silent') });
    servers.push(silent);
    const info = await startSatoken(['--http', '--log-level', 'info'], { dir: join(dir, 'info'), stderrFile: logFile });
    servers.push(info);
    const tokens = [await prepare(silent), await prepare(info)];
    const durationMs = ctx.quick ? 800 : 1500;
    const runs: LoadResult[][] = [[], []];
    const contestant = (i: number, name: string, s: SatokenServer) => ({
      name,
      run: async () => {
        const res = await load({ ...reviewSpec(s, tokens[i]!), durationMs, connections: CONNECTIONS });
        if (res.errors) throw new Error(`${name}: ${res.errors} unexpected answers, first: ${res.firstError}`);
        runs[i]!.push(res);
        return res;
      },
    });
    const [off, on] = await alternate([contestant(0, 'silent', silent), contestant(1, 'info', info)], ctx.quick ? 3 : 5);
    const lat = (i: number) => {
      const l = latency(runs[i]!.slice(1));
      return `p50 ${fx(l.p50, 1)} ms  p99 ${fx(l.p99, 1)} ms`;
    };
    await info.stop(); // serve buffers its log (flushed each second and at exit): count after it is gone
    const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"request"')).length;
    const requests = runs[1]!.reduce((n, x) => n + x.ops, 0);
    r.line('baseline: --log-level silent', `${rates(off!)}  ${lat(0)}`);
    r.line('--log-level info, pino to a file', `${rates(on!)}  ${lat(1)}`);
    r.note(`log file: ${n0(statSync(logFile).size / 1024)} kB, ${n0(lines)} request lines for ${n0(requests)} requests sent`);
    const x = ratio(on!, off!);
    r.note(`per wall second: info/silent ${fx(ratio(on!, off!, 'wall'))}`);
    r.goal({ id: 'logging', measured: `${fx((1 - x) * 100, 0)}% cost`, goal: `≤${fx((1 - GOAL) * 100, 0)}%`, verdict: verdict(x >= GOAL) }, `info/silent ${fx(x)} per server CPU-s`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    removeDir(dir);
  }
}
