/**
 * A reload check's result for a person: what ran where, the timeline, the tokens with their
 * request counts, the notes, and the verdict as the last line.
 */
import { offset } from './judge.js';
import type { IsolationReport, ReloadCheckResult } from './result.js';

/**
 * A duration as Go's `time.Duration.String()` writes whole and fractional seconds
 * (`90s` → `1m30s`, `1.5s`, `250ms`).
 * @example
 * goDurationText(90_000); // '1m30s'
 */
export function goDurationText(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3600_000);
  const m = Math.floor((ms % 3600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}

/** How the volumes reached the program, in words. */
export function isolationText(i: IsolationReport): string {
  if (i.mode === 'mount-namespace') return `bind-mounted at ${i.mounts.join(', ')} in a private mount namespace${i.rootless ? ' (rootless: a user namespace maps you to root inside it)' : ''}`;
  return `written under ${i.dir} (${i.mounts.map((m) => `${i.dir}${m}`).join(', ')}; $SATOKEN_TOKEN_DIR names it), not at the pod paths: ${i.reason}`;
}

/**
 * The report, as `satoken reload-check` prints it.
 * @example
 * process.stdout.write(renderResult(result));
 */
export function renderResult(r: ReloadCheckResult): string {
  const lines: string[] = [];
  const last = r.generations.at(-1);
  lines.push(`program:   ${r.command.join(' ')}`);
  lines.push(`pods:      ${r.namespace}/${r.generations[0]?.pod.name ?? '?'}${last && last !== r.generations[0] ? ` .. ${last.pod.name}` : ''}, service account ${r.namespace}/${r.serviceAccount}`);
  lines.push(`volumes:   ${isolationText(r.isolation)}`);
  lines.push(`server:    ${r.server}`);
  lines.push(`schedule:  warmup ${goDurationText(r.settings.warmupMs)}, window ${goDurationText(r.settings.windowMs)}, ${r.settings.rotations} rotation${r.settings.rotations === 1 ? '' : 's'}`);
  lines.push('');
  lines.push('timeline:');
  for (const e of r.timeline) lines.push(`  ${offset(e.offsetMs).padStart(8)}  ${e.text}`);
  lines.push('');
  lines.push('tokens:');
  for (const g of r.generations) {
    const first = g.requests[0];
    const lastUse = g.requests.at(-1);
    const span = first && lastUse ? ` (${offset(first.offsetMs)} .. ${offset(lastUse.offsetMs)})` : '';
    const extra = g.tokens.slice(1).map((t) => `, ${t.path} jti ${t.jti}`).join('');
    lines.push(`  token ${g.generation}  jti ${g.tokens[0]?.jti}  ${g.requests.length} request${g.requests.length === 1 ? '' : 's'}${span}${g.invalidatedOffsetMs !== undefined ? `, invalidated ${offset(g.invalidatedOffsetMs)}` : ''}${extra}`);
  }
  lines.push(`  rejected (401): ${r.rejectedRequests.length}`);
  if (r.notes.length) {
    lines.push('');
    lines.push('notes:');
    for (const n of r.notes) lines.push(`  - ${n}`);
  }
  lines.push('');
  lines.push(`${r.verdict}: ${r.summary}`);
  return `${lines.join('\n')}\n`;
}
