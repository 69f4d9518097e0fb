import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { errors } from '../../src/errors/index.js';
import { collectProjectedVolume, extractPodField, fsUserFrom, setUpProjectedVolume } from '../../src/kubelet/index.js';
import type { Pod, Volume } from '../../src/registry/types.js';
import { AWS_IDENTITY, FakeObjects, FakeTokenApi, KUBE_API_ACCESS, ROOT_CA, makePod, tempDir } from './fakes.js';

const START = Date.parse('2026-03-01T00:00:00Z');
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function deps() {
  const clock = new ManualClock(START);
  const api = new FakeTokenApi(clock);
  const objects = new FakeObjects();
  objects.configMaps.set('default/kube-root-ca.crt', ROOT_CA);
  return { clock, api, objects, getters: { getToken: api.getToken, getConfigMap: objects.getConfigMap, getSecret: objects.getSecret } };
}

const text = (m: Map<string, { data: Buffer }>, p: string) => m.get(p)?.data.toString('utf8');

describe('collectProjectedVolume', () => {
  it('projects the kube-api-access volume: token, ca.crt and namespace, mode 0644', async () => {
    const { api, getters } = deps();
    const { payload, tokens } = await collectProjectedVolume(makePod(), KUBE_API_ACCESS, getters);
    expect([...payload.keys()]).toEqual(['token', 'ca.crt', 'namespace']);
    expect([...payload.values()].map((f) => f.mode)).toEqual([0o644, 0o644, 0o644]);
    expect(text(payload, 'namespace')).toBe('default');
    expect(text(payload, 'ca.crt')).toBe(ROOT_CA.data!['ca.crt']);
    expect(text(payload, 'token')).toBe(tokens[0]!.tokenRequest.status.token);
    expect(api.calls[0]).toMatchObject({
      namespace: 'default',
      name: 'default',
      tr: { metadata: {}, spec: { audiences: null, expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: makePod().metadata.uid } } },
    });
  });

  it.each([
    { name: 'asks for [audience] when the source names one', volume: AWS_IDENTITY, audiences: ['sts.amazonaws.com'], seconds: 86400 },
    { name: 'defaults expirationSeconds to 3600', volume: { name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }, audiences: null, seconds: 3600 },
    { name: 'treats an empty audience as none', volume: { name: 'v', projected: { sources: [{ serviceAccountToken: { audience: '', path: 't' } }] } }, audiences: null, seconds: 3600 },
  ])('$name', async ({ volume, audiences, seconds }) => {
    const { api, getters } = deps();
    await collectProjectedVolume(makePod(), volume, getters);
    expect(api.calls[0]!.tr.spec).toMatchObject({ audiences, expirationSeconds: seconds });
  });

  const configMapVolume = (name: string, optional: boolean, key = 'ca.crt'): Volume => ({ name: 'v', projected: { sources: [{ configMap: { name, optional, items: [{ key, path: 'f' }] } }] } });
  it.each([
    { name: 'fails on a missing ConfigMap', volume: configMapVolume('nope', false), message: 'configmaps "nope" not found' },
    { name: 'fails on a missing ConfigMap key', volume: configMapVolume('kube-root-ca.crt', false, 'x'), message: 'configmap references non-existent config key: x' },
    { name: 'fails on a missing Secret key', volume: { name: 'v', projected: { sources: [{ secret: { name: 's', items: [{ key: 'x', path: 'f' }] } }] } }, message: 'references non-existent secret key: x' },
    {
      name: 'aggregates every failing source',
      volume: { name: 'v', projected: { sources: [{ configMap: { name: 'a' } }, { secret: { name: 'b' } }, { downwardAPI: { items: [{ path: 'p', fieldRef: { fieldPath: 'status.podIP' } }] } }] } },
      message: '[configmaps "a" not found, secrets "b" not found, unsupported fieldPath: status.podIP]',
    },
  ])('$name', async ({ volume, message }) => {
    const { getters, objects } = deps();
    objects.secrets.set('default/s', { metadata: { name: 's' }, data: {} });
    await expect(collectProjectedVolume(makePod(), volume, getters)).rejects.toMatchObject({ code: 'ERR_VOLUME_SETUP', message });
  });

  it.each([
    { name: 'skips a missing optional ConfigMap', volume: configMapVolume('nope', true), getter: undefined },
    { name: 'skips a missing key of an optional ConfigMap', volume: configMapVolume('kube-root-ca.crt', true, 'x'), getter: undefined },
    { name: 'skips an optional ConfigMap whose getter throws NotFound', volume: configMapVolume('nope', true), getter: async () => { throw errors.notFound('configmaps', 'nope'); } },
  ])('$name', async ({ volume, getter }) => {
    const { getters } = deps();
    const { payload } = await collectProjectedVolume(makePod(), volume, getter ? { ...getters, getConfigMap: getter } : getters);
    expect(payload.size).toBe(0);
  });

  it('decodes Secret data and honours item modes', async () => {
    const { getters, objects } = deps();
    objects.secrets.set('default/tls', { metadata: { name: 'tls' }, data: { 'tls.crt': Buffer.from('CRT').toString('base64'), 'tls.key': Buffer.from('KEY').toString('base64') } });
    const volume = { name: 'v', projected: { defaultMode: 0o440, sources: [{ secret: { name: 'tls', items: [{ key: 'tls.key', path: 'key', mode: 0o400 }, { key: 'tls.crt', path: 'crt' }] } }] } };
    const { payload } = await collectProjectedVolume(makePod(), volume, getters);
    expect([...payload].map(([p, f]) => [p, f.data.toString(), f.mode])).toEqual([['key', 'KEY', 0o400], ['crt', 'CRT', 0o440]]);
  });
});

