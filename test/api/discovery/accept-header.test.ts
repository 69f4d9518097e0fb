import { describe, expect, it } from 'vitest';
import { mediaRanges, negotiate } from '../../../src/api/discovery/accept-header.js';

const TABLE_V1 = { as: 'Table', group: 'meta.k8s.io', version: 'v1' };

describe('Accept header negotiation', () => {
  it.each([
    ['no header', undefined, []],
    ['an empty header', '', []],
    [
      'kubectl get, in the client order',
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      [
        { type: 'application/json', params: { as: 'Table', v: 'v1', g: 'meta.k8s.io' }, q: 1 },
        { type: 'application/json', params: { as: 'Table', v: 'v1beta1', g: 'meta.k8s.io' }, q: 1 },
        { type: 'application/json', params: {}, q: 1 },
      ],
    ],
    [
      'ranges sorted by q, stable among equals, q=0 dropped',
      'text/plain;q=0.5, application/json ; charset="utf-8", application/yaml;q=0, */*;q=0.5',
      [
        { type: 'application/json', params: { charset: 'utf-8' }, q: 1 },
        { type: 'text/plain', params: {}, q: 0.5 },
        { type: '*/*', params: {}, q: 0.5 },
      ],
    ],
    ['lower-cased types and parameter names', 'Application/JSON;AS=Table', [{ type: 'application/json', params: { as: 'Table' }, q: 1 }]],
  ])('parses %s', (_name, accept, expected) => {
    expect(mediaRanges(accept)).toEqual(expected);
  });

  it.each([
    ['the conversion when it comes first', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json', TABLE_V1],
    ['plain JSON when plain JSON comes first', 'application/json,application/json;as=Table;v=v1;g=meta.k8s.io', 'plain'],
    ['plain JSON for */*', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io, */*', 'plain'],
    ['the conversion preferred by q', 'application/json;q=0.9,application/json;as=Table;v=v1;g=meta.k8s.io', TABLE_V1],
    ['nothing for protobuf only', 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io', undefined],
    ['nothing for a conversion not offered', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io', undefined],
    ['nothing without a header', undefined, undefined],
  ])('negotiates %s', (_name, accept, expected) => {
    expect(negotiate(accept, [TABLE_V1])).toEqual(expected);
  });
});
