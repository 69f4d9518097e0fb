/**
 * Fuzzing the in-process API server (issue 12): random paths, query strings, headers, content
 * types and bodies (JSON, YAML, protobuf with the `k8s\0` magic, every patch type), as an
 * anonymous caller, a service account and the admin. Properties:
 * - no 5xx, except the ones kube-apiserver answers too ({@link KUBERNETES_5XX});
 * - the server still answers `/readyz` afterwards;
 * - `Object.prototype` is untouched;
 * - the heap comes back near where it started.
 * Seeded and bounded for CI (`FUZZ_RUNS`, default 2000; `FUZZ_SEED`, default 1207); a longer run:
 * `FUZZ_RUNS=20000 npx vitest run test/fuzz`.
 */
import { Agent, request as httpRequest, type Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/api/server.js';
import { controlPlaneOf, type Emulator } from '../../src/emulator.js';
import { ADMIN_TOKEN, appFixture } from '../helpers/app.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 1207);

/**
 * Requests kube-apiserver itself answers with a 5xx, so the fuzz accepts them:
 * - `/api/v1/watch` or `/apis/<g>/<v>/watch` (or `/proxy`) with nothing after it:
 *   WithRequestInfo's "unable to determine kind and namespace from url" (plain-text 500);
 * - a namespace of `.` or `..` (`/api/v1/namespaces/./pods`, also `%2E`): etcd3's
 *   `store.prepareKey` refuses the key with a plain error, answered as a 500 InternalError
 *   (`invalid key: "/pods/."`); a create there is refused earlier (the namespace does not exist);
 * - Impersonate-Group, -Extra-* or -Uid without Impersonate-User: WithImpersonation's
 *   "requested [...] without impersonating a user" (plain-text 500, responsewriters.InternalError).
 *   A value of spaces is no user: Go's textproto (and Node's parser) trim a header value's
 *   surrounding spaces and tabs, so `Impersonate-User: " "` arrives empty on both servers.
 */
/** A path segment as Go's unescaping leaves it (undefined when it is not valid). */
function decodeSegment(segment: string | undefined): string | undefined {
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function kubernetesAnswers5xx(r: Req): boolean {
  const parts = r.path.split('?')[0]!.replace(/^\/+|\/+$/g, '').split('/');
  const afterVersion = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : [];
  if ((afterVersion[0] === 'watch' || afterVersion[0] === 'proxy') && afterVersion.length < 2) return true;
  const nsAt = afterVersion[0] === 'watch' ? 1 : 0;
  const ns = afterVersion[nsAt] === 'namespaces' ? decodeSegment(afterVersion[nsAt + 1]) : undefined;
  if ((ns === '.' || ns === '..') && afterVersion.length > nsAt + 2 && r.method !== 'POST') return true;
  const names = Object.keys(r.headers).map((h) => h.toLowerCase());
  const hasUser = Object.entries(r.headers).some(([h, v]) => h.toLowerCase() === 'impersonate-user' && v.replace(/^[ \t]+|[ \t]+$/g, '') !== '');
  return !hasUser && names.some((h) => h === 'impersonate-group' || h === 'impersonate-uid' || h.startsWith('impersonate-extra-'));
}

let emu: Emulator;
let server: Server;
let port: number;
let saToken: string;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
beforeAll(async () => {
  ({ emu } = await appFixture());
  ({ server, port } = await buildApiServer(controlPlaneOf(emu), { maxWatchesPerUser: 4 }).listen(0, '127.0.0.1'));
  saToken = (await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } })).status.token;
});
afterAll(async () => {
  agent.destroy();
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await emu.close();
});

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** Sends one request; a streaming answer (a watch) is cut once its status is known. */
function send(r: Req): Promise<number> {
  return new Promise((ok, fail) => {
    // Node sends a DELETE's body without a length unless told: say it, as real clients do
    const headers = r.body ? { ...r.headers, 'Content-Length': String(r.body.length) } : r.headers;
    const req = httpRequest({ host: '127.0.0.1', port, method: r.method, path: r.path, headers, agent }, (res) => {
      const status = res.statusCode ?? 0;
      if (res.headers['transfer-encoding'] === 'chunked' && status === 200) {
        req.destroy();
        return ok(status);
      }
      res.resume();
      res.on('end', () => ok(status));
      res.on('error', () => ok(status));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${r.method} ${r.path}`)));
    req.on('error', fail);
    req.end(r.body);
  });
}

const hostileSegments = ['%ff', '%zz', '%', '%2F', '%2e%2e', '..', '.', '__proto__', 'constructor', 'prototype', 'a'.repeat(300), '%00', 'é', '%C3%A9', '%e0%a4', 'null', ' ', '%20', '*', 'watch', 'proxy', 'status', 'token', 'scale', 'finalize'];
const segment = fc.oneof(
  fc.constantFrom('default', 'kube-system', 'web-0', 'build-robot', 'node-1', 'creds', 'x', ...hostileSegments),
  fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const resources = ['pods', 'serviceaccounts', 'secrets', 'configmaps', 'namespaces', 'nodes', 'events', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'deployments', 'jobs', 'tokenreviews', 'selfsubjectaccessreviews', 'subjectaccessreviews', 'selfsubjectrulesreviews', 'localsubjectaccessreviews', 'selfsubjectreviews', 'leases', 'services'];
const prefix = fc.constantFrom('/api/v1', '/apis/rbac.authorization.k8s.io/v1', '/apis/authentication.k8s.io/v1', '/apis/authorization.k8s.io/v1', '/apis/apps/v1', '/apis/batch/v1', '/apis/coordination.k8s.io/v1', '/apis/extensions/v1beta1', '/api', '/apis', '/API/v1', '/apis/x');
const resourcePath = fc
  .tuple(prefix, fc.option(segment, { nil: undefined }), fc.constantFrom(...resources), fc.array(segment, { maxLength: 3 }), fc.boolean())
  .map(([p, ns, r, rest, slash]) => `${p}${ns !== undefined ? `/namespaces/${ns}` : ''}/${r}${rest.map((s) => `/${s}`).join('')}${slash ? '/' : ''}`);
const fixedPath = fc.constantFrom('/healthz', '/livez', '/readyz', '/metrics', '/version', '/openid/v1/jwks', '/.well-known/openid-configuration', '/openapi/v3', '/openapi/v3/api/v1', '/openapi/v3/apis/apps/v1', '/api/v1/watch', '/api/v1/watch/pods', '/serviceaccounts/build-robot/token', '/OpenID/v1/jwks', '/openid/v1/jwks/', '/', '//', '/%ff', '/api/v1/namespaces/default/pods/web-0/status');
const path = fc.oneof({ weight: 5, arbitrary: resourcePath }, { weight: 2, arbitrary: fixedPath }, { weight: 1, arbitrary: fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`) });

const queryKeys = ['watch', 'limit', 'continue', 'labelSelector', 'fieldSelector', 'dryRun', 'fieldValidation', 'timeoutSeconds', 'resourceVersion', 'namespace', 'allowWatchBookmarks', 'sendInitialEvents', 'includeObject', 'fieldManager', 'force', '__proto__', 'constructor'];
const queryValue = fc.oneof(fc.constantFrom('true', '1', 'false', '0', 'All', 'Strict', 'Warn', 'Ignore', 'x', '-1', '9999999999999999999999', 'metadata.name=web-0', 'spec.nodeName=node-1', 'a=b,c!=d', 'a in (b', '%zz', '', 'e30'), fc.string({ maxLength: 20 }).map(encodeURIComponent));
const query = fc.array(fc.tuple(fc.constantFrom(...queryKeys), queryValue), { maxLength: 4 }).map((q) => (q.length ? `?${q.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 10 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'kind', 'apiVersion', 'metadata', 'spec', 'status', 'name', 'namespace', 'containers', 'rules', 'token', 'audiences', '$patch', '$retainKeys'), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 5 }),
})).value;
const objectBody = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'rbac.authorization.k8s.io/v1', 'authentication.k8s.io/v1', 'authorization.k8s.io/v1', 'x/y/z', ''),
    kind: fc.constantFrom('Pod', 'ServiceAccount', 'Secret', 'ConfigMap', 'Role', 'TokenReview', 'TokenRequest', 'SelfSubjectAccessReview', 'Deployment', 'Nope'),
    metadata: fc.oneof(fc.record({ name: segment.map(decodeSafe), namespace: fc.constantFrom('default', 'other', '') }, { requiredKeys: [] }), jsonValue),
    spec: jsonValue,
    data: jsonValue,
  },
  { requiredKeys: [] },
);
function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
const deep = fc.integer({ min: 1, max: 12_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const deepObject = fc.integer({ min: 1, max: 12_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n));
const yaml = fc.constantFrom(
  'kind: Pod\napiVersion: v1\nmetadata: {name: y1}\nspec: {containers: [{name: a, image: b}]}\n',
  'a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n',
  'a: &a [*a]\n',
  'a: !!binary aGVsbG8=\nb: !!set {x}\nc: !custom v\n',
  '__proto__: {polluted: true}\nconstructor: {prototype: {polluted: true}}\n',
  '- a\n- b\n',
  'a: [\n',
  'x: &a1 [1,2]\ny: &a2 [*a1,*a1,*a1,*a1]\nz: &a3 [*a2,*a2,*a2,*a2]\nw: [*a3,*a3,*a3,*a3,*a3]\n',
  '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"y2"},"stringData":{"k":"v"}}',
);
const protobuf = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), Buffer.from(b)]));
const jsonPatch = fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'nope'), path: fc.constantFrom('', '/', '/metadata', '/metadata/labels/a', '/spec/containers/0', '/__proto__/x', '/constructor/prototype/x', '/a~1b', '/-'), value: jsonValue, from: fc.constantFrom('/metadata', '/spec') }, { requiredKeys: ['op', 'path'] }), { maxLength: 4 });

type Body = { contentType: string | undefined; body: Buffer | undefined };
const body: fc.Arbitrary<Body> = fc.oneof(
  fc.constant<Body>({ contentType: undefined, body: undefined }),
  fc.tuple(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'), fc.oneof(objectBody, jsonValue)).map(([contentType, v]) => ({ contentType, body: Buffer.from(JSON.stringify(v)) })),
  fc.tuple(fc.constantFrom('application/json', 'application/merge-patch+json', 'application/json-patch+json'), fc.oneof(deep, deepObject)).map(([contentType, v]) => ({ contentType, body: Buffer.from(v) })),
  jsonPatch.map((p) => ({ contentType: 'application/json-patch+json', body: Buffer.from(JSON.stringify(p)) })),
  yaml.map((y) => ({ contentType: 'application/yaml', body: Buffer.from(y) })),
  yaml.map((y) => ({ contentType: 'application/apply-patch+yaml', body: Buffer.from(y) })),
  protobuf.map((b) => ({ contentType: 'application/vnd.kubernetes.protobuf', body: b })),
  fc.tuple(fc.constantFrom('text/plain', 'application/xml', '', ';;;', 'application/json;q=x', 'multipart/form-data; boundary=x'), fc.uint8Array({ maxLength: 64 })).map(([contentType, b]) => ({ contentType, body: Buffer.from(b) })),
  fc.string({ maxLength: 64 }).map((s) => ({ contentType: 'application/json', body: Buffer.from(s) })),
);

const who = fc.constantFrom<'anonymous' | 'serviceaccount' | 'admin' | 'garbage'>('anonymous', 'anonymous', 'serviceaccount', 'serviceaccount', 'admin', 'admin', 'admin', 'admin', 'garbage');
const impersonation = fc.oneof(
  { weight: 9, arbitrary: fc.constant<Array<[string, string]>>([]) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom<[string, string]>(['Impersonate-User', 'system:serviceaccount:default:build-robot'], ['Impersonate-User', 'jane'], ['Impersonate-Group', 'system:masters'], ['Impersonate-Uid', 'x'], ['Impersonate-Extra-%zz', 'y']), fc.tuple(fc.constantFrom('Impersonate-User', 'Impersonate-Group'), fc.stringMatching(/^[ -~]{0,20}$/))), { minLength: 1, maxLength: 3 }) },
);
const extraHeaders = fc
  .tuple(
    impersonation,
    fc.array(fc.oneof(fc.constantFrom<[string, string]>(['Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io'], ['Accept', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'], ['Accept', 'application/vnd.kubernetes.protobuf']), fc.tuple(fc.constantFrom('Accept', 'X-Other'), fc.stringMatching(/^[ -~]{0,20}$/))), { maxLength: 2 }),
  )
  .map(([a, b]) => [...a, ...b]);

const request: fc.Arbitrary<Req> = fc
  .record({ method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), path, query, body, who, extra: extraHeaders })
  .map(({ method, path, query, body, who, extra }) => {
    const headers: Record<string, string> = {};
    if (who === 'admin') headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
    if (who === 'serviceaccount') headers.Authorization = `Bearer ${saToken}`;
    if (who === 'garbage') headers.Authorization = 'Bearer a.b.c extra';
    for (const [k, v] of extra) headers[k] = v;
    if (body.contentType !== undefined) headers['Content-Type'] = body.contentType;
    return { method, path: `${path}${query}`.replace(/[ \x00-\x1f\x7f]/g, encodeURIComponent), headers, body: method === 'GET' || method === 'HEAD' ? undefined : body.body };
  });

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('fuzzing the API server', () => {
  it(`answers ${RUNS} random requests without a 5xx Kubernetes would not give, and stays healthy`, async () => {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const statuses = new Map<number, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const status = await send(r);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500 && !kubernetesAnswers5xx(r)) throw new Error(`${r.method} ${r.path} answered ${status}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz: ${RUNS} requests in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await send({ method: 'GET', path: '/readyz', headers: {}, body: undefined })).toBe(200);
    gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(grown, `heap grew by ${(grown / 1e6).toFixed(1)} MB`).toBeLessThan(64 * 1024 * 1024);
  }, 300_000);
});
