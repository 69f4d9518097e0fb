/**
 * [8] Both cores: two `satoken serve --http --signing inline` replicas (one core each) sharing one
 * etcd (`--etcd-servers`) and the keys directory, each under pod-bound TokenRequest load from this process (32 connections each),
 * against one replica alone, in alternating rounds. "One core" is one replica's issuance per CPU
 * second of its process; the goal compares both replicas' summed throughput per wall second with
 * it. Then invalidation across replicas: a token issued on B and reviewed on both (so both have it
 * cached) must be rejected by B as soon as the pod's DELETE on A has returned.
 * Goal: ≥ 1.7 × one core, and no replica accepting an invalidated token after the delete returned.
 * Needs /usr/bin/etcd (ETCD_BIN) and a build of satoken with `--etcd-servers`; otherwise the goal
 * is reported NOT IMPLEMENTED.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ETCD_BIN, startEtcd, type EtcdServer as Etcd } from '../test/helpers/etcd.js';
import { call, latency, load, type LoadResult } from './lib/load.js';
import { median, ratio, type Series, sleep } from './lib/measure.js';
import { CLI, removeDir, scratchDir, startSatoken, type SatokenServer } from './lib/processes.js';
import { issuanceSpec, prepare, REVIEW_PATH, reviewBody, TOKEN_PATH } from './lib/satoken-requests.js';
import { benchObjects, NAMESPACE } from './lib/fixture.js';
import { type BenchContext, fx, n0, rates, verdict } from './lib/report.js';

export const GOAL = 1.7;
/** per replica: keeps each replica busy with less queueing than 32 (runs at 8, 16, 32 and 64 are in bench/README.md); TWO_CORES_CONNECTIONS overrides */
const CONNECTIONS = Number(process.env.TWO_CORES_CONNECTIONS ?? 16);

/** Pins every thread of a process to one CPU (`taskset -a -p -c`); false when taskset is missing or refused. */
function pin(pid: number, cpu: number): boolean {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0;
}

/** A child that signs RS256 for `ms` on one CPU and prints its signatures per second. */
const RAW_SIGNER = `
const { generateKeyPairSync, sign } = require('node:crypto');
const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const input = Buffer.alloc(769, 97);
for (let i = 0; i < 50; i++) sign('sha256', input, key);
const ms = Number(process.argv[1]);
const t0 = performance.now(); let n = 0;
while (performance.now() - t0 < ms) { sign('sha256', input, key); n++; }
process.stdout.write(String(n / ((performance.now() - t0) / 1000)));
`;

function rawSigner(cpu: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(cpu), process.execPath, '-e', RAW_SIGNER, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`raw signer on CPU ${cpu} exited with ${code}`))));
  });
}

/**
 * What this machine itself gives two CPUs: raw RS256 signing in one process pinned to CPU 0,
 * then in two pinned to CPU 0 and 1 at once; the ratio of the sum to the one. Two vCPUs of a
 * shared host often are not two whole cores (siblings of one core, noisy neighbours).
 */
async function machineScaling(ms: number): Promise<{ one: number; both: number }> {
  const one = await rawSigner(0, ms);
  const both = (await Promise.all([rawSigner(0, ms), rawSigner(1, ms)])).reduce((a, b) => a + b, 0);
  return { one, both };
}

function replicasSupported(): string | undefined {
  if (!existsSync(ETCD_BIN)) return 'no etcd binary (apt-get install etcd-server, or set ETCD_BIN)';
  const help = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8', timeout: 20_000 });
  if (!help.stdout?.includes('--etcd-servers')) return 'this build of satoken serve has no --etcd-servers (replicas)';
  return undefined;
}

const podPath = (name: string) => `/api/v1/namespaces/${NAMESPACE}/pods/${name}`;

