// Builds dist/ from src/ when dist/ is missing or older than src/, and says nothing otherwise.
// `npm start` and `npm run cli` run it first (prestart, precli): the package no longer builds on
// install (npm 11's allowScripts asks every project that installs satoken from git or a path to
// approve a `prepare` script), so a fresh clone builds on its first start, and a checkout whose
// src/ changed (a pull, an edit) never runs a stale dist/. About 10 ms when nothing changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'dist', 'cli', 'main.js');

/** The newest modification time under `dir` (files only), in ms. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sources = Math.max(newest(join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(root, f)).mtimeMs));
if (existsSync(marker) && statSync(marker).mtimeMs >= sources) process.exit(0);
process.stderr.write(existsSync(marker) ? 'src/ changed since the last build: building dist/ (npm run build)...\n' : 'first run: building dist/ from src/ (npm run build)...\n');
const r = spawnSync(process.execPath, [join(root, '.ci', 'build.mjs')], { stdio: 'inherit' });
process.exit(r.status ?? 1);
