import type express from 'express';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { admin, appFixture } from '../helpers/app.js';
import { envelope, kubectlMeta, object, pb } from './codecs/proto-wire.js';

let emu: Emulator;
let app: express.Express;
beforeAll(async () => {
  ({ emu, app } = await appFixture());
  await request(app).post('/api/v1/namespaces/default/configmaps').set(admin).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' }, data: { a: '1' } });
  await request(app).post('/api/v1/namespaces/default/pods').set(admin).send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target' }, spec: { containers: [{ name: 'app', image: 'busybox', env: [{ name: 'A', value: '1' }] }] } });
});
afterAll(() => emu.close());

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** After every request: nothing reached Object.prototype (or Array.prototype). */
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    ['__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', '__proto__', 'constructor', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf'].sort(),
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
});

const status = (code: number, reason: string, message: string | RegExp) => ({ code, reason, message });
const PODS = '/api/v1/namespaces/default/pods';
const CMS = '/api/v1/namespaces/default/configmaps';
const SECRETS = '/api/v1/namespaces/default/secrets';
const JSON_CT = 'application/json';
const YAML_CT = 'application/yaml';
const PROTOBUF_CT = 'application/vnd.kubernetes.protobuf';

type Case = [name: string, method: 'post' | 'put' | 'patch', path: string, contentType: string, body: string | Buffer, expected: { code: number; reason: string; message: string | RegExp }];

async function send(method: 'post' | 'put' | 'patch', path: string, contentType: string, body: string | Buffer) {
  return request(app)[method](path).set(admin).set('Content-Type', contentType).send(body);
}

const deepJson = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