/** Waits until `server` can issue a token bound to the pod (its watch cache has the pod). */
async function waitForPod(server: SatokenServer, pod: string): Promise<void> {
  const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod } } };
  for (let i = 0; i < 500; i++) {
    if ((await call('POST', server.url, TOKEN_PATH, body, server.adminToken)).status === 201) return;
    await sleep(10);
  }
  throw new Error(`replica ${server.url} never saw pod ${pod}`);
}

async function authenticated(server: SatokenServer, token: string): Promise<boolean> {
  const r = await call('POST', server.url, REVIEW_PATH, JSON.parse(reviewBody(token).toString()), server.adminToken);
  if (r.status !== 201) throw new Error(`TokenReview on ${server.url}: ${r.status}`);
  return !!(r.body as { status?: { authenticated?: boolean } }).status?.authenticated;
}

/**
 * Deletes pods on A and reviews their B-issued tokens on B right after each delete returns.
 * Returns how many were still accepted, and how long the worst took to be rejected.
 */
async function invalidation(a: SatokenServer, b: SatokenServer, trials: number): Promise<{ stale: number; worstMs: number }> {
  let stale = 0;
  let worstMs = 0;
  for (let i = 0; i < trials; i++) {
    const pod = { ...(benchObjects(1)[2] as { metadata: { name: string } }) };
    pod.metadata = { ...pod.metadata, name: `victim-${i}` };
    const created = await call('POST', a.url, `/api/v1/namespaces/${NAMESPACE}/pods`, pod, a.adminToken);
    if (created.status !== 201) throw new Error(`creating victim-${i}: ${created.status}`);
    await waitForPod(b, `victim-${i}`);
    const tr = await call('POST', b.url, TOKEN_PATH, { spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: `victim-${i}` } } }, b.adminToken);
    const token = (tr.body as { status: { token: string } }).status.token;
    if (!(await authenticated(a, token)) || !(await authenticated(b, token))) throw new Error('a fresh token was rejected');
    const del = await call('DELETE', a.url, podPath(`victim-${i}`), undefined, a.adminToken);
    if (del.status !== 200) throw new Error(`deleting victim-${i}: ${del.status}`);
    const t0 = performance.now();
    if (await authenticated(b, token)) {
      stale++;
      while ((await authenticated(b, token)) && performance.now() - t0 < 5000) await sleep(1);
      worstMs = Math.max(worstMs, performance.now() - t0);
    }
    if (await authenticated(a, token)) stale++;
  }
  return { stale, worstMs };
}

