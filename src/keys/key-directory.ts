import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { access, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { algorithmForKey, type SigningAlgorithm } from './algorithm.js';
import { createFileExclusive, writeFileAtomic } from './atomic-file.js';
import { keyIdFromPublicKey } from './key-id.js';
import { KeySet } from './key-set.js';
import { readPrivateKeyFile, readPublicKeysFile } from './pem.js';

/** kubeadm's name of the signing key in the keys directory (see keys/README.md). */
export const SIGNING_KEY_FILE = 'sa.key';
/** kubeadm's name of its public key. */
export const PUBLIC_KEY_FILE = 'sa.pub';
const RETIRED = /^sa-retired-.+\.pub$/;

/** The algorithms satoken generates keys for: RSA 2048 or EC P-256. */
export type GeneratedAlgorithm = 'RS256' | 'ES256';

/** Where the current signing key lives, and what it is. */
export interface SigningKeyFiles {
  signingKeyFile: string;
  publicKeyFile: string;
  kid: string;
  alg: SigningAlgorithm;
}

/** What {@link ensureSigningKey} found or made. */
export interface EnsureSigningKeyResult extends SigningKeyFiles {
  /** False when `sa.key` was already there (it is never replaced here). */
  created: boolean;
}

/** What {@link rotateSigningKey} did. */
export interface RotateResult extends SigningKeyFiles {
  /** The kid of the key that signed until now, if there was one. */
  previousKid: string | undefined;
  /** The file that keeps its public key (`sa-retired-<kid>.pub`). */
  retired: string | undefined;
}

/** One row of {@link listKeys}. */
export interface KeyListing {
  kid: string;
  alg: SigningAlgorithm;
  file: string;
  signing: boolean;
}

/**
 * The file that keeps a retired public key.
 * @example
 * retiredKeyFile('keys', 'JHJe…'); // 'keys/sa-retired-JHJe….pub'
 */
export function retiredKeyFile(dir: string, kid: string): string {
  return join(dir, `sa-retired-${kid}.pub`);
}

/**
 * A new signing key: RSA 2048 (RS256) or EC P-256 (ES256).
 * @example
 * const key = await generateSigningKey('ES256');
 */
export async function generateSigningKey(algorithm: GeneratedAlgorithm): Promise<KeyObject> {
  const pair = algorithm === 'ES256'
    ? await promisify(generateKeyPair)('ec', { namedCurve: 'P-256' })
    : await promisify(generateKeyPair)('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return pair.privateKey;
}

const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const spki = (key: KeyObject): string => (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'pem' }).toString();
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

function describe(dir: string, key: KeyObject): SigningKeyFiles {
  return { signingKeyFile: join(dir, SIGNING_KEY_FILE), publicKeyFile: join(dir, PUBLIC_KEY_FILE), kid: keyIdFromPublicKey(key), alg: algorithmForKey(key) };
}

/**
 * Makes sure the keys directory has a signing key:
 * - creates the directory (0700) if needed;
 * - if `sa.key` is absent, generates one and creates it (PKCS#8 PEM, 0600) atomically, only if
 *   still absent, so that concurrent starts agree on one key; then writes `sa.pub` (SPKI PEM, 0644);
 * - if `sa.key` exists, keeps it (whatever its algorithm) and restores a missing `sa.pub`.
 * @example
 * const { created, kid } = await ensureSigningKey('keys', { algorithm: 'RS256' });
 */
export async function ensureSigningKey(dir: string, options: { algorithm?: GeneratedAlgorithm } = {}): Promise<EnsureSigningKeyResult> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, SIGNING_KEY_FILE);
  const pubFile = join(dir, PUBLIC_KEY_FILE);
  if (!(await exists(keyFile))) {
    const key = await generateSigningKey(options.algorithm ?? 'RS256');
    if (await createFileExclusive(keyFile, pkcs8(key), 0o600)) {
      await writeFileAtomic(pubFile, spki(key), 0o644);
      return { ...describe(dir, key), created: true };
    }
  }
  const key = await readPrivateKeyFile(keyFile);
  if (!(await exists(pubFile))) await createFileExclusive(pubFile, spki(key), 0o644);
  return { ...describe(dir, key), created: false };
}

