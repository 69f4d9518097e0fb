import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/util/go-json-parse.js';
import { parseYaml } from '../../../src/api/codecs/yaml.js';
import { type FieldValidation, KindSchemas, decodeObject } from '../../../src/registry/schema/index.js';

const schemas = new KindSchemas();

function decode(body: string, fieldValidation: FieldValidation = 'Strict', kind = 'Pod', group = '', version = 'v1') {
  const yaml = !body.trimStart().startsWith('{');
  const parsed = yaml ? parseYaml(body) : { value: parseJson(body).value, duplicateKeys: undefined };
  try {
    return decodeObject({ schemas, group, version, kind, value: parsed.value, yamlDuplicateKeys: parsed.duplicateKeys, fieldValidation });
  } catch (e) {
    const err = e as { code: number; reason: string; message: string };
    return { code: err.code, reason: err.reason, message: err.message };
  }
}

const pod = (spec: string) => `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":${spec}}`;
const cannot = (reason: string, kind = 'Pod') => ({ code: 400, reason: 'BadRequest', message: `${kind} in version "v1" cannot be handled as a ${kind}: ${reason}` });

describe('strict decoding: unknown and duplicate fields, as kube-apiserver 1.33 reports them', () => {
  // Text: runtime.NewStrictDecodingError ("strict decoding error: " + errors joined by ", ",
  // apimachinery pkg/runtime/error.go) inside handlers/rest.go transformDecodeError; field paths
  // as sigs.k8s.io/json prints them (kubernetes_patch.go: struct fields and map keys with ".",
  // indices with "[i]"). The example is the first case.
  it.each([
    ['a misspelt field', pod('{"serviceAccountNmae":"x","containers":[{"name":"c","image":"i"}]}'), 'strict decoding error: unknown field "spec.serviceAccountNmae"'],
    ['several, joined as Kubernetes joins them', pod('{"serviceAccountNmae":"x","containers":[{"name":"c","imagee":"i"}],"x":1}'), 'strict decoding error: unknown field "spec.serviceAccountNmae", unknown field "spec.containers[0].imagee", unknown field "spec.x"'],
    ['a repeated field', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","name":"q"}}', 'strict decoding error: duplicate field "metadata.name"'],
    ['a repeated map key', '{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"a":"1","a":"2"}}}', 'strict decoding error: duplicate field "metadata.labels.a"'],
    ['a field with another case (matching is case-sensitive)', '{"apiVersion":"v1","kind":"Pod","Metadata":{}}', 'strict decoding error: unknown field "Metadata"'],
    ['__proto__ as a field', '{"apiVersion":"v1","kind":"Pod","__proto__":{"x":1}}', 'strict decoding error: unknown field "__proto__"'],
  ])('Strict refuses %s', (_name, body, reason) => {
    expect(decode(body)).toEqual(cannot(reason));
  });

  it('Warn (the default) keeps the object without the unknown fields and warns once per field', () => {
    expect(decode(pod('{"serviceAccountNmae":"x","containers":[{"name":"c","image":"i","imagee":"j"}]}'), 'Warn')).toEqual({
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      warnings: ['unknown field "spec.serviceAccountNmae"', 'unknown field "spec.containers[0].imagee"'],
    });
  });

  it('Ignore drops unknown fields silently', () => {
    expect(decode(pod('{"x":1,"containers":[]}'), 'Ignore')).toEqual({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } }, warnings: [] });
  });

  it('reports at most 100 strict errors, each once (sigs.k8s.io/json saveStrictError)', () => {
    const fields = Array.from({ length: 150 }, (_, i) => `"f${i}":1`).join(',');
    const r = decode(`{"apiVersion":"v1","kind":"Pod","spec":{${fields},"f0":2}}`, 'Warn') as { warnings: string[] };
    expect(r.warnings).toHaveLength(100);
    expect(r.warnings[0]).toBe('unknown field "spec.f0"');
  });

  it('YAML: go-yaml\'s duplicate-key error comes first; Warn splits it into one warning per line (handlers/rest.go parseYAMLWarnings)', () => {
    const body = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\nspec:\n  nodeName: node-1\n  bogus: 1\n';
    expect(decode(body, 'Warn')).toMatchObject({ warnings: ['line 5: key "name" already set in map', 'unknown field "spec.bogus"'] });
    expect(decode(body, 'Strict')).toEqual(cannot('strict decoding error: yaml: unmarshal errors:\n  line 5: key "name" already set in map, unknown field "spec.bogus"'));
  });
});

