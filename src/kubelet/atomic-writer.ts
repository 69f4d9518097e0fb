import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import pino from 'pino';
import type { Clock } from '../clock/index.js';
import { errnoCode, runningAsRoot, walkTree } from './fs-walk.js';
import { errorMessage } from './kubelet-errors.js';
import { firstElement, payloadPathsWithParents, validatePayload } from './payload-paths.js';

/** `..2006_01_02_15_04_05.<digits>`: the timestamped directories this writer makes */
/** how long a replaced timestamped directory stays readable (see step 12 of `write`) */
export const REPLACED_GRACE_MS = 1000;
const TS_DIR_RE = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/;

/**
 * One file of a payload: content, exact mode, and the owner to chown it to (when running as root).
 * @example
 * const token: FileProjection = { data: Buffer.from(jwt), mode: 0o600, fsUser: 1000 };
 */
export interface FileProjection {
  data: Buffer;
  mode: number;
  fsUser?: number;
  fsGroup?: number;
}

/**
 * Relative path → file.
 * @example
 * const payload: Payload = new Map([['token', { data: Buffer.from(jwt), mode: 0o644 }]]);
 */
export type Payload = ReadonlyMap<string, FileProjection>;

/**
 * Dependencies of an {@link AtomicWriter}.
 * @example
 * const opts: AtomicWriterOptions = { clock: new ManualClock(), random: () => 0.5 };
 */
export interface AtomicWriterOptions {
  /** names the timestamped directories */
  clock: Clock;
  /** uniform in [0, 1); draws the directory's random suffix (default `Math.random`) */
  random?: () => number;
  logger?: pino.Logger;
}

/**
 * What a write did: whether a new data directory was published, and the one `..data` points to.
 * @example
 * const { written, dataDir } = writer.write(payload); // true, '..2024_06_06_10_15_42.3402339577'
 */
export interface WriteResult {
  written: boolean;
  dataDir: string;
}

const DATA_DIR = '..data';
const NEW_DATA_DIR = '..data_tmp';

/**
 * Projects a payload into a directory atomically (pkg/volume/util/atomic_writer.go). Files live in a
 * hidden `..YYYY_MM_DD_HH_MM_SS.<random>` directory; `..data` links to it; each first path element
 * is a user-visible link through `..data` (`token -> ..data/token`). An update writes a new
 * directory and renames `..data_tmp` over `..data`, so readers see the old set or the new set, never
 * a mix, and a watcher of `..data` sees one event. Synchronous, as upstream: callers serialise writes
 * to one directory.
 * @example
 * const w = new AtomicWriter('/vol', 'pod ns/web volume token', { clock });
 * w.write(new Map([['token', { data: Buffer.from(jwt), mode: 0o644 }]]));
 */
export class AtomicWriter {
  private readonly clock: Clock;
  /** timestamped directory → when it was replaced in `..data` */
  private readonly replacedAt = new Map<string, number>();
  private readonly random: () => number;
  private readonly logger: pino.Logger;

  constructor(
    readonly targetDir: string,
    readonly logContext: string,
    opts: AtomicWriterOptions,
  ) {
    this.clock = opts.clock;
    this.random = opts.random ?? Math.random;
    this.logger = opts.logger ?? pino({ level: 'silent' });
  }

  /**
   * The write, numbered as upstream:
   * 1. validate the payload (and clean its paths);
   * 2. read `..data` for the current timestamped directory (none: first write);
   * 3. list what the old directory holds that the new payload does not (`pathsToRemove`);
   * 4. compare contents (modes alone do not count);
   * 5. nothing changed and nothing to remove: skip to 10 and keep the old directory (kubernetes#121472);
   *    otherwise create a new timestamped directory, mode 0755;
   * 6. write every file (parents 0777 &~umask, explicit chmod, chown to `fsUser` when root);
   * 7. `setPerms(tsDirName)`, the volume-ownership hook;
   * 8. symlink `..data_tmp -> <tsDirName>`;
   * 9. rename `..data_tmp` to `..data`, atomically;
   * 10. create missing user-visible links;
   * 11. remove the user-visible links of `pathsToRemove` (top-level names only);
   * 12. remove replaced timestamped directories once they have been out of `..data` for
   *     {@link REPLACED_GRACE_MS}. Upstream removes the old one at once, so a reader that resolved
   *     `..data` just before the swap gets ENOENT (a tight-loop reader in
   *     test/kubelet/atomic-reader.test.ts saw it once in 3,000 rotations); satoken keeps it a second.
   * @example
   * const { written, dataDir } = writer.write(payload, () => setVolumeOwnership(dir, 2000));
   */
  write(payload: Payload, setPerms?: (subPath: string) => void): WriteResult {
    const clean = this.step('invalid payload', () => validatePayload(payload));
    const dataDirPath = join(this.targetDir, DATA_DIR);
    let oldTsDir = this.step('error reading link for data directory', () => readlinkOrEmpty(dataDirPath));
    const oldTsPath = join(this.targetDir, oldTsDir);
    let dataDir = oldTsDir;

    let toRemove = new Set<string>();
    let shouldWrite = true;
    if (oldTsDir) {
      toRemove = this.step('error determining user-visible files to remove', () => pathsToRemove(clean, oldTsPath));
      const changed = this.step('error determining whether payload should be written to disk', () => payloadChanged(clean, oldTsPath));
      if (!changed && toRemove.size === 0) {
        this.logger.debug({ context: this.logContext, dir: oldTsDir }, 'write not required for data directory');
        shouldWrite = false;
        oldTsDir = '';
      }
    }

    if (shouldWrite) {
      const tsDir = this.step('error creating new ts data directory', () => this.newTimestampDir());
      const tsDirName = basename(tsDir);
      const newDataDirPath = join(this.targetDir, NEW_DATA_DIR);
      const discard = () => rmSync(tsDir, { recursive: true, force: true });
      this.step('error writing payload to ts data directory', () => writePayloadToDir(clean, tsDir), discard);
      if (setPerms) this.step('error applying ownership settings', () => setPerms(tsDirName), discard);
      // a `..data_tmp` left by a crash would make every later write fail: clear it first
      rmSync(newDataDirPath, { force: true });
      this.step('error creating symbolic link for atomic update', () => symlinkSync(tsDirName, newDataDirPath), discard);
      this.step('error renaming symbolic link for data directory', () => renameSync(newDataDirPath, dataDirPath), () => {
        rmSync(newDataDirPath, { force: true });
        discard();
      });
      dataDir = tsDirName;
    }

    this.step('error creating visible symlinks', () => this.createUserVisibleFiles(clean.keys()));
    this.step('error removing old visible symlinks', () => this.removeUserVisiblePaths(toRemove));
    if (oldTsDir) this.replacedAt.set(oldTsDir, this.clock.now());
    this.step('error removing old data directory', () => this.removeReplaced(dataDir));
    return { written: shouldWrite, dataDir };
  }

