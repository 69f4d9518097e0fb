import type { CompareResult, CompareStep, TokenState } from './compare-scenario.js';

/**
 * Elapsed time as `+49m`, `+1h1m`, `+1d`, `+367d1h` (`+0` at the start).
 * @example
 * elapsed(3_660_000); // '+1h1m'
 */
export function elapsed(ms: number): string {
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}`;
  return `+${s || '0'}`;
}

/**
 * `yes`, `yes (stale)` or `no`.
 * @example
 * verdict({ accepted: true, stale: true } as TokenState); // 'yes (stale)'
 */
export function verdict(t: TokenState): string {
  return t.accepted ? (t.stale ? 'yes (stale)' : 'yes') : 'no';
}

/** column at which a step's description wraps in the text tables */
const WRAP_AT = 100;

/**
 * Words filled into lines of at most `width` characters, each line indented.
 * @example
 * wrap('a b c', 3, '  '); // ['  a b', '  c']
 */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(`${indent}${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}${line}`);
  return lines;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd()).join('\n');
}

/**
 * The first step at which a token stopped authenticating, or undefined.
 * @example
 * diedAt(result, 'legacy: manual Secret')?.step; // 'service account deleted'
 */
export function diedAt(r: CompareResult, token: string): CompareStep | undefined {
  return r.steps.find((s) => s.tokens.some((t) => t.token === token && !t.accepted));
}

/**
 * The comparison as text: per step a heading, what happened, and a table of every token
 * (accepted, why not in Kubernetes' words, expiry, staleness, rotations), then a summary.
 * @example
 * process.stdout.write(renderCompare(await runCompareScenario()));
 */
export function renderCompare(r: CompareResult): string {
  const out: string[] = [`Bound and legacy service-account tokens through a scripted lifetime (manual clock from ${r.start}; legacy clean-up period ${r.cleanUpPeriodDays} days).`, ''];
  r.steps.forEach((s, i) => {
    out.push(`== ${i + 1}/${r.steps.length} ${s.step} (${elapsed(s.elapsedMs)}, ${s.at})`, ...wrap(s.event, WRAP_AT, '   '), '');
    const rows = [['TOKEN', 'ACCEPTED', 'EXPIRES', 'STALE AFTER', 'ROTATIONS', 'WHY NOT / NOTE']];
    for (const t of s.tokens) {
      const why = [t.error, t.note].filter(Boolean).join('; ');
      rows.push([t.token, verdict(t), t.expires ?? 'never', t.staleAfter ?? '-', t.rotations === null ? '-' : String(t.rotations), why]);
    }
    out.push(table(rows), '');
  });
  out.push('Summary:');
  for (const name of r.steps[0]?.tokens.map((t) => t.token) ?? []) {
    const died = diedAt(r, name);
    const last = died?.tokens.find((t) => t.token === name);
    out.push(`  ${name}: ${died ? `rejected from "${died.step}" on: ${last!.error}` : 'accepted to the end'}`);
  }
  const file = (step: string) => r.steps.find((s) => s.step === step)?.tokens.find((t) => t.kind === 'bound');
  const [issued, refreshed, day] = [file('issued'), file('first refresh'), file('a day')];
  if (issued?.expires && refreshed?.expires && day?.rotations) {
    const gap = Date.parse(refreshed.expires) - Date.parse(issued.expires);
    out.push(`  the token file rotated ${day.rotations} times in the first day, every ${Math.floor(gap / 60_000)}m${Math.round((gap % 60_000) / 1000)}s; legacy tokens carry no expiry at all.`);
  }
  return `${out.join('\n')}\n`;
}
