import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The vitest config Stryker runs: only the test files named in SATOKEN_MUTATION_TESTS (comma
 * separated, relative to the repository root). test/mutation/run.mjs sets it from
 * test/mutation/targets.json. Choosing the tests here, rather than with Stryker's `testFiles`,
 * keeps module-level (static) mutants active: Stryker reruns these files for them.
 */
const files = (process.env.SATOKEN_MUTATION_TESTS ?? '').split(',').map((f) => f.trim()).filter(Boolean);
if (files.length === 0) throw new Error('SATOKEN_MUTATION_TESTS names no test files (run through `npm run mutation -- <file>`)');

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: files,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
