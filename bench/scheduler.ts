/**
 * [5b] The refresh scheduler alone, at 1k, 10k and 100k pods: the volume manager's scheduling
 * loop without files or signatures — the kubelet's TokenManager (cache, `requiresRefresh` with
 * jitter, its minute-by-minute clean-up) over a fake token getter, `planResync`, and the
 * ResyncQueue's timer heap — on the manual clock. Pods got their current tokens at staggered instants
 * over the refresh period before (their first tokens are fetched before the clock starts); then a few simulated
 * hours of refreshes, timed. Goal: cost per refresh stays flat as pods grow (a heap, never a scan):
 * at 100k pods at most 2× the cheapest of the smaller sizes (a scan of all pods would be 10× per
 * step). Every refresh is also checked against the old token's deadline.
 */
import { ManualClock, rfc3339 } from '../src/clock/index.js';
import { refreshWindow } from '../src/kubelet/refresh-policy.js';
import { planResync } from '../src/kubelet/resync-plan.js';
import { ResyncQueue } from '../src/kubelet/resync-queue.js';
import { TokenManager } from '../src/kubelet/token-manager.js';
import type { TokenRequest } from '../src/registry/types.js';
import { seededRandom } from '../test/helpers/random.js';
import { type BenchContext, fx, n0, verdict } from './lib/report.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const SECONDS = 3607;
/** a token's refresh comes at 80 % of its lifetime: pods are staggered over that period */
const REFRESH_PERIOD_S = Math.floor(SECONDS * 0.8) - 10;
export const GROWTH_LIMIT = 2;

interface SchedulerRun {
  pods: number;
  refreshes: number;
  syncs: number;
  late: number;
  cpuS: number;
  wallS: number;
  /** CPU µs per refresh */
  usPerRefresh: number;
}

/** Runs `pods` pods for `hours` simulated hours after priming; see the module comment. */
export async function schedule(pods: number, hours: number): Promise<SchedulerRun> {
  const clock = new ManualClock(T0);
  /** how long before T0 each pod's current token was issued */
  let issuedAgo = 0;
  let fetches = 0;
  const getToken = async (_ns: string, _name: string, tr: TokenRequest): Promise<TokenRequest> => {
    fetches++;
    return { ...tr, status: { token: `t${fetches}`, expirationTimestamp: rfc3339(clock.now() - issuedAgo + SECONDS * 1000) } };
  };
  const tm = new TokenManager({ getToken, clock, random: seededRandom(11) });
  const requests: TokenRequest[] = [];
  const current: TokenRequest[] = [];
  const deadline = new Float64Array(pods);
  let late = 0;
  let syncs = 0;
  const sync = async (i: number): Promise<void> => {
    syncs++;
    const now = clock.now();
    const got = await tm.getServiceAccountToken('default', 'default', requests[i]!);
    if (got !== current[i]) {
      if (current[i] && now > deadline[i]!) late++;
      current[i] = got;
      deadline[i] = refreshWindow(got, now)!.latest;
    }
    const w = tm.refreshWindow(got);
    const plan = planResync({ now, failed: false, windows: w ? [w] : [], backoffMs: 0 });
    if (plan.at !== undefined) queue.schedule(String(i), plan.at);
  };
  const queue = new ResyncQueue(clock, (key) => void sync(Number(key)));
  for (let i = 0; i < pods; i++) {
    const uid = `pod-uid-${i}`;
    requests.push({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: null, expirationSeconds: SECONDS, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: `pod-${i}`, uid } },
      status: { token: '', expirationTimestamp: null },
    } as TokenRequest);
    issuedAgo = Math.floor((i * REFRESH_PERIOD_S) / pods) * 1000;
    await sync(i);
  }
  issuedAgo = 0;
  const primed = fetches;
  syncs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await clock.advance(hours * 3600_000);
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuS = (c.user + c.system) / 1e6;
  for (let i = 0; i < pods; i++) if (deadline[i]! < clock.now()) late++;
  queue.stop();
  tm.stop();
  const refreshes = fetches - primed;
  return { pods, refreshes, syncs, late, cpuS, wallS, usPerRefresh: (cpuS * 1e6) / refreshes };
}

export async function run(ctx: BenchContext): Promise<void> {
  const r = ctx.report;
  const hours = ctx.quick ? 1.5 : 3;
  r.section(`[5b] scheduler alone (TokenManager + planResync + ResyncQueue, fake token getter), ${hours} simulated hours`);
  const runs: SchedulerRun[] = [];
  for (const pods of [1_000, 10_000, 100_000]) {
    const s = await schedule(pods, hours);
    runs.push(s);
    r.line(`${n0(pods)} pods`, `${n0(s.refreshes)} refreshes, ${n0(s.syncs)} syncs, ${fx(s.cpuS, 2)} s CPU  = ${fx(s.usPerRefresh, 1)} µs CPU per refresh, ${s.late} late`);
  }
  const [a, b, c] = runs as [SchedulerRun, SchedulerRun, SchedulerRun];
  const growth = c.usPerRefresh / Math.min(a.usPerRefresh, b.usPerRefresh);
  const late = runs.reduce((n, s) => n + s.late, 0);
  r.note('the manual clock settles the event loop after each timer it fires: a fixed cost that weighs most at 1k pods');
  r.goal({ id: 'scheduler', measured: `${fx(growth)}× at 100k`, goal: `≤${GROWTH_LIMIT}×, 0 late`, verdict: verdict(growth <= GROWTH_LIMIT && late === 0) }, `${fx(c.usPerRefresh, 1)} µs/refresh at 100k vs ${fx(Math.min(a.usPerRefresh, b.usPerRefresh), 1)} at ≤10k`);
}
