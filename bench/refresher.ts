/**
 * [5a] The refresher end to end: an emulator on the manual clock, N pods on one node, the kubelet
 * (`emu.startKubelet`) writing their kube-api-access volumes (tmpfs when the machine has one, as a
 * kubelet's projected volumes are) with real RS256 signing, through one simulated day.
 * Checked: every rotation happens no later than the deadline of the token it replaces (the
 * instant from which `requiresRefresh` is true whatever the jitter), no pod is overdue at any
 * hourly check, and every token on disk at the end reviews as authenticated.
 * Baseline: raw node:crypto RS256 signing in the same process (the share of a refresh that is the
 * signature).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rfc3339 } from '../src/clock/index.js';
import { createEmulator } from '../src/emulator.js';
import { refreshWindow } from '../src/kubelet/refresh-policy.js';
import type { Pod, TokenRequest } from '../src/registry/types.js';
import { benchObjects, NAMESPACE, NODE } from './lib/fixture.js';
import { loopSync } from './lib/measure.js';
import { seededRandom } from '../test/helpers/random.js';
import { type BenchContext, fx, n0, verdict } from './lib/report.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3600_000;

/** tmpfs when available (projected volumes live on tmpfs on a real node), else the temp dir. */
export function volumeRoot(): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'satoken-bench-kubelet-'));
}

/** The instant from which a refresh is due whatever the jitter, for a token expiring at `expiresAt`. */
function deadlineOf(expirationSeconds: number, expiresAt: string, now: number): number {
  const tr = { spec: { expirationSeconds }, status: { token: '', expirationTimestamp: expiresAt } } as unknown as TokenRequest;
  return refreshWindow(tr, now)!.latest;
}

export async function run(ctx: BenchContext): Promise<void> {
  const r = ctx.report;
  const pods = ctx.quick ? 250 : 1000;
  const hours = 24;
  r.section(`[5a] refresher: ${n0(pods)} pods, ${hours} simulated hours, manual clock, real signing, files on ${existsSync('/dev/shm') ? 'tmpfs' : 'disk'}`);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const raw = loopSync(() => sign('sha256', Buffer.alloc(770, 101), privateKey), 500);

  const emu = await createEmulator({ clock: 'manual', startTime: T0 });
  const root = volumeRoot();
  try {
    await emu.apply(benchObjects(pods));
    const podList = emu.list<Pod>('Pod', NAMESPACE);
    const kubelet = await emu.startKubelet({ nodeName: NODE, rootDir: root, random: seededRandom(7) });
    const start = emu.clock.now();
    const deadline = new Map<string, number>();
    const volume = new Map<string, { name: string; seconds: number }>();
    for (const p of podList) {
      const v = p.spec.volumes!.find((x) => x.name.startsWith('kube-api-access-'))!;
      const seconds = v.projected!.sources!.find((s) => s.serviceAccountToken)!.serviceAccountToken!.expirationSeconds!;
      volume.set(p.metadata.uid!, { name: v.name, seconds });
      deadline.set(p.metadata.uid!, deadlineOf(seconds, rfc3339(start + seconds * 1000), start));
    }
    let rotations = 0;
    let late = 0;
    let worstLateMs = 0;
    kubelet.on('rotated', (e) => {
      const now = emu.clock.now();
      rotations++;
      const due = deadline.get(e.podUid)!;
      if (now > due) {
        late++;
        worstLateMs = Math.max(worstLateMs, now - due);
      }
      deadline.set(e.podUid, deadlineOf(volume.get(e.podUid)!.seconds, e.expirationTimestamp!, now));
    });

    let overdue = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let h = 0; h < hours; h++) {
      await emu.clock.advance(HOUR);
      const now = emu.clock.now();
      for (const due of deadline.values()) if (due < now) overdue++;
    }
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const cpuS = (cpu.user + cpu.system) / 1e6;

    let valid = 0;
    for (const p of podList) {
      const uid = p.metadata.uid!;
      const token = readFileSync(join(kubelet.volumeDir(uid, volume.get(uid)!.name), 'token'), 'utf8');
      if ((await emu.reviewToken(token)).authenticated) valid++;
    }
    const perPod = rotations / pods;
    const expected = (hours * 3600) / (volume.values().next().value!.seconds * 0.8);
    r.line('baseline: node:crypto sign RS256, this process', `${n0(raw.perCpuS)}/CPU-s  = ${fx(1e6 / raw.perCpuS, 0)} µs each`);
    r.line('rotations (refreshes with a new token written)', `${n0(rotations)}  = ${fx(perPod, 1)} per pod (≈${fx(expected, 1)} expected at 80 % of 3607 s)`);
    r.line('simulated day took', `${fx(wallS, 1)} s wall, ${fx(cpuS, 1)} s CPU  = ${fx((cpuS * 1e6) / rotations, 0)} µs CPU per refresh`);
    r.line('signature share of a refresh (raw sign time / refresh time)', fx(rotations / raw.perCpuS / cpuS));
    r.line('late rotations (after the old token\'s deadline)', `${late}${late ? ` (worst ${n0(worstLateMs)} ms)` : ''}`);
    r.line('pods overdue at the hourly checks', String(overdue));
    r.line('tokens on disk that review as authenticated at the end', `${n0(valid)}/${n0(pods)}`);
    const ok = late === 0 && overdue === 0 && valid === pods && perPod >= Math.floor(expected);
    r.goal({ id: 'refresher', measured: `${n0(pods)} pods/${hours}h ${late + overdue} late`, goal: '0 late', verdict: verdict(ok) }, `${n0(rotations)} rotations, ${n0(valid)}/${n0(pods)} valid at the end`);
  } finally {
    await emu.close();
    rmSync(root, { recursive: true, force: true });
  }
}
