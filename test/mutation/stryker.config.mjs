/**
 * StrykerJS configuration for `npm run mutation` (test/mutation/run.mjs sets `mutate`, the
 * temporary directory, the reports and the tests). Not part of CI: a file takes minutes.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  ignorePatterns: ['/dist', '/keys', '/.satoken', '/coverage'],
  timeoutMS: 20_000,
  cleanTempDir: 'always',
};
