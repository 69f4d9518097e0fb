/**
 * [2] Library review: `emu.reviewToken` of a pod-bound token without the review cache
 * (signature, claims, service-account and pod look-ups) and with a cache hit, against
 * `node:crypto` RS256 verification of the same token. Goals: no cache ≥ 0.35 of raw verifying;
 * cache hit ≥ 10 × raw verifying. The cache's invariants are checked on a manual clock: a cached
 * review dies with its pod, with a replaced service account, and at `exp` (+ 60 s leeway).
 */
import { verify } from 'node:crypto';
import { compactVerify } from 'jose';
import { alternate, loopAsync, loopSync, ratio } from './lib/measure.js';
import { benchEmulator, benchObjects, NAMESPACE, POD, POD_BOUND, SERVICE_ACCOUNT } from './lib/fixture.js';
import { controlPlaneOf } from '../src/emulator.js';
import { type BenchContext, fx, rates, verdict } from './lib/report.js';

export const GOAL_NO_CACHE = 0.35;
export const GOAL_CACHE_HIT = 10;

export async function run(ctx: BenchContext): Promise<void> {
  const r = ctx.report;
  r.section('[2] library review (TokenReview), pod-bound token, one caller (single core)');
  const uncached = await benchEmulator({ reviewCacheSize: 0 });
  const cached = await benchEmulator();
  try {
    const token = (await uncached.requestToken(NAMESPACE, SERVICE_ACCOUNT, POD_BOUND)).status.token;
    const hitToken = (await cached.requestToken(NAMESPACE, SERVICE_ACCOUNT, POD_BOUND)).status.token;
    for (const [emu, t] of [[uncached, token], [cached, hitToken]] as const) {
      const s = await emu.reviewToken(t);
      if (!s.authenticated) throw new Error(`bench token not accepted: ${s.error}`);
    }
    const [h, p, s] = token.split('.') as [string, string, string];
    const input = Buffer.from(`${h}.${p}`);
    const sig = Buffer.from(s, 'base64url');
    const publicKey = controlPlaneOf(uncached).keys.source.keysFor(undefined)[0]!.publicKey;
    const ms = ctx.quick ? 300 : 600;
    const series = await alternate(
      [
        { name: 'raw', run: () => loopSync(() => verify('sha256', input, publicKey, sig), ms) },
        { name: 'jose', run: () => loopAsync(() => compactVerify(token, publicKey, { algorithms: ['RS256'] }), ms) },
        { name: 'no cache', run: () => loopAsync(() => uncached.reviewToken(token), ms) },
        { name: 'cache hit', run: () => loopAsync(() => cached.reviewToken(hitToken), ms) },
      ],
      ctx.quick ? 3 : 5,
    );
    const [raw, jose, none, hit] = series as [(typeof series)[0], (typeof series)[0], (typeof series)[0], (typeof series)[0]];
    r.line('baseline: node:crypto verify RS256 of the same token', rates(raw));
    r.line('reference: jose compactVerify alone (the ceiling with jose)', `${rates(jose)}  = ${fx(ratio(jose, raw))} of raw`);
    r.line('library: emu.reviewToken, reviewCacheSize 0', `${rates(none)}  = ${fx(ratio(none, raw, 'wall'))} of raw per wall-s`);
    r.line('library: emu.reviewToken, cache hit', `${rates(hit)}  = ${fx(ratio(hit, raw, 'wall'), 1)} × raw per wall-s`);
    const invariants = await checkCacheInvariants();
    r.line('cache invariants (pod deleted, SA replaced, exp passed)', invariants.ok ? 'held' : `BROKEN: ${invariants.failures.join('; ')}`);
    const xNone = ratio(none, raw);
    const xHit = ratio(hit, raw);
    r.goal({ id: 'review-nocache', measured: fx(xNone), goal: `≥${GOAL_NO_CACHE}`, verdict: verdict(xNone >= GOAL_NO_CACHE) }, 'library/raw verify per CPU-s');
    r.goal({ id: 'review-cachehit', measured: `${fx(xHit, 1)}×`, goal: `≥${GOAL_CACHE_HIT}×`, verdict: verdict(xHit >= GOAL_CACHE_HIT && invariants.ok) }, 'hit/raw verify per CPU-s, invariants held');
  } finally {
    await uncached.close();
    await cached.close();
  }
}

/** Each cached review must die with what it depends on; returns what did not. */
async function checkCacheInvariants(): Promise<{ ok: boolean; failures: string[] }> {
  const failures: string[] = [];
  const emu = await benchEmulator({ clock: 'manual' });
  try {
    const expectRejected = async (what: string, t: string) => {
      const s = await emu.reviewToken(t);
      if (s.authenticated) failures.push(`${what}: still accepted`);
    };
    const warm = async (t: string) => {
      for (let i = 0; i < 2; i++) if (!(await emu.reviewToken(t)).authenticated) failures.push('fresh token rejected');
    };
    const podToken = (await emu.requestToken(NAMESPACE, SERVICE_ACCOUNT, POD_BOUND)).status.token;
    await warm(podToken);
    await emu.delete('Pod', NAMESPACE, POD);
    await expectRejected('pod deleted', podToken);

    const saToken = (await emu.requestToken(NAMESPACE, SERVICE_ACCOUNT)).status.token;
    await warm(saToken);
    await emu.delete('ServiceAccount', NAMESPACE, SERVICE_ACCOUNT);
    await emu.apply(benchObjects(0).slice(0, 1));
    await expectRejected('service account replaced', saToken);

    const shortToken = (await emu.requestToken(NAMESPACE, SERVICE_ACCOUNT, { expirationSeconds: 600 })).status.token;
    await warm(shortToken);
    await emu.clock.advance((600 + 61) * 1000);
    await expectRejected('exp + leeway passed', shortToken);
  } finally {
    await emu.close();
  }
  return { ok: failures.length === 0, failures };
}
