// Builds dist/ from src/ (tsc -p tsconfig.build.json) and makes the CLI's entry point executable.
// tsc writes files 0644; npm marks a bin executable only when it links it, and `npx satoken` in a
// checkout reuses the link it made on an earlier run (~/.npm/_npx), so a fresh build of a path that
// was linked before would answer `sh: 1: satoken: Permission denied` (exit 127) without this.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status === 0) chmodSync(join(root, 'dist', 'cli', 'main.js'), 0o755);
process.exit(r.status ?? 1);