describe('type mismatches: Go\'s UnmarshalTypeError in every mode', () => {
  // encoding/json decode.go UnmarshalTypeError.Error(): "json: cannot unmarshal <JSON kind> into
  // Go struct field <innermost struct>.<field path> of type <Go type>"; the issue's example first.
  it.each([
    ['an object field given a string', pod('{"securityContext":"runAsUser:2000"}'), 'json: cannot unmarshal string into Go struct field PodSpec.spec.securityContext of type v1.PodSecurityContext'],
    ['a list given as an object', pod('{"containers":{"name":"c"}}'), 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
    ['a string field given a number, inside a list', pod('{"containers":[{"name":"c","image":5}]}'), 'json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string'],
    ['an int64 given a string', pod('{"activeDeadlineSeconds":"30"}'), 'json: cannot unmarshal string into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64'],
    ['an int32 given a fraction', pod('{"containers":[{"name":"c","ports":[{"containerPort":80.5}]}]}'), 'json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
    ['an int32 beyond its range', pod('{"containers":[{"name":"c","ports":[{"containerPort":2147483648}]}]}'), 'json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
    ['an int written as 1.0', pod('{"terminationGracePeriodSeconds":30.0}'), 'json: cannot unmarshal number 30.0 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64'],
    ['a map given a list', '{"apiVersion":"v1","kind":"Pod","metadata":{"labels":["a"]}}', 'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string'],
    ['a bool given a string', pod('{"hostNetwork":"true"}'), 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'],
    ['the whole body as a list', '[1]', 'json: cannot unmarshal array into Go value of type v1.Pod'],
    ['a time that is a number (metav1.Time.UnmarshalJSON)', '{"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":5}}', 'json: cannot unmarshal number into Go value of type string'],
    ['a time that is not RFC 3339 (time.Parse)', '{"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":"2024-01-01"}}', 'parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'],
    ['a quantity that does not parse (resource.ParseQuantity)', pod('{"containers":[{"name":"c","resources":{"limits":{"cpu":"lots"}}}]}'), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['an IntOrString given a bool', pod('{"containers":[{"name":"c","livenessProbe":{"httpGet":{"port":true}}}]}'), 'json: cannot unmarshal bool into Go value of type int32'],
  ])('%s', (_name, body, reason) => {
    expect(decode(body, 'Ignore')).toEqual(cannot(reason));
  });

  it('a type error wins over strict errors, as the serializer returns it first', () => {
    expect(decode(pod('{"bogus":1,"hostNetwork":"yes"}'))).toEqual(cannot('json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'));
  });

  it('YAML numbers where strings belong are Go\'s classic ConfigMap error', () => {
    expect(decode('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  port: 8080\n', 'Strict', 'ConfigMap')).toEqual(cannot('json: cannot unmarshal number into Go struct field ConfigMap.data of type string', 'ConfigMap'));
  });

  it.each([
    ['not base64 at all', '!!!', 'illegal base64 data at input byte 0'],
    ['missing its padding', 'aGk', 'illegal base64 data at input byte 0'],
    ['with garbage after the padding', 'aGk=x', 'illegal base64 data at input byte 4'],
  ])('Secret data %s is refused as encoding/json refuses []byte', (_name, value, reason) => {
    expect(decode(`{"apiVersion":"v1","kind":"Secret","data":{"k":"${value}"}}`, 'Strict', 'Secret')).toEqual(cannot(reason, 'Secret'));
  });
});

describe('what decoding writes back', () => {
  it('normalises times, quantities and base64 as Go writes them, and drops nulls', () => {
    const r = decode(
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","creationTimestamp":"2024-01-01T02:00:00+02:00","deletionTimestamp":null},"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":1,"memory":"1Gi"}}}]}}',
    ) as { object: Record<string, unknown> };
    expect(r.object).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } });
    const s = decode('{"apiVersion":"v1","kind":"Secret","data":{"k":"aGVs\\nbG8="}}', 'Strict', 'Secret') as { object: Record<string, unknown> };
    expect(s.object.data).toEqual({ k: 'aGVsbG8=' });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('keeps %s as a data key where Kubernetes keeps any key (ConfigMap data, labels)', (key) => {
    const r = decode(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"labels":{"${key}":"x"}},"data":{"${key}":"v"}}`, 'Strict', 'ConfigMap') as unknown as { object: { data: Record<string, unknown>; metadata: { labels: object } } };
    expect(Object.keys(r.object.data)).toEqual([key]);
    expect(Object.getPrototypeOf(r.object.data)).toBe(Object.prototype);
    expect(Object.keys(r.object.metadata.labels)).toEqual([key]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('keeps RawExtension contents (ControllerRevision data), and refuses deeper nesting than satoken stores', () => {
    const r = decode('{"apiVersion":"apps/v1","kind":"ControllerRevision","data":{"spec":{"x":[1,{"y":true}]}},"revision":1}', 'Strict', 'ControllerRevision', 'apps') as { object: Record<string, unknown> };
    expect(r.object.data).toEqual({ spec: { x: [1, { y: true }] } });
    const deep = `{"apiVersion":"apps/v1","kind":"ControllerRevision","data":${'['.repeat(600)}${']'.repeat(600)}}`;
    expect(decode(deep, 'Strict', 'ControllerRevision', 'apps')).toMatchObject({ code: 400, message: expect.stringContaining('nested more than 512 levels deep') });
  });

  it('passes kinds without a schema through unchanged', () => {
    expect(decode('{"kind":"Widget","x":1}', 'Strict', 'Widget', 'example.com')).toEqual({ object: { kind: 'Widget', x: 1 }, warnings: [] });
  });
});
