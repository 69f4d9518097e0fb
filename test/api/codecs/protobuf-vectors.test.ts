import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeKubernetesProtobuf } from '../../../src/api/codecs/protobuf.js';
import { StatusError } from '../../../src/errors/index.js';
import { kubectlVectors } from './proto-wire.js';

const vectors = kubectlVectors();

describe('decodeKubernetesProtobuf on bodies captured from kubectl 1.32', () => {
  it('has the sixteen captured vectors to check', () => {
    expect(vectors).toHaveLength(16);
  });

  it.each(vectors)('decodes `$command` to its JSON meaning', ({ body, decoded }) => {
    const result = decodeKubernetesProtobuf(body);
    expect(result.object).toStrictEqual(decoded);
    expect(result.kind).toBe(decoded.kind);
    expect(result.apiVersion).toBe(decoded.apiVersion);
  });

  it.each(vectors)('puts kind, apiVersion and metadata first for `$command`', ({ body }) => {
    expect(Object.keys(decodeKubernetesProtobuf(body).object).slice(0, 3)).toEqual(['kind', 'apiVersion', 'metadata']);
  });

  it.each(vectors)('decodes `$command` from a Uint8Array view as from a Buffer', ({ body, decoded }) => {
    const copy = new Uint8Array(body.length + 8);
    copy.set(body, 8);
    expect(decodeKubernetesProtobuf(copy.subarray(8)).object).toStrictEqual(decoded);
  });

  it.each(vectors)('answers 400 to every cut of `$command` before the end of its object bytes', ({ body }) => {
    // kubectl ends the envelope with contentEncoding "" and contentType "" (1a 00 22 00).
    expect([...body.subarray(-4)]).toEqual([0x1a, 0x00, 0x22, 0x00]);
    for (let length = 0; length < body.length - 4; length++) {
      const cut = body.subarray(0, length);
      let thrown: unknown;
      try {
        decodeKubernetesProtobuf(cut);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `cut at ${length} of ${body.length}`).toBeInstanceOf(StatusError);
      expect((thrown as StatusError).code).toBe(400);
      expect((thrown as StatusError).reason).toBe('BadRequest');
    }
  });

  it.each(vectors)('decodes cuts of `$command` between the trailing envelope fields to the same object', ({ body, decoded }) => {
    for (const length of [body.length - 4, body.length - 2, body.length]) {
      expect(isDeepStrictEqual(decodeKubernetesProtobuf(body.subarray(0, length)).object, decoded)).toBe(true);
    }
    for (const length of [body.length - 3, body.length - 1]) {
      expect(() => decodeKubernetesProtobuf(body.subarray(0, length))).toThrow(StatusError);
    }
  });
});
