import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompareResult, TokenState } from '../../src/cli/compare-scenario.js';
import { CLI, cleanup, run } from '../helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'satoken-compare-e2e-'));
const env = { HOME: dir };
let result: CompareResult;
let text: string;

beforeAll(() => {
  const json = run(process.execPath, [CLI, 'compare', '-o', 'json'], env);
  expect(json.status, json.stderr).toBe(0);
  result = JSON.parse(json.stdout) as CompareResult;
  const plain = run(process.execPath, [CLI, 'compare'], env);
  expect(plain.status, plain.stderr).toBe(0);
  text = plain.stdout;
  const html = run(process.execPath, [CLI, 'compare', '--html', join(dir, 'compare.html')], env);
  expect(html.status, html.stderr).toBe(0);
  return () => cleanup(dir);
});

const token = (step: string, name: string): TokenState => result.steps.find((s) => s.step === step)!.tokens.find((t) => t.token === name)!;
const column = (name: string) => result.steps.map((s) => s.tokens.find((t) => t.token === name)!);
const INVALIDATED = '[invalid bearer token, service account token has been invalidated]';
const LEGACY_GONE = '[invalid bearer token, Token has been invalidated]';

describe('satoken compare: bound and legacy tokens through a scripted lifetime', () => {
  it('walks the steps in order on the manual clock', () => {
    expect(result.steps.map((s) => [s.step, s.at])).toEqual([
      ['issued', '2026-01-01T00:00:00Z'],
      ['first refresh', '2026-01-01T00:49:00Z'],
      ['the hour', '2026-01-01T01:01:00Z'],
      ['a day', '2026-01-02T00:00:00Z'],
      ['pod deleted', '2026-01-02T00:00:00Z'],
      ['a year unused', '2027-01-03T01:00:00Z'],
      ['two years', '2028-01-04T01:00:00Z'],
      ['service account deleted', '2028-01-04T01:00:00Z'],
    ]);
  });

  it('rotates the bound token file about every 48 minutes (80 % of 3607 s, less jitter)', () => {
    expect(column('bound: token file').map((t) => t.rotations)).toEqual([0, 1, 1, 29, 29, 29, 29, 29]);
    const gap = Date.parse(token('first refresh', 'bound: token file').expires!) - Date.parse(token('issued', 'bound: token file').expires!);
    expect(gap / 1000).toBeGreaterThanOrEqual(3607 * 0.8 - 10);
    expect(gap / 1000).toBeLessThanOrEqual(3607 * 0.8);
    expect(token('a day', 'bound: token file').staleAfter).not.toBe(token('issued', 'bound: token file').staleAfter);
  });

  it('keeps a rotated-out bound token working, stale after its warnafter, until the pod goes; bound tokens survive nothing', () => {
    expect(column('bound: first token').map((t) => [t.accepted, t.stale])).toEqual([
      [true, false],
      [true, false],
      [true, true],
      [true, true],
      [false, false],
      [false, false],
      [false, false],
      [false, false],
    ]);
    for (const name of ['bound: token file', 'bound: first token']) {
      expect(token('pod deleted', name).error).toBe(INVALIDATED);
      expect(token('a year unused', name).error).toBe('[invalid bearer token, service account token has expired]');
    }
    expect(token('pod deleted', 'bound: token file').note).toBe('file removed with the pod; last token read');
  });

  it('never gives legacy tokens an expiry; a manual Secret token dies only with its service account', () => {
    for (const name of ['legacy: manual Secret', 'legacy: auto-generated Secret']) expect(column(name).every((t) => t.expires === null && t.staleAfter === null)).toBe(true);
    expect(column('legacy: manual Secret').map((t) => t.accepted)).toEqual([true, true, true, true, true, true, true, false]);
    expect(token('service account deleted', 'legacy: manual Secret').error).toBe(LEGACY_GONE);
  });

  it('cleans up the unused auto-generated legacy token: marked invalid after a year, its Secret deleted a year later', () => {
    expect(column('legacy: auto-generated Secret').map((t) => t.accepted)).toEqual([true, true, true, true, true, false, false, false]);
    expect(token('a year unused', 'legacy: auto-generated Secret').error).toBe(
      "[invalid bearer token, the token in secret default/app-token-auto for service account default/app has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token]",
    );
    expect(token('a year unused', 'legacy: auto-generated Secret').note).toBe('invalid-since 2027-01-03, last-used 2027-01-03');
    expect(token('two years', 'legacy: auto-generated Secret')).toMatchObject({ error: LEGACY_GONE, note: 'Secret deleted' });
  });

  it('prints a table per step and a summary, and writes a self-contained HTML chart', () => {
    expect(text).toContain('== 2/8 first refresh (+49m, 2026-01-01T00:49:00Z)\n');
    expect(text).toMatch(/\nTOKEN {2,}ACCEPTED {2,}EXPIRES {2,}STALE AFTER {2,}ROTATIONS {2,}WHY NOT \/ NOTE\nbound: token file {2,}yes {2,}2027-01-01T00:48:01Z/);
    expect(text).toContain('  legacy: manual Secret: rejected from "service account deleted" on: [invalid bearer token, Token has been invalidated]\n');
    expect(text).toContain('  the token file rotated 29 times in the first day, every 48m1s; legacy tokens carry no expiry at all.\n');
    const html = readFileSync(join(dir, 'compare.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('refuses an unknown output format as a usage error', () => {
    const r = run(process.execPath, [CLI, 'compare', '-o', 'yaml'], env);
    expect([r.status, r.stderr]).toEqual([2, 'error: unknown output format "yaml": only json\n']);
  });
});