describe('hostile bodies get a 4xx with kube-apiserver\'s message, never a 5xx', () => {
  it.each<Case>([
    // JSON bodies (handlers/rest.go transformDecodeError around the JSON serializer's errors)
    ['JSON cut short', 'post', PODS, JSON_CT, '{"kind":"Pod"', status(400, 'BadRequest', 'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"kind":"Pod")')],
    ['JSON nested past Go\'s 10000 levels', 'post', PODS, JSON_CT, `{"spec":${deepObject(10001)}}`, status(400, 'BadRequest', 'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: invalid character \'{\' exceeded max depth ({"spec":{"a":{"a":{"a":{"a":{" ...)')],
    ['a JSON array', 'post', PODS, JSON_CT, deepJson(10001), status(400, 'BadRequest', /^the object provided is unrecognized \(must be of type Pod\): couldn't get version\/kind; json parse error: invalid character '\[' exceeded max depth \(5b5b5b/)],
    ['a type mismatch (the issue\'s securityContext string)', 'post', PODS, JSON_CT, '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"securityContext":"runAsUser:2000"}}', status(400, 'BadRequest', 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.securityContext of type v1.PodSecurityContext')],
    ['another kind', 'post', PODS, JSON_CT, '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}', status(400, 'BadRequest', 'the kind in the data (Secret) does not match the expected kind (Pod)')],
    // YAML bodies (sigs.k8s.io/yaml YAMLToJSON errors, go-yaml v2 words where reproduced)
    ['YAML with excessive aliasing', 'post', CMS, YAML_CT, ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n'), status(400, 'BadRequest', /^the object provided is unrecognized \(must be of type ConfigMap\): yaml: document contains excessive aliasing \(/)],
    ['YAML flow collections past go-yaml\'s depth', 'post', CMS, YAML_CT, deepJson(10001), status(400, 'BadRequest', /^the object provided is unrecognized \(must be of type ConfigMap\): yaml: exceeded max depth of 10000 \(/)],
    ['YAML nested deeper than satoken reads', 'post', CMS, YAML_CT, deepJson(3000), status(400, 'BadRequest', /nested too deeply/)],
    ['YAML .inf', 'post', CMS, YAML_CT, 'data:\n  a: .inf\n', status(400, 'BadRequest', /^the object provided is unrecognized \(must be of type ConfigMap\): json: unsupported value: \+Inf \(/)],
    ['a YAML number where a string belongs', 'post', CMS, YAML_CT, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-port\ndata:\n  port: 8080\n', status(400, 'BadRequest', 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string')],
    // protobuf with the k8s\0 magic (runtime/serializer/protobuf)
    ['protobuf without its magic', 'post', '/api/v1/namespaces/default/serviceaccounts', PROTOBUF_CT, Buffer.from('nope'), status(400, 'BadRequest', 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]')],
    ['protobuf cut inside its object', 'post', '/api/v1/namespaces/default/serviceaccounts', PROTOBUF_CT, envelope('v1', 'ServiceAccount', object(kubectlMeta('sa')).subarray(0, 5)), status(400, 'BadRequest', /^ServiceAccount in version "v1" cannot be handled as a ServiceAccount: /)],
    ['protobuf of a kind without a protobuf schema', 'post', PODS, PROTOBUF_CT, envelope('v1', 'Widget', object(pb.str(1, 'x'))), status(415, 'UnsupportedMediaType', /^the body of the request was in an unknown format/)],
    // media types (negotiation.NegotiateInputSerializerForMediaType)
    ['a media type kube-apiserver does not serve', 'post', CMS, 'text/yaml', 'a: 1', status(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf')],
    ['a Content-Type mime.ParseMediaType refuses', 'post', CMS, 'application/json; charset', '{}', status(415, 'UnsupportedMediaType', /^the body of the request was in an unknown format/)],
    ['a PATCH with a body media type', 'patch', `${CMS}/target`, JSON_CT, '{}', status(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml')],
    ['a PATCH type in another case (compared exactly)', 'patch', `${CMS}/target`, 'Application/Merge-Patch+JSON', '{}', status(415, 'UnsupportedMediaType', /^the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json/)],
    // JSON merge patch (handlers/patch.go applyJSPatch, evanphx MergePatch)
    ['a merge patch nested past Go\'s limit', 'patch', `${CMS}/target`, 'application/merge-patch+json', deepObject(10001), status(400, 'BadRequest', "error decoding patch: invalid character '{' exceeded max depth")],
    ['a merge patch that is a list (read as a map first)', 'patch', `${CMS}/target`, 'application/merge-patch+json', '[1]', status(400, 'BadRequest', 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}')],
    ['a merge patch that is a list, with fieldValidation=Ignore (replacing the root)', 'patch', `${CMS}/target?fieldValidation=Ignore`, 'application/merge-patch+json', '[1]', status(422, 'Invalid', ' "" is invalid: patch: Invalid value: "[1]": couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }')],
    ['a merge patch that is null', 'patch', `${CMS}/target`, 'application/merge-patch+json', 'null', status(400, 'BadRequest', 'Invalid JSON Patch')],
    ['a merge patch that is a string, with fieldValidation=Ignore', 'patch', `${CMS}/target?fieldValidation=Ignore`, 'application/merge-patch+json', '"x"', status(400, 'BadRequest', 'Invalid JSON Patch')],
    ['a merge patch giving a map a list', 'patch', `${CMS}/target`, 'application/merge-patch+json', '{"data":[1]}', status(422, 'Invalid', /^ "" is invalid: patch: Invalid value: "\{.*\}": json: cannot unmarshal array into Go struct field ConfigMap.data of type map\[string\]string$/)],
    // JSON patch (evanphx/json-patch v4; 422 through NewGenericServerResponse)
    ['a JSON patch nested past Go\'s limit', 'patch', `${CMS}/target`, 'application/json-patch+json', deepJson(10001), status(400, 'BadRequest', "error decoding patch: invalid character '[' exceeded max depth")],
    ['a JSON patch nested past Go\'s limit, with fieldValidation=Ignore', 'patch', `${CMS}/target?fieldValidation=Ignore`, 'application/json-patch+json', deepJson(10001), status(400, 'BadRequest', "invalid character '[' exceeded max depth")],
    ['a strategic patch nested past Go\'s limit', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', deepObject(10001), status(400, 'BadRequest', "invalid character '{' exceeded max depth")],
    ['a strategic patch nested deeper than satoken applies', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', deepObject(5000), status(400, 'BadRequest', 'the patch is nested 5000 levels deep; satoken applies patches at most 1000 levels deep')],
    ['a JSON patch that is an object', 'patch', `${CMS}/target`, 'application/json-patch+json', '{"op":"add"}', status(400, 'BadRequest', 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp')],
    ['a JSON patch whose op is a number', 'patch', `${CMS}/target`, 'application/json-patch+json', '[{"op":1,"path":"/a"}]', status(400, 'BadRequest', 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string')],
    ['a JSON patch removing a missing path', 'patch', `${CMS}/target`, 'application/json-patch+json', '[{"op":"remove","path":"/data/nothere"}]', status(422, 'Invalid', 'the server rejected our request due to an error in our request')],
    ['a JSON patch replacing a missing key', 'patch', `${CMS}/target`, 'application/json-patch+json', '[{"op":"replace","path":"/spec/x","value":1}]', status(422, 'Invalid', 'the server rejected our request due to an error in our request')],
    ['a JSON patch adding under a missing parent', 'patch', `${CMS}/target`, 'application/json-patch+json', '[{"op":"add","path":"/a/b/c","value":1}]', status(422, 'Invalid', 'the server rejected our request due to an error in our request')],
    ['a JSON patch with a failing test', 'patch', `${CMS}/target`, 'application/json-patch+json', '[{"op":"test","path":"/data/a","value":"2"}]', status(422, 'Invalid', 'the server rejected our request due to an error in our request')],
    ['a JSON patch with an unknown op', 'patch', `${CMS}/target`, 'application/json-patch+json', '[{"op":"frobnicate","path":"/data"}]', status(422, 'Invalid', 'the server rejected our request due to an error in our request')],
    ['a JSON patch of 10001 operations', 'patch', `${CMS}/target`, 'application/json-patch+json', JSON.stringify(Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' }))), status(413, 'RequestEntityTooLarge', 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001')],
    ['a JSON patch replacing the root with a list', 'patch', `${CMS}/target`, 'application/json-patch+json', '[{"op":"replace","path":"","value":[1]}]', status(422, 'Invalid', /^ "" is invalid: patch: Invalid value: "\[1\]": couldn't get version\/kind/)],
    ['a JSON patch copying more than 3 MiB', 'patch', `${CMS}/target`, 'application/json-patch+json', JSON.stringify([{ op: 'add', path: '/data/big', value: 'x'.repeat(1 << 20) }, ...Array.from({ length: 4 }, (_, i) => ({ op: 'copy', from: '/data/big', path: `/data/c${i}` }))]), status(422, 'Invalid', 'the server rejected our request due to an error in our request')],
    // strategic merge patch (util/strategicpatch, handlers/patch.go interpretStrategicMergePatchError)
    ['a strategic patch that is a list', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '[1]', status(400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}')],
    ['a strategic patch giving a list an object', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '{"spec":{"containers":{"name":"app"}}}', status(422, 'Invalid', ' "" is invalid: patch: Invalid value: "map[spec:map[containers:map[name:app]]]": cannot restore slice from map')],
    ['a strategic patch giving an object a string', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '{"spec":{"securityContext":"runAsUser:2000"}}', status(422, 'Invalid', ' "" is invalid: patch: Invalid value: "map[spec:map[securityContext:runAsUser:2000]]": cannot restore struct from: string')],
    ['$retainKeys that is not a list', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '{"spec":{"$retainKeys":"x"}}', status(400, 'BadRequest', 'invalid patch format of retainKeys')],
    ['$setElementOrder that is not a list', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '{"spec":{"$setElementOrder/containers":{}}}', status(400, 'BadRequest', 'invalid patch format of setElementOrder list')],
    ['$deleteFromPrimitiveList that is not a list', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '{"metadata":{"$deleteFromPrimitiveList/finalizers":"x"}}', status(400, 'BadRequest', 'invalid patch format of primitive list')],
    ['an unknown $patch directive', 'patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '{"spec":{"$patch":"explode"}}', status(400, 'BadRequest', 'unknown patch type: explode in map: map[$patch:explode]')],
    // apply patches (YAML)
    ['an apply patch that is not YAML', 'patch', `${CMS}/target?fieldManager=me`, 'application/apply-patch+yaml', 'a: [\n', status(400, 'BadRequest', /^error decoding YAML: error converting YAML to JSON: yaml: /)],
    ['an apply patch that is a list', 'patch', `${CMS}/target?fieldManager=me`, 'application/apply-patch+yaml', '- a\n', status(400, 'BadRequest', 'error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}')],
    ['an apply patch without a fieldManager', 'patch', `${CMS}/target`, 'application/apply-patch+yaml', 'data: {}\n', status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch')],
  ])('%s (%s %s, %s)', async (_name, method, path, contentType, body, expected) => {
    const res = await send(method, path, contentType, body);
    expect({ code: res.status, reason: res.body.reason, message: res.body.message }).toEqual({ code: expected.code, reason: expected.reason, message: typeof expected.message === 'string' ? expected.message : expect.stringMatching(expected.message) });
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: expected.code });
  });
});

describe('__proto__, constructor and prototype are plain keys in every body and patch type', () => {
  it.each(PROTO_KEYS)('a ConfigMap keeps %s as a data key from JSON, YAML, merge, strategic and JSON patches', async (key) => {
    const name = `proto-${key.replace(/_/g, '')}`;
    const created = await send('post', CMS, JSON_CT, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"data":{"${key}":"json"},"${key}":{"polluted":true}}`);
    expect(created.status).toBe(201);
    expect(created.headers.warning).toBe(`299 - "unknown field \\"${key}\\""`);
    expect(JSON.stringify(created.body.data)).toBe(`{"${key}":"json"}`);
    const yaml = await send('put', `${CMS}/${name}`, YAML_CT, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  ${key}: yaml\n  other: x\n`);
    expect(yaml.status).toBe(200);
    expect(JSON.stringify(yaml.body.data)).toBe(`{"${key}":"yaml","other":"x"}`);
    const merge = await send('patch', `${CMS}/${name}`, 'application/merge-patch+json', `{"data":{"${key}":"merge"},"${key}":{"polluted":true}}`);
    expect(JSON.stringify(merge.body.data)).toBe(`{"${key}":"merge","other":"x"}`);
    const smp = await send('patch', `${CMS}/${name}`, 'application/strategic-merge-patch+json', `{"data":{"${key}":"smp"},"metadata":{"${key}":{"polluted":true}}}`);
    expect(JSON.stringify(smp.body.data)).toBe(`{"${key}":"smp","other":"x"}`);
    const jp = await send('patch', `${CMS}/${name}`, 'application/json-patch+json', `[{"op":"replace","path":"/data/${key}","value":"jsonpatch"},{"op":"add","path":"/${key}","value":{"polluted":true}}]`);
    expect(JSON.stringify(jp.body.data)).toBe(`{"${key}":"jsonpatch","other":"x"}`);
    const got = await request(app).get(`${CMS}/${name}`).set(admin);
    expect(Object.keys(got.body.data)).toEqual([key, 'other']);
    expect(got.body).not.toHaveProperty('polluted');
  });

  it('a protobuf Secret keeps a __proto__ data key', async () => {
    const body = envelope('v1', 'Secret', object(kubectlMeta('proto-secret'), pb.map(2, [['__proto__', Buffer.from('v')]]), pb.str(3, 'Opaque')));
    const res = await send('post', SECRETS, PROTOBUF_CT, body);
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body.data)).toBe('{"__proto__":"dg=="}');
  });

  it('a label named __proto__ reaches label validation, as in Kubernetes', async () => {
    const res = await send('post', CMS, JSON_CT, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"lbl","labels":{"__proto__":"x"}}}');
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^ConfigMap "lbl" is invalid: metadata\.labels: Invalid value: "__proto__": /);
  });
});

describe('fieldValidation', () => {
  const body = (name: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}","labels":{"a":"1"},"labels":{"b":"2"}},"data":{"k":"v"},"dataa":{},"spec":{"x":1}}`;

  it('defaults to Warn: the object is created without the unknown fields, one Warning header per field', async () => {
    const res = await send('post', CMS, JSON_CT, body('fv-warn'));
    expect(res.status).toBe(201);
    expect(res.headers.warning).toBe('299 - "duplicate field \\"metadata.labels\\"", 299 - "unknown field \\"dataa\\"", 299 - "unknown field \\"spec\\""');
    expect(res.body).not.toHaveProperty('dataa');
    expect(res.body.metadata.labels).toEqual({ a: '1', b: '2' });
  });

  it('Strict refuses with every field in the message', async () => {
    const res = await send('post', `${CMS}?fieldValidation=Strict`, JSON_CT, body('fv-strict'));
    expect([res.status, res.body.message]).toEqual([400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.labels", unknown field "dataa", unknown field "spec"']);
  });

  it('Ignore creates silently', async () => {
    const res = await send('post', `${CMS}?fieldValidation=Ignore`, JSON_CT, body('fv-ignore'));
    expect([res.status, res.headers.warning]).toEqual([201, undefined]);
  });

  it('Strict on a merge patch answers the 422 kube-apiserver gives for patches', async () => {
    const res = await send('patch', `${CMS}/target?fieldValidation=Strict`, 'application/merge-patch+json', '{"dataa":{"x":"y"}}');
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^ "" is invalid: patch: Invalid value: "\{.*\}": strict decoding error: unknown field "dataa"$/);
  });

  it('Warn on a strategic patch warns for the patch\'s duplicates and the result\'s unknown fields', async () => {
    const res = await send('patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '{"spec":{"nodeSelectorr":{}},"metadata":{"labels":{"x":"1"},"labels":{"y":"2"}}}');
    expect(res.status).toBe(200);
    expect(res.headers.warning).toBe('299 - "duplicate field \\"metadata\\"", 299 - "unknown field \\"spec.nodeSelectorr\\""'.replace('\\"metadata\\"', '\\"metadata.labels\\"'));
  });

  it('Strict on a JSON patch names the unknown operation fields', async () => {
    const res = await send('patch', `${CMS}/target?fieldValidation=Warn`, 'application/json-patch+json', '[{"op":"add","path":"/data/z","value":"1","valu":"x"}]');
    expect([res.status, res.headers.warning]).toEqual([200, '299 - "json patch unknown field \\"[0].valu\\""']);
  });

  it('an invalid value is the 422 on the options kind', async () => {
    const res = await send('post', `${CMS}?fieldValidation=Loud`, JSON_CT, body('fv-bad'));
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"',
      reason: 'Invalid',
      details: { group: 'meta.k8s.io', kind: 'CreateOptions', causes: [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"', field: 'fieldValidation' }] },
      code: 422,
    });
  });
});

describe('dryRun', () => {
  it('accepts only All, on every write, with Kubernetes\' message otherwise', async () => {
    for (const [method, path, kind] of [['post', CMS, 'CreateOptions'], ['put', `${CMS}/target`, 'UpdateOptions'], ['patch', `${CMS}/target`, 'PatchOptions']] as const) {
      const res = await send(method, `${path}?dryRun=true`, method === 'patch' ? 'application/merge-patch+json' : JSON_CT, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target"}}');
      expect([res.status, res.body.message]).toEqual([422, `${kind}.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"true"}: supported values: "All"`]);
    }
    const del = await request(app).delete(`${CMS}/target?dryRun=yes`).set(admin);
    expect([del.status, del.body.message]).toEqual([422, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"yes"}: supported values: "All"']);
  });

  it('dryRun=All writes nothing', async () => {
    const res = await send('post', `${CMS}?dryRun=All`, JSON_CT, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dry"}}');
    expect(res.status).toBe(201);
    expect((await request(app).get(`${CMS}/dry`).set(admin)).status).toBe(404);
  });
});

describe('media-type parameters are ignored on decoding, as kube-apiserver ignores them', () => {
  it.each(['application/json; charset=utf-8', 'APPLICATION/JSON;charset=UTF-8', 'application/yaml; charset=utf-8', 'application/json;'])('%s', async (ct) => {
    const body = ct.includes('yaml') ? 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cs\n' : '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cs"}}';
    const res = await send('post', `${CMS}?dryRun=All`, ct, body);
    expect(res.status).toBe(201);
  });

  it('a patch type with a charset parameter', async () => {
    const res = await send('patch', `${CMS}/target`, 'application/merge-patch+json; charset=utf-8', '{"data":{"b":"2"}}');
    expect([res.status, res.body.data.b]).toEqual([200, '2']);
  });
});

describe('strategic merge patches merge lists by their Go merge keys', () => {
  it('merges containers by name: an image change keeps the container\'s other fields (pod updates may change only images)', async () => {
    const res = await send('patch', `${PODS}/target`, 'application/strategic-merge-patch+json', '{"spec":{"containers":[{"name":"app","image":"busybox:1.36"}]}}');
    expect(res.status).toBe(200);
    expect(res.body.spec.containers).toHaveLength(1);
    expect(res.body.spec.containers[0]).toMatchObject({ name: 'app', image: 'busybox:1.36', env: [{ name: 'A', value: '1' }] });
  });
});

describe('ConfigMap and Secret validation (ValidateConfigMap, ValidateSecret)', () => {
  const cm = (name: string, data: Record<string, string>, binaryData?: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data, ...(binaryData ? { binaryData } : {}) });
  it.each([
    ['a key with a slash', cm('k1', { 'a/b': 'x' }), "ConfigMap \"k1\" is invalid: data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"],
    ['a key starting with ..', cm('k2', { '..a': 'x' }), "ConfigMap \"k2\" is invalid: data[..a]: Invalid value: \"..a\": must not start with '..'"],
    ['a key in both data and binaryData', cm('k3', { a: 'x' }, { a: 'eA==' }), 'ConfigMap "k3" is invalid: data[a]: Invalid value: "a": duplicate of key present in binaryData'],
    ['more than 1 MiB of data', cm('k4', { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) }), 'ConfigMap "k4" is invalid: []: Too long: must have at most 1048576 bytes'],
  ])('refuses %s', async (_name, body, message) => {
    const res = await send('post', CMS, JSON_CT, body);
    expect([res.status, res.body.reason, res.body.message]).toEqual([422, 'Invalid', message]);
  });

  it('counts a Secret\'s decoded bytes against the 1 MiB limit', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
    const res = await send('post', SECRETS, JSON_CT, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'big' }, data: { a: big } }));
    expect([res.status, res.body.message]).toEqual([422, 'Secret "big" is invalid: data: Too long: must have at most 1048576 bytes']);
    const ok = await send('post', `${SECRETS}?dryRun=All`, JSON_CT, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'fits' }, data: { a: Buffer.alloc(1024 * 1024).toString('base64') } }));
    expect(ok.status).toBe(201);
  });

  it.each([
    ['kubernetes.io/basic-auth', {}, 'Secret "t1" is invalid: [data[username]: Required value, data[password]: Required value]'],
    ['kubernetes.io/ssh-auth', {}, 'Secret "t1" is invalid: data[ssh-privatekey]: Required value'],
    ['kubernetes.io/tls', { 'tls.crt': 'eA==' }, 'Secret "t1" is invalid: data[tls.key]: Required value'],
  ])('requires the keys of a %s Secret', async (type, data, message) => {
    const res = await send('post', SECRETS, JSON_CT, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', type, metadata: { name: 't1' }, data }));
    expect([res.status, res.body.message]).toEqual([422, message]);
  });

  it('refuses Secret data that is not base64 with encoding/json\'s message, before validation', async () => {
    const res = await send('post', SECRETS, JSON_CT, '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"b64"},"data":{"k":"not base64!"}}');
    expect([res.status, res.body.message]).toEqual([400, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3']);
  });

  it('keeps an immutable ConfigMap\'s binaryData', async () => {
    await send('post', CMS, JSON_CT, cm('frozen', { a: '1' }, { b: 'eA==' }).replace('"metadata"', '"immutable":true,"metadata"'));
    const res = await send('patch', `${CMS}/frozen`, 'application/merge-patch+json', '{"binaryData":{"b":"eQ=="}}');
    expect([res.status, res.body.message]).toEqual([422, 'ConfigMap "frozen" is invalid: binaryData: Forbidden: field is immutable when `immutable` is set']);
  });
});
