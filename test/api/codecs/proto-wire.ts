import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * Test helpers: protobuf fields written by hand (as gogo writes them), Kubernetes envelopes, and
 * the kubectl vectors.
 */

const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

function write(build: (w: protobuf.Writer) => protobuf.Writer): Uint8Array {
  return build(protobuf.Writer.create()).finish();
}

/** One encoded field each. */
export const pb = {
  str: (id: number, value: string) => write((w) => w.uint32((id << 3) | 2).string(value)),
  bytes: (id: number, value: Uint8Array) => write((w) => w.uint32((id << 3) | 2).bytes(value)),
  int: (id: number, value: number) => write((w) => w.uint32(id << 3).int64(value)),
  bool: (id: number, value: boolean) => write((w) => w.uint32(id << 3).bool(value)),
  fixed32: (id: number, value: number) => write((w) => w.uint32((id << 3) | 5).fixed32(value)),
  msg: (id: number, ...fields: Uint8Array[]) => write((w) => w.uint32((id << 3) | 2).bytes(concat(fields))),
  /** A map field: one `{1 key, 2 value}` entry per pair, in order (duplicates allowed). */
  map: (id: number, pairs: ReadonlyArray<readonly [string, string | Uint8Array]>) =>
    concat(pairs.map(([k, v]) => pb.msg(id, pb.str(1, k), typeof v === 'string' ? pb.str(2, v) : pb.bytes(2, v)))),
  /** Raw bytes, for malformed input. */
  raw: (...bytes: number[]) => Uint8Array.from(bytes),
};

/** The object's message bytes from its fields. */
export function object(...fields: Uint8Array[]): Uint8Array {
  return concat(fields);
}

/** ObjectMeta as kubectl writes it: every non-pointer string present, empty Time for creationTimestamp. */
export function kubectlMeta(name = '', ...extra: Uint8Array[]): Uint8Array {
  const strings = [1, 2, 3, 4, 5, 6].map((id) => pb.str(id, id === 1 ? name : ''));
  return pb.msg(1, ...strings, pb.int(7, 0), pb.msg(8), ...extra);
}

/** `k8s\0` + runtime.Unknown{TypeMeta, raw, "", ""}; `raw` undefined leaves field 2 out. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array | undefined): Buffer {
  const rawField = raw === undefined ? [] : [pb.bytes(2, raw)];
  return Buffer.from(concat([MAGIC, pb.msg(1, pb.str(1, apiVersion), pb.str(2, kind)), ...rawField, pb.str(3, ''), pb.str(4, '')]));
}

export interface Vector {
  command: string;
  body: Buffer;
  decoded: Record<string, unknown>;
}

/** The request bodies captured from kubectl 1.32, with their JSON meaning (a copy of shared/reference's). */
export function kubectlVectors(): Vector[] {
  const path = fileURLToPath(new URL('./kubectl-protobuf-vectors.jsonl', import.meta.url));
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const v = JSON.parse(line) as { command: string; bodyBase64: string; decoded: Record<string, unknown> };
      return { command: v.command, body: Buffer.from(v.bodyBase64, 'base64'), decoded: v.decoded };
    });
}

/** Whether a value is plain JSON: no Long, no Uint8Array, no undefined, no class instances. */
export function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.keys(value).every((k) => isPlainJson((value as Record<string, unknown>)[k]));
}
