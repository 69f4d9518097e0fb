import { type Stats, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One entry met by {@link walkTree}.
 * @example
 * const { relative, stats }: WalkEntry = walkTree(dir).next().value!; // '' and the root's lstat
 */
export interface WalkEntry {
  /** absolute (or root-relative, as given) path */
  path: string;
  /** path relative to the root; `''` for the root itself */
  relative: string;
  stats: Stats;
}

/**
 * Go's `filepath.Walk`: the root, then every entry below it in lexical order, using `lstat` so
 * symbolic links are reported and never followed. Throws the root's `ENOENT` like Walk does.
 * @example
 * for (const e of walkTree('/vol/..2024_06_06_10_15_42.1')) console.log(e.relative);
 */
export function* walkTree(root: string): Generator<WalkEntry> {
  yield* walk(root, '', lstatSync(root));
}

function* walk(path: string, relative: string, stats: Stats): Generator<WalkEntry> {
  yield { path, relative, stats };
  if (!stats.isDirectory()) return;
  for (const name of readdirSync(path).sort()) {
    const child = join(path, name);
    yield* walk(child, relative ? `${relative}/${name}` : name, lstatSync(child));
  }
}

/**
 * Whether this process may chown files to other users (it runs as root).
 * @example
 * if (runningAsRoot()) chownSync(file, 1000, -1);
 */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * `errno` code of a Node.js system error (`'ENOENT'`, ...), or undefined.
 * @example
 * if (errnoCode(err) === 'ENOENT') return '';
 */
export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
