import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rfc3339 } from '../clock/index.js';
import { createEmulator, type Emulator } from '../emulator.js';
import type { KubeletAgent } from '../kubelet/kubelet.js';
import type { Pod, ServiceAccount } from '../registry/types.js';

const DAY = 86_400_000;
const NS = 'default';
const SA = 'app';

/** One token's state at one step of the comparison. */
export interface TokenState {
  token: string;
  kind: 'bound' | 'legacy';
  accepted: boolean;
  /** the TokenReview's error, exactly as Kubernetes words it */
  error: string | null;
  /** the JWT's `exp` (null: it never expires) */
  expires: string | null;
  /** the JWT's `warnafter` (bound tokens the kubelet requests for 3607 s) */
  staleAfter: string | null;
  /** accepted, but past `warnafter`: counted in serviceaccount_stale_tokens_total */
  stale: boolean;
  /** rotations of the token file so far (bound tokens only) */
  rotations: number | null;
  note: string | null;
}

export interface CompareStep {
  step: string;
  event: string;
  at: string;
  elapsedMs: number;
  tokens: TokenState[];
}

export interface CompareResult {
  start: string;
  cleanUpPeriodDays: number;
  steps: CompareStep[];
}

export interface CompareOptions {
  /** start of the manual clock (default 2026-01-01T00:00:00Z, so that runs read alike) */
  start?: number;
  /** called as each step begins (1-based), for progress */
  onStep?: (step: number, of: number, name: string) => void;
}

interface Tracked {
  name: string;
  kind: 'bound' | 'legacy';
  token: () => string;
  note?: () => string | null;
}

function claims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const time = (s: unknown) => (typeof s === 'number' ? rfc3339(s * 1000) : null);

/**
 * The scripted lifetime `satoken compare` shows, on a manual clock, in an in-process emulator
 * with controllers and a kubelet writing into a temporary directory:
 * - service account `app`, pod `app-0` on `node-1` (its kube-api-access token written by the
 *   kubelet), a manually created legacy token Secret, and an auto-generated-style one (listed
 *   in the service account's `secrets`, as clusters up to 1.23 made them);
 * - then the first refresh, the hour (the first token goes stale), a day, the pod's deletion,
 *   a year and two years of legacy clean-up (365 days), and the service account's deletion;
 * - at each step every token is reviewed (a use, which bumps the legacy last-used label).
 * @example
 * const result = await runCompareScenario();
 * result.steps.map((s) => s.tokens[0].accepted); // [true, true, true, true, false, false, false, false]
 */
export async function runCompareScenario(opts: CompareOptions = {}): Promise<CompareResult> {
  const start = opts.start ?? Date.parse('2026-01-01T00:00:00Z');
  const emu = await createEmulator({ clock: 'manual', startTime: start });
  const rootDir = mkdtempSync(join(tmpdir(), 'satoken-compare-'));
  try {
    return { start: rfc3339(start), cleanUpPeriodDays: 365, steps: await script(emu, rootDir, start, opts.onStep) };
  } finally {
    await emu.close();
    rmSync(rootDir, { recursive: true, force: true });
  }
}