async function retiredFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => RETIRED.test(name)).sort().map((name) => join(dir, name));
}

/**
 * The directory's keys as a {@link KeySet}: `sa.key` signs; `sa.key`'s public half, `sa.pub` and
 * every `sa-retired-<kid>.pub` verify (current key first, retired ones in file-name order).
 * Errors as kube-apiserver words them for the same files given as flags.
 * @example
 * const keySet = await loadKeyDirectory('keys');
 */
export async function loadKeyDirectory(dir: string): Promise<KeySet> {
  const keyFile = join(dir, SIGNING_KEY_FILE);
  const pubFile = join(dir, PUBLIC_KEY_FILE);
  const current = (await exists(pubFile)) ? [keyFile, pubFile] : [keyFile];
  return KeySet.fromFiles({ signingKeyFile: keyFile, keyFiles: [...current, ...(await retiredFiles(dir))] });
}

/**
 * Replaces the signing key and keeps the old one verifying:
 * - every public key of the current `sa.key` (and of a stale `sa.pub`) is written to
 *   `sa-retired-<kid>.pub` first, so that no crash can lose it;
 * - then a new key replaces `sa.key` and `sa.pub` atomically (algorithm: as asked, else the
 *   current key's when it is RS256 or ES256, else RS256).
 * Servers pick the new key up when they reload the directory. Kubernetes advises publishing a new
 * public key an hour before signing with it; a single satoken server needs no such wait.
 * @example
 * const { kid, previousKid, retired } = await rotateSigningKey('keys', { algorithm: 'ES256' });
 */
export async function rotateSigningKey(dir: string, options: { algorithm?: GeneratedAlgorithm } = {}): Promise<RotateResult> {
  const keyFile = join(dir, SIGNING_KEY_FILE);
  const pubFile = join(dir, PUBLIC_KEY_FILE);
  if (!(await exists(keyFile))) {
    const made = await ensureSigningKey(dir, options);
    return { ...made, previousKid: undefined, retired: undefined };
  }
  const old = createPublicKey(await readPrivateKeyFile(keyFile));
  const olds = [old, ...((await exists(pubFile)) ? await readPublicKeysFile(pubFile) : [])];
  for (const key of olds) await writeFileAtomic(retiredKeyFile(dir, keyIdFromPublicKey(key)), spki(key), 0o644);
  const oldAlg = algorithmForKey(old);
  const algorithm = options.algorithm ?? (oldAlg === 'ES256' ? 'ES256' : 'RS256');
  const key = await generateSigningKey(algorithm);
  await writeFileAtomic(keyFile, pkcs8(key), 0o600);
  await writeFileAtomic(pubFile, spki(key), 0o644);
  const previousKid = keyIdFromPublicKey(old);
  return { ...describe(dir, key), previousKid, retired: retiredKeyFile(dir, previousKid) };
}

/**
 * Every key of the directory, once each: the signing key (`sa.key`, `signing: true`), then keys
 * that only verify (a stale `sa.pub`, retired keys). An empty or missing directory lists nothing.
 * @example
 * (await listKeys('keys')).map((k) => `${k.kid} ${k.signing ? 'signing' : 'verify-only'}`);
 */
export async function listKeys(dir: string): Promise<KeyListing[]> {
  if (!(await exists(dir))) return [];
  const rows: KeyListing[] = [];
  const seen = new Set<string>();
  const add = (key: KeyObject, file: string, signing: boolean): void => {
    const kid = keyIdFromPublicKey(key);
    if (seen.has(kid)) return;
    seen.add(kid);
    rows.push({ kid, alg: algorithmForKey(key), file, signing });
  };
  const keyFile = join(dir, SIGNING_KEY_FILE);
  const pubFile = join(dir, PUBLIC_KEY_FILE);
  if (await exists(keyFile)) add(await readPrivateKeyFile(keyFile), keyFile, true);
  if (await exists(pubFile)) for (const key of await readPublicKeysFile(pubFile)) add(key, pubFile, false);
  for (const file of await retiredFiles(dir)) for (const key of await readPublicKeysFile(file)) add(key, file, false);
  return rows;
}
