#!/usr/bin/env node
/**
 * `npm run mutation -- <src file>... [--tests a.test.ts,b.test.ts] [--concurrency N]`, or `--all`:
 * mutates each source file on its own, against the test files test/mutation/targets.json lists for
 * it (or `--tests`), and prints its mutation score and every mutant that survived.
 * - the tests are chosen through test/mutation/vitest.config.ts (SATOKEN_MUTATION_TESTS), never
 *   with Stryker's `testFiles`, so that module-level mutants stay active;
 * - each run gets its own temporary directory (several people may run it at once); the HTML and
 *   JSON reports are left there and their path printed;
 * - exit status 1 when a file scores below `--break` (default: none).
 * See test/MUTATION.md.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stryker } from '@stryker-mutator/core';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TARGETS = join(ROOT, 'test', 'mutation', 'targets.json');

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error('usage: npm run mutation -- <src file>... [--tests a.test.ts,b.test.ts] [--concurrency N] [--break SCORE] | --all');
  process.exit(2);
}

function parseArgs(argv) {
  const out = { files: [], tests: undefined, concurrency: 2, breakAt: undefined, all: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--all') out.all = true;
    else if (a === '--tests') out.tests = value().split(',').map((t) => t.trim()).filter(Boolean);
    else if (a === '--concurrency') out.concurrency = Number(value());
    else if (a === '--break') out.breakAt = Number(value());
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('-')) usage(`unknown flag ${a}`);
    else out.files.push(relative(ROOT, resolve(a)));
  }
  if (!Number.isInteger(out.concurrency) || out.concurrency < 1) usage('--concurrency must be a positive integer');
  if (out.breakAt !== undefined && !(out.breakAt >= 0 && out.breakAt <= 100)) usage('--break must be a score between 0 and 100');
  return out;
}

/** Killed and timed-out mutants over all that ran or had no test (Stryker's "mutation score"). */
export function score(results) {
  const n = (s) => results.filter((r) => r.status === s).length;
  const detected = n('Killed') + n('Timeout');
  const undetected = n('Survived') + n('NoCoverage');
  return { detected, undetected, survived: n('Survived'), noCoverage: n('NoCoverage'), total: detected + undetected, score: detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected) };
}

async function mutate(file, tests, opts) {
  const dir = mkdtempSync(join(tmpdir(), 'satoken-mutation-'));
  process.env.SATOKEN_MUTATION_TESTS = tests.join(',');
  const stryker = new Stryker({
    configFile: join(ROOT, 'test', 'mutation', 'stryker.config.mjs'),
    mutate: [file],
    concurrency: opts.concurrency,
    tempDirName: join(dir, 'sandbox'),
    htmlReporter: { fileName: join(dir, 'mutation.html') },
    jsonReporter: { fileName: join(dir, 'mutation.json') },
    logLevel: process.env.SATOKEN_MUTATION_LOG ?? 'warn',
    ...(process.env.SATOKEN_MUTATION_KEEP ? { cleanTempDir: false } : {}),
  });
  const results = await stryker.runMutationTest();
  const s = score(results);
  const left = results
    .filter((r) => r.status === 'Survived' || r.status === 'NoCoverage')
    .sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
  console.log(`\n${file}: ${s.score.toFixed(2)} % (${s.detected} of ${s.total} detected; ${s.survived} survived, ${s.noCoverage} without a test) against ${tests.join(', ')}`);
  for (const r of left) {
    const replacement = (r.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100);
    console.log(`  ${r.status.padEnd(10)} ${file}:${r.location.start.line}:${r.location.start.column + 1} ${r.mutatorName} -> ${replacement}`);
  }
  console.log(`  reports: ${join(dir, 'mutation.html')} and mutation.json`);
  return s;
}

const opts = parseArgs(process.argv.slice(2));
const targets = JSON.parse(readFileSync(TARGETS, 'utf8'));
const files = opts.all ? Object.keys(targets).filter((k) => !k.startsWith('//')) : opts.files;
if (files.length === 0) usage('name at least one source file, or --all');
let failed = false;
for (const file of files) {
  if (!existsSync(join(ROOT, file))) usage(`${file} does not exist`);
  const tests = opts.tests ?? targets[file];
  if (!Array.isArray(tests) || tests.length === 0) usage(`no tests listed for ${file} in test/mutation/targets.json; pass --tests`);
  for (const t of tests) if (!existsSync(join(ROOT, t))) usage(`test file ${t} (for ${file}) does not exist`);
  const s = await mutate(file, tests, opts);
  if (opts.breakAt !== undefined && s.score < opts.breakAt) failed = true;
}
process.exit(failed ? 1 : 0);
