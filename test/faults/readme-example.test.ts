import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's "Testing failure" section, up to the next `## `. */
function section(): string {
  const start = README.indexOf('\n## Testing failure\n');
  expect(start, 'README section "Testing failure"').toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

describe('README: Testing failure', () => {
  it('runs the library example and prints what its comments say', async () => {
    const block = /```ts\n([\s\S]*?)```/.exec(section())?.[1];
    expect(block).toBeDefined();
    const expected = [...block!.matchAll(/^\/\/ (.+)$/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'readme-faults-'));
    const file = join(dir, 'example.ts');
    writeFileSync(file, block!.replace("from 'satoken'", `from ${JSON.stringify(pathToFileURL(join(ROOT, 'src', 'index.ts')).href)}`));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(file).href);
      expect(log.mock.calls.map((c) => c.map(String).join(' '))).toEqual(expected);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names one example per action, and every target', () => {
    const s = section();
    for (const action of ['reject', 'error', 'delay', 'expire']) expect(s).toMatch(new RegExp(`# ${action}: `));
    for (const target of ['review', 'issue', 'jwks']) expect(s).toContain(`target: ${target}`);
  });
});
