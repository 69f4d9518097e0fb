import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, cleanup, run } from '../helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'satoken-cli-compare-'));
afterAll(() => cleanup(dir));
const compare = (...args: string[]) => run(process.execPath, [CLI, 'compare', ...args], { HOME: dir });

describe('satoken compare as a newcomer meets it', () => {
  it('with --html writes the page and prints only where it went, not the tables', () => {
    const file = join(dir, 'compare.html');
    expect(compare('--html', file)).toEqual({ status: 0, stdout: `wrote ${file}\n`, stderr: '' });
    const html = readFileSync(file, 'utf8');
    // a long step name wraps into lines that fit its 110 px column, the last one included, and
    // the chart is wide enough for that column: no heading is clipped
    const last = /<tspan x="(\d+)" dy="0">service<\/tspan><tspan x="\1" dy="16">account<\/tspan><tspan x="\1" dy="16">deleted<\/tspan>/.exec(html);
    expect(last).not.toBeNull();
    const width = Number(/<svg [^>]*width="(\d+)"/.exec(html)![1]);
    expect(Number(last![1]) + 55).toBeLessThanOrEqual(width);
    // the row labels' margin fits the longest label (29 characters)
    expect(html).toMatch(/<text x="(2[2-9]\d)" y="\d+" text-anchor="end">legacy: auto-generated Secret<\/text>/);
    // reasons and notes each on their own line in a cell that wraps, the other columns never
    expect(html).toContain('<td class="why"><div>[invalid bearer token, service account token has been invalidated]</div><div class="note">rotated out of the file</div></td>');
    expect(html).toContain('td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top;white-space:nowrap}td.why{white-space:normal');
  });

  it('with --html and -o json prints the JSON as well, and says where the page went on stderr', () => {
    const file = join(dir, 'both.html');
    const r = compare('--html', file, '-o', 'json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).steps).toHaveLength(8);
    expect(r.stderr).toBe(`wrote ${file}\n`);
  });

  it('explains the year-long expiry of bound tokens at the first step, where it first shows', () => {
    const text = compare().stdout;
    const first = text.slice(text.indexOf('== 1/8 issued'), text.indexOf('== 2/8'));
    expect(first).toContain('extends such a token to a year');
    expect(first).toMatch(/bound: token file +yes +2027-01-01T00:00:00Z +2026-01-01T01:00:07Z/);
  });

  it('prints no progress when standard error is not a terminal', () => {
    expect(compare('-o', 'json').stderr).toBe('');
  });

  it('says so when the page cannot be written', () => {
    expect(compare('--html', join(dir, 'no', 'such', 'dir', 'x.html'))).toMatchObject({ status: 1, stdout: '', stderr: expect.stringMatching(/^error: cannot write .*x\.html: ENOENT: no such file or directory/) });
  });
});