async function script(emu: Emulator, rootDir: string, start: number, onStep: CompareOptions['onStep']): Promise<CompareStep[]> {
  await emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA, namespace: NS } });
  const kubelet: KubeletAgent = await emu.startKubelet({ nodeName: 'node-1', rootDir, random: () => 0.5 });
  const [pod] = (await emu.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app-0', namespace: NS }, spec: { serviceAccountName: SA, nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox' }] } })) as Pod[];
  const volume = pod!.spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!.name;
  const tokenFile = join(kubelet.volumeDir(pod!.metadata.uid!, volume), 'token');
  let rotations = 0;
  kubelet.on('rotated', (e) => {
    if (e.podUid === pod!.metadata.uid && e.volume === volume) rotations++;
  });
  let current = readFileSync(tokenFile, 'utf8');
  const first = current;
  const manual = await emu.createLegacyToken(NS, SA, 'app-token-manual');
  const auto = await emu.createLegacyToken(NS, SA, 'app-token-auto');
  const sa = emu.get<ServiceAccount>('ServiceAccount', NS, SA)!;
  sa.secrets = [{ name: 'app-token-auto' }];
  await emu.apply(sa);

  const tracked: Tracked[] = [
    { name: 'bound: token file', kind: 'bound', token: () => (existsSync(tokenFile) ? (current = readFileSync(tokenFile, 'utf8')) : current), note: () => (existsSync(tokenFile) ? null : 'file removed with the pod; last token read') },
    { name: 'bound: first token', kind: 'bound', token: () => first, note: () => (first === current ? null : 'rotated out of the file') },
    { name: 'legacy: manual Secret', kind: 'legacy', token: () => manual, note: () => secretNote(emu, 'app-token-manual') },
    { name: 'legacy: auto-generated Secret', kind: 'legacy', token: () => auto, note: () => secretNote(emu, 'app-token-auto') },
  ];
  const steps: CompareStep[] = [];
  const snapshot = async (step: string, event: string) => {
    const now = emu.clock.now();
    const tokens: TokenState[] = [];
    for (const t of tracked) {
      const token = t.token();
      const review = await emu.reviewToken(token);
      const c = claims(token);
      const kube = (c['kubernetes.io'] ?? {}) as { warnafter?: number };
      const stale = review.authenticated === true && typeof kube.warnafter === 'number' && now / 1000 > kube.warnafter;
      tokens.push({ token: t.name, kind: t.kind, accepted: review.authenticated === true, error: review.error ?? null, expires: time(c.exp), staleAfter: time(kube.warnafter), stale, rotations: t.kind === 'bound' ? rotations : null, note: null });
    }
    await emu.idle();
    tracked.forEach((t, i) => (tokens[i]!.note = t.note?.() ?? null));
    steps.push({ step, event, at: rfc3339(now), elapsedMs: now - start, tokens });
  };
  const at = (ms: number) => emu.clock.advance(start + ms - emu.clock.now());

  const script: Array<{ step: string; event: string; before?: () => Promise<void> }> = [
    {
      step: 'issued',
      event:
        'service account, pod on node-1 (the kubelet writes its token), two legacy token Secrets. The kubelet asks for 3607 s; the API server extends such a token to a year (--service-account-extend-token-expiration) and records the 3607 s mark as warnafter (STALE AFTER): the kubelet rotates at 80 % of 3607 s, and a use past warnafter counts as stale',
    },
    { step: 'first refresh', event: 'the kubelet rotated the file at 80 % of the 3607 s the TokenRequest granted', before: () => at(49 * 60_000) },
    { step: 'the hour', event: "past the first token's warnafter: still accepted (its JWT runs for a year, see step 1), but stale", before: () => at(61 * 60_000) },
    { step: 'a day', event: 'the file has rotated every ~48 minutes', before: () => at(DAY) },
    {
      step: 'pod deleted',
      event: 'every token bound to the pod dies at once; the kubelet removes the files',
      before: async () => {
        await emu.delete('Pod', NS, 'app-0');
        kubelet.stop();
      },
    },
    { step: 'a year unused', event: 'LegacyServiceAccountTokenCleanUp marks the unused auto-generated token invalid', before: () => at(367 * DAY + 3600_000) },
    { step: 'two years', event: 'a year after it was marked invalid, the clean-up deletes its Secret; a manual Secret is never touched', before: () => at(733 * DAY + 3600_000) },
    { step: 'service account deleted', event: "the tokens controller deletes the service account's token Secrets", before: () => emu.delete('ServiceAccount', NS, SA).then(() => undefined) },
  ];
  for (const [i, s] of script.entries()) {
    onStep?.(i + 1, script.length, s.step);
    await s.before?.();
    await snapshot(s.step, s.event);
  }
  return steps;
}

function secretNote(emu: Emulator, name: string): string | null {
  const s = emu.get('Secret', NS, name);
  if (!s) return 'Secret deleted';
  const labels = s.metadata.labels ?? {};
  const parts = [];
  if (labels['kubernetes.io/legacy-token-invalid-since']) parts.push(`invalid-since ${labels['kubernetes.io/legacy-token-invalid-since']}`);
  if (labels['kubernetes.io/legacy-token-last-used']) parts.push(`last-used ${labels['kubernetes.io/legacy-token-last-used']}`);
  return parts.length ? parts.join(', ') : null;
}