  /**
   * Removes timestamped directories other than `current` that were replaced more than the grace
   * period ago, or that this writer never saw in `..data` (left by an earlier process).
   */
  private removeReplaced(current: string): void {
    const now = this.clock.now();
    for (const name of readdirSync(this.targetDir)) {
      if (name === current || !TS_DIR_RE.test(name)) continue;
      const at = this.replacedAt.get(name);
      if (at !== undefined && now - at < REPLACED_GRACE_MS) continue;
      rmSync(join(this.targetDir, name), { recursive: true, force: true });
      this.replacedAt.delete(name);
    }
  }

  /** Runs one step; on failure logs `<what>`, runs `undo`, and rethrows. */
  private step<T>(what: string, fn: () => T, undo?: () => void): T {
    try {
      return fn();
    } catch (err) {
      this.logger.error({ context: this.logContext, dir: this.targetDir, err: errorMessage(err) }, what);
      undo?.();
      throw err;
    }
  }

  /** `os.MkdirTemp(targetDir, "..2006_01_02_15_04_05.")` then chmod 0755 whatever the umask. */
  private newTimestampDir(): string {
    const prefix = `..${utcStamp(this.clock.now())}.`;
    for (let attempt = 0; ; attempt++) {
      const dir = join(this.targetDir, prefix + String(Math.floor(this.random() * 2 ** 32)));
      try {
        mkdirSync(dir, { mode: 0o700 });
      } catch (err) {
        if (errnoCode(err) === 'EEXIST' && attempt < 10_000) continue;
        throw err;
      }
      chmodSync(dir, 0o755);
      return dir;
    }
  }

  private createUserVisibleFiles(paths: Iterable<string>): void {
    for (const p of paths) {
      const name = firstElement(p);
      const visible = join(this.targetDir, name);
      try {
        readlinkSync(visible);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') symlinkSync(join(DATA_DIR, name), visible);
      }
    }
  }

  private removeUserVisiblePaths(paths: Set<string>): void {
    let last: unknown;
    for (const p of paths) {
      if (p.includes('/')) continue;
      try {
        rmSync(join(this.targetDir, p));
      } catch (err) {
        this.logger.error({ context: this.logContext, path: p, err: errorMessage(err) }, 'error pruning old user-visible path');
        last = err;
      }
    }
    if (last !== undefined) throw last;
  }
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return '';
    throw err;
  }
}

/** Everything under the old directory that is neither a payload path nor one of its parents. */
function pathsToRemove(payload: Map<string, FileProjection>, oldTsPath: string): Set<string> {
  const keep = payloadPathsWithParents(payload.keys());
  const result = new Set<string>();
  try {
    for (const e of walkTree(oldTsPath)) if (e.relative && !keep.has(e.relative)) result.add(e.relative);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return new Set();
    throw err;
  }
  return result;
}

/** `shouldWritePayload`: some file is missing from the old directory or differs in bytes. */
function payloadChanged(payload: Map<string, FileProjection>, oldTsPath: string): boolean {
  for (const [p, file] of payload) {
    const full = join(oldTsPath, p);
    try {
      lstatSync(full);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return true;
      throw err;
    }
    if (!readFileSync(full).equals(file.data)) return true;
  }
  return false;
}

function writePayloadToDir(payload: Map<string, FileProjection>, dir: string): void {
  for (const [p, file] of payload) {
    const full = join(dir, p);
    mkdirSync(dirname(full), { recursive: true, mode: 0o777 });
    writeFileSync(full, file.data, { mode: file.mode });
    chmodSync(full, file.mode);
    if (file.fsUser !== undefined && runningAsRoot()) chownSync(full, file.fsUser, file.fsGroup ?? -1);
  }
}

/** `2006_01_02_15_04_05` in UTC. */
function utcStamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getUTCFullYear()).padStart(4, '0')}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}`;
}
