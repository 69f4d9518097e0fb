import { posix } from 'node:path';
import { KubeletError } from './kubelet-errors.js';

const MAX_FILE_NAME_LENGTH = 255;
const MAX_PATH_LENGTH = 4096;

/**
 * `validatePath` of pkg/volume/util/atomic_writer.go. A payload path may not:
 * - be empty (`invalid path: must not be empty: ""`);
 * - be absolute (`invalid path: must be relative path: <p>`);
 * - be longer than 4096 bytes;
 * - contain a `..` element (`invalid path: must not contain '..': <p>`);
 * - contain an element longer than 255 bytes;
 * - start with `..` (`invalid path: must not start with '..': <p>`), a prefix the writer reserves.
 * @example
 * validatePath('..data'); // throws KubeletError ERR_INVALID_PATH "invalid path: must not start with '..': ..data"
 */
export function validatePath(target: string): void {
  if (target === '') throw invalidPath('invalid path: must not be empty: ""');
  if (posix.isAbsolute(target)) throw invalidPath(`invalid path: must be relative path: ${target}`);
  if (Buffer.byteLength(target) > MAX_PATH_LENGTH) {
    throw invalidPath(`invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`);
  }
  const items = target.split('/');
  for (const item of items) {
    if (item === '..') throw invalidPath(`invalid path: must not contain '..': ${target}`);
    if (Buffer.byteLength(item) > MAX_FILE_NAME_LENGTH) {
      throw invalidPath(`invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`);
    }
  }
  if (items[0]!.startsWith('..') && items[0]!.length > 2) throw invalidPath(`invalid path: must not start with '..': ${target}`);
}

/**
 * Go's `filepath.Clean` for a validated relative path: duplicate slashes, `.` elements and a
 * trailing slash go.
 * @example
 * cleanPath('./a//b/'); // 'a/b'
 */
export function cleanPath(p: string): string {
  const normal = posix.normalize(p);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/**
 * `validatePayload`: every path valid, keys cleaned (later duplicates after cleaning win).
 * @example
 * validatePayload(new Map([['./token', f]])); // Map { 'token' => f }
 */
export function validatePayload<T>(payload: ReadonlyMap<string, T>): Map<string, T> {
  const clean = new Map<string, T>();
  for (const [p, content] of payload) {
    validatePath(p);
    clean.set(cleanPath(p), content);
  }
  return clean;
}

/**
 * Every path of the payload and each of its parent directories (`a/b/c` → `a/b/c`, `a/b`, `a`), the
 * set `pathsToRemove` must not touch.
 * @example
 * [...payloadPathsWithParents(['a/b'])]; // ['a/b', 'a']
 */
export function payloadPathsWithParents(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    for (let sub = p; sub !== '' && sub !== '.'; sub = posix.dirname(sub)) out.add(sub);
  }
  return out;
}

/**
 * The first path element, which gets the user-visible symlink (`foo/bar` → `foo`).
 * @example
 * firstElement('aws/token'); // 'aws'
 */
export function firstElement(p: string): string {
  const slash = p.indexOf('/');
  return slash === -1 ? p : p.slice(0, slash);
}

function invalidPath(message: string): KubeletError {
  return new KubeletError('ERR_INVALID_PATH', message);
}
