import { describe, expect, it } from 'vitest';
import { isProtobufContentType, PROTOBUF_MEDIA_TYPE } from '../../../src/api/codecs/protobuf.js';

describe('isProtobufContentType', () => {
  it.each([
    { contentType: 'application/vnd.kubernetes.protobuf', expected: true },
    { contentType: 'application/vnd.kubernetes.protobuf; charset=utf-8', expected: true },
    { contentType: 'application/vnd.kubernetes.protobuf;stream=watch', expected: true },
    { contentType: ' Application/VND.Kubernetes.Protobuf ', expected: true },
    { contentType: 'application/json', expected: false },
    { contentType: 'application/vnd.kubernetes.protobuf+json', expected: false },
    { contentType: 'application/protobuf', expected: false },
    { contentType: '', expected: false },
    { contentType: undefined, expected: false },
  ])('says $expected for $contentType', ({ contentType, expected }) => {
    expect(isProtobufContentType(contentType)).toBe(expected);
  });

  it('names the media type kubectl sends', () => {
    expect(PROTOBUF_MEDIA_TYPE).toBe('application/vnd.kubernetes.protobuf');
  });
});