describe('downward API fields', () => {
  const pod = makePod({ labels: { tier: 'front', app: 'web' } });
  pod.metadata.annotations = { note: 'say "hi"\n' };
  it.each([
    { field: 'metadata.namespace', value: 'default' },
    { field: 'metadata.name', value: 'web' },
    { field: 'metadata.uid', value: pod.metadata.uid },
    { field: 'metadata.labels', value: 'app="web"\ntier="front"' },
    { field: 'metadata.annotations', value: 'note="say \\"hi\\"\\n"' },
    { field: "metadata.labels['tier']", value: 'front' },
    { field: 'spec.serviceAccountName', value: 'default' },
    { field: 'spec.nodeName', value: 'node-1' },
  ])('reads $field', ({ field, value }) => {
    expect(extractPodField(pod, field)).toBe(value);
  });

  it.each([
    { field: 'status.podIP', message: 'unsupported fieldPath: status.podIP' },
    { field: "metadata.name['x']", message: `fieldPath "metadata.name['x']" does not support subscript` },
  ])('refuses $field', ({ field, message }) => {
    expect(() => extractPodField(pod, field)).toThrow(message);
  });
});

describe('fsUserFrom', () => {
  const sc = (runAsUser?: number) => (runAsUser === undefined ? {} : { securityContext: { runAsUser } });
  it.each([
    { name: 'takes the pod runAsUser', podUser: 1000, containers: [undefined, undefined], init: [], fsUser: 1000 },
    { name: 'takes the containers runAsUser when all agree', podUser: undefined, containers: [2000, 2000], init: [2000], fsUser: 2000 },
    { name: 'lets a container override the pod', podUser: 1000, containers: [3000], init: [], fsUser: 3000 },
    { name: 'has none when containers disagree', podUser: 1000, containers: [1000, 2000], init: [], fsUser: undefined },
    { name: 'has none when an init container disagrees', podUser: 1000, containers: [undefined], init: [0], fsUser: undefined },
    { name: 'has none when a container has no user', podUser: undefined, containers: [1000, undefined], init: [], fsUser: undefined },
  ])('$name', ({ podUser, containers, init, fsUser }) => {
    const pod: Pod = makePod({
      spec: {
        securityContext: podUser === undefined ? {} : { runAsUser: podUser },
        containers: containers.map((u, i) => ({ name: `c${i}`, ...sc(u) })),
        initContainers: init.map((u, i) => ({ name: `i${i}`, ...sc(u) })),
        ephemeralContainers: [{ name: 'debug', securityContext: { runAsUser: 4242 } }],
      },
    });
    expect(fsUserFrom(pod)).toBe(fsUser);
  });
});

describe('token file ownership and permissions (e2e "should set ownership and permission when RunAsUser or FsGroup is present")', () => {
  const asRoot = process.getuid?.() === 0;
  it.each([
    { name: 'runAsUser 1000: -rw------- 1000:0', runAsUser: 1000, fsGroup: undefined, perms: 0o600, uid: 1000, gid: 0 },
    { name: 'fsGroup 10000: -rw-r----- 0:10000', runAsUser: undefined, fsGroup: 10000, perms: 0o640, uid: 0, gid: 10000 },
    { name: 'runAsUser 1000 and fsGroup 10000: -rw-r----- 1000:10000', runAsUser: 1000, fsGroup: 10000, perms: 0o640, uid: 1000, gid: 10000 },
    { name: 'neither: -rw-r--r-- 0:0', runAsUser: undefined, fsGroup: undefined, perms: 0o644, uid: 0, gid: 0 },
  ])('$name', async ({ runAsUser, fsGroup, perms, uid, gid }) => {
    const { dir, cleanup } = tempDir('projected');
    cleanups.push(cleanup);
    const { clock, getters } = deps();
    const securityContext = { ...(runAsUser === undefined ? {} : { runAsUser }), ...(fsGroup === undefined ? {} : { fsGroup }) };
    const pod = makePod({ spec: { securityContext } });
    const volDir = join(dir, 'kube-api-access');
    await setUpProjectedVolume(pod, KUBE_API_ACCESS, volDir, getters, { clock });
    const token = statSync(join(volDir, 'token'));
    expect(token.mode & 0o777).toBe(perms);
    if (asRoot) expect([token.uid, token.gid]).toEqual([uid, gid]);
    for (const other of ['ca.crt', 'namespace']) expect(statSync(join(volDir, other)).mode & 0o777).toBe(0o644);
    if (fsGroup !== undefined) expect(statSync(join(volDir, '..data')).mode & 0o7777).toBe(0o2755);
  });
});
