import { elapsed, verdict } from './compare-render.js';
import type { CompareResult, TokenState } from './compare-scenario.js';

const COLORS = { yes: '#2e7d32', stale: '#f9a825', no: '#c62828' } as const;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function color(t: TokenState): string {
  return t.accepted ? (t.stale ? COLORS.stale : COLORS.yes) : COLORS.no;
}

/** The timeline as an SVG grid: one row per token, one column per step, a cell per verdict. */
function chart(r: CompareResult): string {
  const names = r.steps[0]?.tokens.map((t) => t.token) ?? [];
  const [left, top, cw, ch] = [210, 70, 110, 34];
  const width = left + cw * r.steps.length + 10;
  const height = top + ch * names.length + 40;
  const parts: string[] = [];
  r.steps.forEach((s, i) => {
    const x = left + i * cw + cw / 2;
    parts.push(`<text x="${x}" y="${top - 32}" text-anchor="middle" font-weight="bold">${esc(s.step)}</text>`, `<text x="${x}" y="${top - 14}" text-anchor="middle" fill="#555">${esc(elapsed(s.elapsedMs))}</text>`);
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
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">${parts.join('')}${legend}</svg>`;
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
        .map((t) => `<tr><td>${esc(t.token)}</td><td style="color:${color(t)}">${esc(verdict(t))}</td><td>${esc(t.expires ?? 'never')}</td><td>${esc(t.staleAfter ?? '-')}</td><td>${t.rotations ?? '-'}</td><td>${esc([t.error, t.note].filter(Boolean).join('; '))}</td></tr>`)
        .join('');
      return `<h2>${i + 1}. ${esc(s.step)} <small>${esc(elapsed(s.elapsedMs))}, ${esc(s.at)}</small></h2><p>${esc(s.event)}</p><table><tr><th>token</th><th>accepted</th><th>expires</th><th>stale after</th><th>rotations</th><th>why not / note</th></tr>${rows}</table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>satoken compare: bound and legacy tokens</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top}small{color:#666;font-weight:normal}</style>
</head><body>
<h1>Bound and legacy service-account tokens</h1>
<p>A scripted lifetime on a manual clock from ${esc(r.start)}; legacy clean-up period ${r.cleanUpPeriodDays} days. Each cell is a TokenReview at that step.</p>
${chart(r)}
${tables}
</body></html>
`;
}
