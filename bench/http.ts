/**
 * [3] HTTP issuance and TokenReview through the real server (`dist/cli/main.js serve --http`,
 * `--log-level warn`: no request logs, whose cost [7] measures), 32 keep-alive connections from
 * this process. Baselines in the same run, in alternating rounds: node:crypto RS256 signing in
 * this process, an express 5 JSON POST endpoint and a plain node:http POST endpoint (the ceiling
 * of this load generator) in their own processes. Throughput is per CPU second of the server
 * process (read from /proc) and per wall second; latency p50/p99 over all rounds.
 * Goals: issuance ≥ 0.5 of raw signing; review (same token again) ≥ 0.85 of the express baseline.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { alternate, loopSync, ratio, type Series } from './lib/measure.js';
import { latency, load, type LoadResult, type LoadSpec } from './lib/load.js';
import { EXPRESS_JSON_SERVER, PLAIN_HTTP_SERVER, startInline, startSatoken, removeDir, type Child } from './lib/processes.js';
import { issuanceSpec, prepare, reviewBody, reviewSpec } from './lib/satoken-requests.js';
import { type BenchContext, fx, rates, verdict } from './lib/report.js';

export const CONNECTIONS = 32;
export const GOAL_ISSUE = 0.5;
export const GOAL_REVIEW = 0.85;

export async function run(ctx: BenchContext): Promise<void> {
  const r = ctx.report;
  r.section(`[3] HTTP through the real server, ${CONNECTIONS} connections (server: one process)`);
  const children: Child[] = [];
  // HTTP_BENCH_SERVE_FLAGS adds serve flags, e.g. "--audit-recorder-size 0" to see what recording costs
  const extra = (process.env.HTTP_BENCH_SERVE_FLAGS ?? '').split(' ').filter(Boolean);
  const satoken = await startSatoken(['--http', '--log-level', 'warn', ...extra]);
  if (extra.length) r.note(`serve flags added: ${extra.join(' ')}`);
  children.push(satoken);
  try {
    const express = await startInline(EXPRESS_JSON_SERVER);
    children.push(express);
    const plain = await startInline(PLAIN_HTTP_SERVER);
    children.push(plain);
    const token = await prepare(satoken);

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signingInput = Buffer.from('e'.repeat(770));
    const durationMs = ctx.quick ? 800 : 1500;
    const runs = new Map<string, LoadResult[]>();
    const loaded = (name: string, spec: Omit<LoadSpec, 'durationMs' | 'connections'>) => ({
      name,
      run: async () => {
        const res = await load({ ...spec, durationMs, connections: CONNECTIONS });
        if (res.errors) throw new Error(`${name}: ${res.errors} unexpected answers, first: ${res.firstError}`);
        runs.set(name, [...(runs.get(name) ?? []), res]);
        return res;
      },
    });
    const echo = (c: Child) => ({ url: c.url, path: '/echo', body: reviewBody(token), expectStatus: 201, pid: c.pid });
    const series = await alternate(
      [
        { name: 'raw sign', run: () => loopSync(() => sign('sha256', signingInput, privateKey), durationMs / 2) },
        loaded('plain', echo(plain)),
        loaded('express', echo(express)),
        loaded('issue', issuanceSpec(satoken)),
        loaded('review', reviewSpec(satoken, token)),
      ],
      ctx.quick ? 2 : 3,
    );
    const by = (name: string) => series.find((s) => s.name === name)!;
    const lat = (name: string) => {
      // the warm-up round is not in the series; drop it from latencies too
      const l = latency(runs.get(name)!.slice(1));
      return `p50 ${fx(l.p50, 1)} ms  p99 ${fx(l.p99, 1)} ms`;
    };
    const line = (label: string, s: Series, extra: string) => r.line(label, `${rates(s)}  ${extra}`);
    line('baseline: node:crypto sign RS256, this process', by('raw sign'), '');
    line('reference: plain node:http JSON POST (load generator ceiling)', by('plain'), lat('plain'));
    line('baseline: express 5 JSON POST (express.json, echo)', by('express'), lat('express'));
    line('satoken: POST .../serviceaccounts/bench/token (pod-bound)', by('issue'), lat('issue'));
    line('satoken: POST tokenreviews (same token: cache hit)', by('review'), lat('review'));
    r.note('rates: per CPU second of the server process (/proc/<pid>/stat), and per wall second');
    const xIssue = ratio(by('issue'), by('raw sign'));
    const xReview = ratio(by('review'), by('express'));
    r.note(`per wall second: issuance ${fx(ratio(by('issue'), by('raw sign'), 'wall'))} of raw signing, review ${fx(ratio(by('review'), by('express'), 'wall'))} of express`);
    r.goal({ id: 'http-issue', measured: fx(xIssue), goal: `≥${GOAL_ISSUE}`, verdict: verdict(xIssue >= GOAL_ISSUE) }, `server/raw sign per CPU-s; ${lat('issue')}`);
    r.goal({ id: 'http-review', measured: fx(xReview), goal: `≥${GOAL_REVIEW}`, verdict: verdict(xReview >= GOAL_REVIEW) }, `satoken/express per server CPU-s; ${lat('review')}`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    removeDir(satoken.dir);
  }
}
