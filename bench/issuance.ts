/**
 * [1] Library issuance: `emu.requestToken` of a pod-bound RS256 token (TokenRequest defaulting,
 * validation, NodeRestriction admission, object look-ups, claims, jose CompactSign, the binding
 * registry) against `node:crypto` RS256 signing of the same bytes with the same key.
 * Goal: at least 0.85 of raw signing, per core.
 */
import { sign } from 'node:crypto';
import { CompactSign } from 'jose';
import { alternate, loopAsync, loopSync, ratio } from './lib/measure.js';
import { benchEmulator, NAMESPACE, POD_BOUND, SERVICE_ACCOUNT } from './lib/fixture.js';
import { type BenchContext, fx, n0, rates, verdict } from './lib/report.js';
import { controlPlaneOf } from '../src/emulator.js';

export const GOAL = 0.85;

export interface IssuanceFigures {
  /** raw RS256 signatures per CPU second */
  rawSignPerCpuS: number;
  libraryPerCpuS: number;
}

export async function run(ctx: BenchContext): Promise<IssuanceFigures> {
  const r = ctx.report;
  r.section('[1] library issuance, RS256, pod-bound, one caller (single core)');
  const emu = await benchEmulator();
  const quiet = await benchEmulator({ audit: { recorder: false } });
  try {
    const key = controlPlaneOf(emu).keys.source.signingKey!;
    const sample = (await emu.requestToken(NAMESPACE, SERVICE_ACCOUNT, POD_BOUND)).status.token;
    const [h, p] = sample.split('.') as [string, string];
    const signingInput = Buffer.from(`${h}.${p}`);
    const payload = Buffer.from(p, 'base64url');
    const ms = ctx.quick ? 300 : 700;
    const series = await alternate(
      [
        { name: 'raw', run: () => loopSync(() => sign('sha256', signingInput, key.privateKey), ms) },
        { name: 'jose', run: () => loopAsync(() => new CompactSign(payload).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey), ms) },
        { name: 'library', run: () => loopAsync(() => emu.requestToken(NAMESPACE, SERVICE_ACCOUNT, POD_BOUND), ms) },
        { name: 'unrecorded', run: () => loopAsync(() => quiet.requestToken(NAMESPACE, SERVICE_ACCOUNT, POD_BOUND), ms) },
      ],
      ctx.quick ? 3 : 5,
    );
    const [raw, jose, lib, unrecorded] = series as [(typeof series)[0], (typeof series)[0], (typeof series)[0], (typeof series)[0]];
    r.line(`baseline: node:crypto sign RS256 (${signingInput.length} B signing input)`, rates(raw));
    r.line('reference: jose CompactSign alone (same payload and key)', `${rates(jose)}  = ${fx(ratio(jose, raw))} of raw`);
    r.line('library: emu.requestToken, bound to a pod', `${rates(lib)}  = ${fx(ratio(lib, raw, 'wall'))} of raw per wall-s`);
    r.line('library, request recorder off (audit: { recorder: false })', `${rates(unrecorded)}  = ${fx(ratio(unrecorded, raw))} of raw per CPU-s`);
    r.note(`token ${sample.length} B; binding registry holds ${n0(controlPlaneOf(emu).bindings.size)} tokens after the run`);
    const x = ratio(lib, raw);
    r.goal({ id: 'issuance', measured: fx(x), goal: `≥${GOAL}`, verdict: verdict(x >= GOAL) }, 'library/raw per CPU-s');
    return { rawSignPerCpuS: raw.perCpuS, libraryPerCpuS: lib.perCpuS };
  } finally {
    await emu.close();
    await quiet.close();
  }
}