export async function run(ctx: BenchContext): Promise<void> {
  const r = ctx.report;
  r.section(`[8] both cores: two replicas on one etcd, issuance over HTTP, ${CONNECTIONS} connections each`);
  const missing = replicasSupported();
  if (missing) {
    r.note(missing);
    r.goal({ id: 'two-cores', measured: 'n/a', goal: `≥${GOAL}×`, verdict: 'NOT IMPLEMENTED' }, missing);
    return;
  }
  const dir = scratchDir();
  let etcd: Etcd | undefined;
  const servers: SatokenServer[] = [];
  try {
    etcd = await startEtcd();
    const flags = ['--http', '--log-level', 'warn', '--signing', 'inline', '--etcd-servers', etcd.endpoint, '--keys-dir', join(dir, 'keys')];
    const a = await startSatoken(flags, { dir: join(dir, 'a') });
    servers.push(a);
    const b = await startSatoken(flags, { dir: join(dir, 'b') });
    servers.push(b);
    const pinned = pin(a.pid, 0) && pin(b.pid, 1);
    await prepare(a);
    await waitForPod(b, 'bench-0');

    const durationMs = ctx.quick ? 800 : 1500;
    const issue = (s: SatokenServer) => load({ ...issuanceSpec(s), durationMs, connections: CONNECTIONS });
    const check = (res: LoadResult) => {
      if (res.errors) throw new Error(`${res.errors} unexpected answers, first: ${res.firstError}`);
      return res;
    };
    const one: LoadResult[] = [];
    const both: Array<[LoadResult, LoadResult]> = [];
    const machine: number[] = [];
    const rawRound = async () => {
      if (!pinned) return;
      const m = await machineScaling(durationMs);
      machine.push(m.both / m.one);
    };
    await issue(a);
    for (let i = 0; i < (ctx.quick ? 2 : 5); i++) {
      await rawRound();
      one.push(check(await issue(a)));
      const pair = await Promise.all([issue(a), issue(b)]);
      both.push([check(pair[0]), check(pair[1])]);
    }
    await rawRound();
    const oneSeries: Series = { name: 'one', rounds: one, perS: median(one.map((x) => x.perS)), perCpuS: median(one.map((x) => x.perCpuS)) };
    const sum = both.map(([x, y]) => ({ ops: x.ops + y.ops, wallS: Math.max(x.wallS, y.wallS), cpuS: x.cpuS + y.cpuS, perS: x.perS + y.perS, perCpuS: (x.ops + y.ops) / (x.cpuS + y.cpuS) }));
    const bothSeries: Series = { name: 'both', rounds: sum, perS: median(sum.map((x) => x.perS)), perCpuS: median(sum.map((x) => x.perCpuS)) };
    const l1 = latency(one);
    const l2 = latency(both.flat());
    r.line('one replica alone (its per-CPU-s rate is "one core")', `${rates(oneSeries)}  p50 ${fx(l1.p50, 1)} ms  p99 ${fx(l1.p99, 1)} ms`);
    r.line('two replicas at once (sum of both)', `${rates(bothSeries)}  p50 ${fx(l2.p50, 1)} ms  p99 ${fx(l2.p99, 1)} ms`);
    const x = median(sum.map((s, i) => s.perS / one[i]!.perCpuS));
    const busy = (rounds: LoadResult[][]) => median(rounds.map((rs) => rs.reduce((c, x) => c + x.cpuS, 0) / rs[0]!.wallS));
    const client = (rounds: LoadResult[][]) => median(rounds.map((rs) => rs[0]!.clientCpuS / rs[0]!.wallS));
    r.note(pinned ? 'replica A pinned to CPU 0 and B to CPU 1 (taskset -a -p -c), as replicas are given a core each; the load generator and etcd float' : 'taskset unavailable: replicas not pinned to CPUs');
    r.note(`cores busy (median): one replica ${fx(busy(one.map((x) => [x])))} + load generator ${fx(client(one.map((x) => [x])))}; two replicas ${fx(busy(both))} + load generator ${fx(client(both))}; of ${cpus().length}`);
    r.note(`two replicas per wall second vs one replica per wall second: ${fx(ratio(bothSeries, oneSeries, 'wall'))}× (replicas sign inline, so each uses about one core)`);
    if (machine.length) {
      const m = median(machine);
      r.line('this machine: raw RS256 signing on CPUs 0+1 at once vs CPU 0 alone', `${fx(m)}× (all rounds: ${machine.map((v) => fx(v)).join(', ')})`);
      r.note(`two replicas reach ${fx(x / m)} of the machine's own two-CPU scaling (the load generator and etcd share the two CPUs too)`);
    }

    const trials = ctx.quick ? 3 : 5;
    const inv = await invalidation(a, b, trials);
    r.line(`invalidation: pod deleted on A, token (issued on B, cached on both) reviewed right after`, inv.stale ? `${inv.stale} stale acceptances in ${trials} trials (worst ${n0(inv.worstMs)} ms until rejected)` : `rejected by both in ${trials}/${trials} trials`);
    r.goal({ id: 'two-cores', measured: `${fx(x)}×`, goal: `≥${GOAL}× one core, 0 stale`, verdict: verdict(x >= GOAL && inv.stale === 0) }, 'two replicas per wall-s / one replica per CPU-s');
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await etcd?.destroy();
    removeDir(dir);
  }
}
