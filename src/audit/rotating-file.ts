/**
 * A log file that rotates the way kube-apiserver's audit log does: gopkg.in/natefinch/lumberjack.v2,
 * which pkg/server/options/audit.go hands `--audit-log-maxsize`, `--audit-log-maxbackup`,
 * `--audit-log-maxage` and `--audit-log-compress`:
 * - before a write that would take the file past `maxSize` megabytes (0 means 100), the file is
 *   renamed to `<name>-<UTC 2006-01-02T15-04-05.000><ext>` and a new one (mode 0600) opened;
 *   an existing file is appended to unless it is already full;
 * - a single write larger than `maxSize` is refused (`write length N exceeds maximum file size M`);
 * - after each rotation (and at start), backups beyond the newest `maxBackups` (0 keeps all) and
 *   older than `maxAge` days (0 keeps all) are removed, and with `compress` the rest are gzipped.
 * Not a library: npm's rotating-file-stream and file-stream-rotator name backups their own way,
 * keep history files beside them and read the wall clock; log shippers that collect
 * `audit-*.log` from kube-apiserver expect lumberjack's names, and satoken's time comes from its
 * clock.
 */
import { closeSync, createReadStream, createWriteStream, existsSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Clock } from '../clock/index.js';

const MEGABYTE = 1024 * 1024;
const DEFAULT_MAX_SIZE_MB = 100;
const DAY_MS = 24 * 3600 * 1000;

export interface RotatingFileOptions {
  path: string;
  /** megabytes before rotation; 0 or absent: 100 (lumberjack's default) */
  maxSizeMB?: number;
  /** rotated files kept; 0 or absent: all */
  maxBackups?: number;
  /** days a rotated file is kept, by the time in its name; 0 or absent: forever */
  maxAgeDays?: number;
  /** gzip rotated files */
  compress?: boolean;
  clock: Clock;
  /** where background failures (removing or compressing backups) go */
  onError?: (err: Error) => void;
}

/** lumberjack's backup timestamp: `2006-01-02T15-04-05.000`, UTC. */
function backupStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace(/:/g, '-');
}

function parseStamp(s: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)\.(\d{3})$/.exec(s);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * lumberjack's Logger, writing synchronously.
 * @example
 * const f = new RotatingFile({ path: '/var/log/audit.log', maxSizeMB: 100, maxBackups: 10, clock });
 * f.write('{"kind":"Event",...}\n');
 */
export class RotatingFile {
  private fd: number | undefined;
  private size = 0;
  private readonly max: number;
  private readonly dir: string;
  private readonly prefix: string;
  private readonly ext: string;
  private milling: Promise<void> = Promise.resolve();

  constructor(private readonly o: RotatingFileOptions) {
    this.max = (o.maxSizeMB && o.maxSizeMB > 0 ? o.maxSizeMB : DEFAULT_MAX_SIZE_MB) * MEGABYTE;
    this.dir = dirname(o.path);
    this.ext = extname(o.path);
    this.prefix = `${basename(o.path, this.ext)}-`;
  }

  /** Appends `data` (whole lines), rotating first when it would not fit. Throws when it can never fit or the disk fails. */
  write(data: string): void {
    const len = Buffer.byteLength(data);
    if (len > this.max) throw new Error(`write length ${len} exceeds maximum file size ${this.max}`);
    if (this.fd === undefined) this.openExistingOrNew(len);
    else if (this.size + len > this.max) this.rotate();
    writeSync(this.fd!, data);
    this.size += len;
  }

  /** The file's size as this writer counts it. */
  get currentSize(): number {
    return this.size;
  }

  private openExistingOrNew(len: number): void {
    this.mill();
    let existing: number | undefined;
    try {
      existing = statSync(this.o.path).size;
    } catch {
      existing = undefined;
    }
    if (existing === undefined) return this.openNew();
    if (existing + len >= this.max) return this.rotate();
    this.fd = openSync(this.o.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private openNew(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    let mode = 0o600;
    if (existsSync(this.o.path)) {
      mode = statSync(this.o.path).mode & 0o777;
      renameSync(this.o.path, join(this.dir, `${this.prefix}${backupStamp(this.o.clock.now())}${this.ext}`));
    }
    this.fd = openSync(this.o.path, 'w', mode);
    this.size = 0;
  }

  /** Closes the file, renames it to a backup, opens a new one, then tidies the backups. */
  rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.openNew();
    this.mill();
  }

  /** The rotated files, newest first, with the time in their names. */
  private backups(): Array<{ name: string; time: number }> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: Array<{ name: string; time: number }> = [];
    for (const name of names) {
      if (!name.startsWith(this.prefix)) continue;
      const rest = name.endsWith(`${this.ext}.gz`) ? name.slice(this.prefix.length, -(this.ext.length + 3)) : name.endsWith(this.ext) ? name.slice(this.prefix.length, name.length - this.ext.length) : undefined;
      const time = rest === undefined ? undefined : parseStamp(rest);
      if (time !== undefined) out.push({ name, time });
    }
    return out.sort((a, b) => b.time - a.time);
  }

  /** `millRunOnce`, in the background, one run at a time. */
  private mill(): void {
    if (!this.o.maxBackups && !this.o.maxAgeDays && !this.o.compress) return;
    this.milling = this.milling.then(() => this.millOnce()).catch((e: unknown) => this.o.onError?.(e as Error));
  }

  private async millOnce(): Promise<void> {
    let files = this.backups();
    const remove: string[] = [];
    if (this.o.maxBackups && this.o.maxBackups > 0 && this.o.maxBackups < files.length) {
      const keep: typeof files = [];
      const seen = new Set<string>();
      for (const f of files) {
        seen.add(f.name.replace(/\.gz$/, ''));
        if (seen.size > this.o.maxBackups) remove.push(f.name);
        else keep.push(f);
      }
      files = keep;
    }
    if (this.o.maxAgeDays && this.o.maxAgeDays > 0) {
      const cutoff = this.o.clock.now() - this.o.maxAgeDays * DAY_MS;
      for (const f of files) if (f.time < cutoff) remove.push(f.name);
      files = files.filter((f) => f.time >= cutoff);
    }
    for (const name of remove) {
      try {
        unlinkSync(join(this.dir, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.o.onError?.(e as Error);
      }
    }
    if (!this.o.compress) return;
    for (const f of files) {
      if (f.name.endsWith('.gz')) continue;
      const src = join(this.dir, f.name);
      await pipeline(createReadStream(src), createGzip(), createWriteStream(`${src}.gz`, { mode: 0o600 }));
      unlinkSync(src);
    }
  }

  /** Waits for backup removal and compression to finish. */
  async settled(): Promise<void> {
    await this.milling;
  }

  /** Closes the file; waits for the tidying of backups. */
  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    await this.settled();
  }
}
