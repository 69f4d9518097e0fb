/**
 * `npm run bench [-- --quick] [-- --only issuance,review,...]`: every benchmark of issue 7 in
 * order, each printing its figures next to a baseline measured in the same run, then a one-line
 * summary of the goals. See bench/README.md for a recorded run and how to reproduce it.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { distProblem } from './lib/processes.js';
import { type BenchContext, Reporter, fx } from './lib/report.js';
import * as issuance from './issuance.js';
import * as review from './review.js';
import * as http from './http.js';
import * as start from './start.js';
import * as refresher from './refresher.js';
import * as scheduler from './scheduler.js';
import * as memory from './memory.js';
import * as logging from './logging.js';
import * as twoCores from './two-cores.js';

interface Bench {
  name: string;
  /** goal ids it records, for the summary when it fails to run */
  goals: string[];
  usesDist: boolean;
  run(ctx: BenchContext): Promise<unknown>;
}

const BENCHES: Bench[] = [
  { name: 'issuance', goals: ['issuance'], usesDist: false, run: issuance.run },
  { name: 'review', goals: ['review-nocache', 'review-cachehit'], usesDist: false, run: review.run },
  { name: 'http', goals: ['http-issue', 'http-review'], usesDist: true, run: http.run },
  { name: 'start', goals: ['start'], usesDist: true, run: start.run },
  { name: 'refresher', goals: ['refresher'], usesDist: false, run: refresher.run },
  { name: 'scheduler', goals: ['scheduler'], usesDist: false, run: scheduler.run },
  { name: 'memory', goals: ['mem-review', 'mem-binding'], usesDist: false, run: memory.run },
  { name: 'logging', goals: ['logging'], usesDist: true, run: logging.run },
  { name: 'two-cores', goals: ['two-cores'], usesDist: true, run: twoCores.run },
];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',')) : undefined;
const report = new Reporter();
const ctx: BenchContext = { quick, report };

const t0 = performance.now();
report.print(`satoken bench${quick ? ' --quick' : ''}: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${fx(totalmem() / 2 ** 30, 1)} GiB RAM (${fx(freemem() / 2 ** 30, 1)} free), load average ${loadavg().map((l) => fx(l)).join(' ')}`);
report.print('rates: per CPU second of the process doing the work (the per-core figure the goals use) and per wall second; ratios: median over alternating rounds');
const selected = BENCHES.filter((b) => !only || only.has(b.name));
const stale = selected.some((b) => b.usesDist) ? distProblem() : undefined;
if (stale) report.print(`WARNING: ${stale}`);
for (const b of selected) {
  try {
    await b.run(ctx);
  } catch (e) {
    report.print(`  !! ${b.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    for (const id of b.goals) report.goals.push({ id, measured: 'error', goal: '', verdict: 'ERROR' });
  }
}
report.print('');
report.print(`total ${fx((performance.now() - t0) / 1000, 0)} s; load average now ${loadavg().map((l) => fx(l)).join(' ')}`);
report.print(report.summary());
