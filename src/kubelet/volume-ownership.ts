import { chmodSync, lchownSync } from 'node:fs';
import pino from 'pino';
import { runningAsRoot, walkTree } from './fs-walk.js';
import { errorMessage } from './kubelet-errors.js';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

/**
 * Options of {@link setVolumeOwnership}.
 * @example
 * setVolumeOwnership(dir, 2000, { readOnly: false }); // group read-write
 */
export interface VolumeOwnershipOptions {
  /** a read-only volume gets group read, not read-write (projected volumes are read-only; default true) */
  readOnly?: boolean;
  logger?: pino.Logger;
}

/**
 * `SetVolumeOwnership` (pkg/volume/volume_linux.go) with fsGroupChangePolicy `Always`, the projected
 * volume's `setPerms` hook. For every entry of the volume, the root included, symlinks not followed:
 * - `lchown(-1, fsGroup)` (only when running as root, the only case where it can succeed);
 * - symlinks: nothing more (a chmod would go through to the target);
 * - files: add group read (`0440`, or `0660` for a writable volume), so a 0600 token becomes 0640;
 * - directories: also setgid and group/other execute (`0110`).
 * Failures are logged and skipped, as upstream does.
 * @example
 * setVolumeOwnership('/var/lib/kubelet/pods/u/volumes/kubernetes.io~projected/vol', 10000);
 */
export function setVolumeOwnership(dir: string, fsGroup: number, opts: VolumeOwnershipOptions = {}): void {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const root = runningAsRoot();
  for (const { path, stats } of walkTree(dir)) {
    if (root) {
      try {
        lchownSync(path, -1, fsGroup);
      } catch (err) {
        logger.error({ path, err: errorMessage(err) }, 'Lchown failed');
      }
    }
    if (stats.isSymbolicLink()) continue;
    let mask = opts.readOnly === false ? RW_MASK : RO_MASK;
    if (stats.isDirectory()) mask |= SETGID | EXEC_MASK;
    try {
      chmodSync(path, (stats.mode & 0o7777) | mask);
    } catch (err) {
      logger.error({ path, err: errorMessage(err) }, 'chmod failed');
    }
  }
}
