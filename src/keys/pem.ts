import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { algorithmForKey } from './algorithm.js';
import { goPathError } from '../util/go-format.js';

/** Kubernetes' message when a signing key file holds no usable private key (keyutil.ParsePrivateKeyPEM). */
export const NO_PRIVATE_KEY_MESSAGE = 'data does not contain a valid RSA or ECDSA private key';
/** Kubernetes' message when a key file holds no usable key (keyutil.ParsePublicKeysPEM). */
export const NO_PUBLIC_KEYS_MESSAGE = 'data does not contain any valid RSA or ECDSA public keys';

/** One decoded PEM block, as Go's `pem.Block`. */
export interface PemBlock {
  type: string;
  headers: Record<string, string>;
  der: Buffer;
}

type DerDecoder = (der: Buffer) => KeyObject;

/** The key blocks satoken reads, by PEM type. Other blocks (CERTIFICATE, EC PARAMETERS, ...) are skipped. */
const PRIVATE_DECODERS: Record<string, DerDecoder> = {
  'RSA PRIVATE KEY': (der) => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }),
  'EC PRIVATE KEY': (der) => createPrivateKey({ key: der, format: 'der', type: 'sec1' }),
  'PRIVATE KEY': (der) => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
};
const PUBLIC_DECODERS: Record<string, DerDecoder> = {
  'PUBLIC KEY': (der) => createPublicKey({ key: der, format: 'der', type: 'spki' }),
  'RSA PUBLIC KEY': (der) => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }),
};

const BLOCK = /-----BEGIN ([^\r\n]*?)-----[ \t]*\r?\n([\s\S]*?)-----END \1-----/g;

/**
 * Decodes every well-formed PEM block of `text`, in order, as Go's `pem.Decode` loop does;
 * blocks whose base64 body is invalid are skipped.
 * @example
 * decodePemBlocks(readFileSync('sa.key', 'utf8')).map((b) => b.type); // ['PRIVATE KEY']
 */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const lines = m[2]!.split(/\r?\n/);
    const headers: Record<string, string> = {};
    if (lines[0]?.includes(':')) {
      while (lines.length > 0 && lines[0]!.trim() !== '') {
        const line = lines.shift()!;
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
    }
    const body = lines.join('').replace(/\s+/g, '');
    if (body.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) continue;
    blocks.push({ type: m[1]!, headers, der: Buffer.from(body, 'base64') });
  }
  return blocks;
}

function isEncrypted(block: PemBlock): boolean {
  return block.type === 'ENCRYPTED PRIVATE KEY' || (block.headers['Proc-Type'] ?? '').includes('ENCRYPTED');
}

function decode(block: PemBlock, decoders: Record<string, DerDecoder>): KeyObject | undefined {
  if (isEncrypted(block)) throw new Error(`PEM block "${block.type}" is encrypted; only unencrypted keys are supported`);
  const decoder = decoders[block.type];
  if (!decoder) return undefined;
  try {
    return decoder(block.der);
  } catch {
    return undefined; // Kubernetes tolerates key blocks that do not parse and moves on
  }
}

/**
 * The first private key of `text` (`keyutil.ParsePrivateKeyPEM`): RSA PKCS#1 (`RSA PRIVATE KEY`),
 * EC SEC1 (`EC PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`). Non-key blocks and blocks that do not parse
 * are skipped; none left → `data does not contain a valid RSA or ECDSA private key`. The key type is
 * not checked here: see {@link algorithmForKey}.
 * @example
 * const key = parsePrivateKeyPem(readFileSync('sa.key', 'utf8'));
 */
export function parsePrivateKeyPem(text: string): KeyObject {
  for (const block of decodePemBlocks(text)) {
    const key = decode(block, PRIVATE_DECODERS);
    if (key) return key;
  }
  throw new Error(NO_PRIVATE_KEY_MESSAGE);
}

/**
 * Every key of `text` as a public key (`keyutil.ParsePublicKeysPEM`): private blocks are reduced to
 * their public half; `PUBLIC KEY` (SPKI) and `RSA PUBLIC KEY` (PKCS#1) are read as they are;
 * CERTIFICATE and other blocks are skipped. Each key must be RSA or EC P-256/384/521, else the
 * error of {@link algorithmForKey} (`unknown private key curve, must be 256, 384, or 521`).
 * No key at all → `data does not contain any valid RSA or ECDSA public keys`.
 * Kubernetes itself ignores `RSA PUBLIC KEY` blocks and PKCS#8 EC keys here; satoken accepts them.
 * @example
 * parsePublicKeysPem(readFileSync('sa.pub', 'utf8')).length; // 1
 */
export function parsePublicKeysPem(text: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const block of decodePemBlocks(text)) {
    const key = decode(block, PRIVATE_DECODERS) ?? decode(block, PUBLIC_DECODERS);
    if (!key) continue;
    algorithmForKey(key);
    keys.push(key.type === 'private' ? createPublicKey(key) : key);
  }
  if (keys.length === 0) throw new Error(NO_PUBLIC_KEYS_MESSAGE);
  return keys;
}

/**
 * Reads a signing key file (`keyutil.PrivateKeyFromFile`); errors as Go words them:
 * `open <file>: no such file or directory`, `error reading private key file <file>: <reason>`.
 * @example
 * const key = await readPrivateKeyFile('keys/sa.key');
 */
export async function readPrivateKeyFile(file: string): Promise<KeyObject> {
  const text = await readText(file);
  try {
    return parsePrivateKeyPem(text);
  } catch (e) {
    throw new Error(`error reading private key file ${file}: ${(e as Error).message}`);
  }
}

/**
 * Reads a verification key file (`keyutil.PublicKeysFromFile`); errors as
 * `error reading public key file <file>: <reason>`.
 * @example
 * const keys = await readPublicKeysFile('keys/sa.pub');
 */
export async function readPublicKeysFile(file: string): Promise<KeyObject[]> {
  const text = await readText(file);
  try {
    return parsePublicKeysPem(text);
  } catch (e) {
    throw new Error(`error reading public key file ${file}: ${(e as Error).message}`);
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const reason = goPathError(file, e as NodeJS.ErrnoException);
    if (reason === undefined) throw e;
    throw new Error(reason);
  }
}
