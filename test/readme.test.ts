import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const README = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('gives the two quick-start commands', () => {
    expect(README).toContain('npm ci && npm start');
    expect(README).toMatch(/^npm test\b/m);
  });

  it('runs the library example and prints what the comments say', async () => {
    const block = /```ts\n([\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBeDefined();
    const expected = [...block!.matchAll(/^\/\/ (.+)$/gm)].map((m) => m[1]);
    const src = resolve(__dirname, '..', 'src', 'index.ts');
    const cache = resolve(__dirname, '..', 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'readme-'));
    const file = join(dir, 'example.ts');
    writeFileSync(file, block!.replace("from 'satoken'", `from ${JSON.stringify(pathToFileURL(src).href)}`));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(file).href);
      expect(log.mock.calls.map((c) => String(c[0]))).toEqual(expected);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
