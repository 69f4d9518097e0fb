import { elapsed, verdict } from './compare-render.js';
import type { CompareResult, TokenState } from './compare-scenario.js';

const COLORS = { yes: '#2e7d32', stale: '#f9a825', no: '#c62828' } as const;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function color(t: TokenState): string {
  return t.accepted ? (t.stale ? COLORS.stale : COLORS.yes) : COLORS.no;
}

/** longest line of a column heading, in characters (a column is 110 px of bold 13 px text) */
const HEADING_CHARS = 12;
/** a generous width of one character of 13 px sans-serif, to size the row labels' margin */
const CHAR_PX = 7.5;

/**
 * A step name broken into lines of at most HEADING_CHARS characters at spaces, so that a column
 * heading fits its column.
 * @example
 * headingLines('first refresh'); // ['first', 'refresh']
 */
export function headingLines(name: string): string[] {
  const lines: string[] = [];
  for (const word of name.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= HEADING_CHARS) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** The timeline as an SVG grid: one row per token, one column per step, a cell per verdict. */
function chart(r: CompareResult): string {
  const names = r.steps[0]?.tokens.map((t) => t.token) ?? [];
  const headings = r.steps.map((s) => headingLines(s.step));
  const headingRows = Math.max(1, ...headings.map((h) => h.length));
  const [cw, ch, line] = [110, 34, 16];
  const left = Math.ceil(Math.max(...names.map((n) => n.length), 10) * CHAR_PX) + 20;
  const top = 14 + line * (headingRows + 1) + 10;
  const width = left + cw * r.steps.length + 20;
  const height = top + ch * names.length + 40;
  const parts: string[] = [];
  r.steps.forEach((s, i) => {
    const x = left + i * cw + cw / 2;
    const lines = headings[i]!;
    // headings sit on the grid: the last line of each just above the elapsed time
    const first = top - 14 - line * lines.length;
    parts.push(`<text x="${x}" y="${first}" text-anchor="middle" font-weight="bold">${lines.map((l, k) => `<tspan x="${x}" dy="${k === 0 ? 0 : line}">${esc(l)}</tspan>`).join('')}</text>`);
    parts.push(`<text x="${x}" y="${top - 14}" text-anchor="middle" fill="#555">${esc(elapsed(s.elapsedMs))}</text>`);
    s.tokens.forEach((t, j) => {
      const tip = `${t.token} at ${s.step} (${s.at}): ${verdict(t)}${t.error ? ` - ${t.error}` : ''}${t.note ? ` (${t.note})` : ''}`;
      parts.push(`<rect x="${left + i * cw + 3}" y="${top + j * ch + 3}" width="${cw - 6}" height="${ch - 6}" rx="4" fill="${color(t)}"><title>${esc(tip)}</title></rect>`);
      parts.push(`<text x="${x}" y="${top + j * ch + ch / 2 + 5}" text-anchor="middle" fill="#fff">${esc(verdict(t))}</text>`);
    });
  });
  names.forEach((n, j) => parts.push(`<text x="${left - 10}" y="${top + j * ch + ch / 2 + 5}" text-anchor="end">${esc(n)}</text>`));
  const legend = Object.entries({ accepted: COLORS.yes, 'accepted, stale': COLORS.stale, rejected: COLORS.no })
    .map(([label, c], i) => `<rect x="${left + i * 150}" y="${height - 26}" width="14" height="14" fill="${c}"/><text x="${left + i * 150 + 20}" y="${height - 14}">${label}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">${parts.join('')}${legend}</svg>`;
}

/**
 * `satoken compare --html FILE`: a self-contained page (no scripts, no external resources) with
 * the timeline drawn as a chart (hover a cell for Kubernetes' reason) and a table per step.
 * @example
 * writeFileSync('compare.html', renderCompareHtml(await runCompareScenario()));
 */
export function renderCompareHtml(r: CompareResult): string {
  const tables = r.steps
    .map((s, i) => {
      const rows = s.tokens
        .map((t) => `<tr><td>${esc(t.token)}</td><td style="color:${color(t)}">${esc(verdict(t))}</td><td>${esc(t.expires ?? 'never')}</td><td>${esc(t.staleAfter ?? '-')}</td><td>${t.rotations ?? '-'}</td><td class="why">${t.error ? `<div>${esc(t.error)}</div>` : ''}${t.note ? `<div class="note">${esc(t.note)}</div>` : ''}</td></tr>`)
        .join('');
      return `<h2>${i + 1}. ${esc(s.step)} <small>${esc(elapsed(s.elapsedMs))}, ${esc(s.at)}</small></h2><p>${esc(s.event)}</p><table><tr><th>token</th><th>accepted</th><th>expires</th><th>stale after</th><th>rotations</th><th>why not / note</th></tr>${rows}</table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>satoken compare: bound and legacy tokens</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1200px}svg{max-width:100%;height:auto}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top;white-space:nowrap}td.why{white-space:normal;min-width:22em;max-width:40em;overflow-wrap:break-word}td.why .note{color:#666}small{color:#666;font-weight:normal}</style>
</head><body>
<h1>Bound and legacy service-account tokens</h1>
<p>A scripted lifetime on a manual clock from ${esc(r.start)}; legacy clean-up period ${r.cleanUpPeriodDays} days. Each cell is a TokenReview at that step.</p>
${chart(r)}
${tables}
</body></html>
`;
}
