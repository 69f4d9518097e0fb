import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { PodVolumeManager, type PodVolumeEvents, TokenManager } from '../../src/kubelet/index.js';
import type { Pod } from '../../src/registry/types.js';
import { FakeObjects, FakeTokenApi, KUBE_API_ACCESS, ROOT_CA, makePod, seededRandom, tempDir } from './fakes.js';

const START = Date.parse('2026-03-01T00:00:00Z');
const S = 1000;
const HOUR = 3600 * S;
const stops: Array<() => void> = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

function node(seed = 1) {
  const { dir, cleanup } = tempDir('kubelet');
  const clock = new ManualClock(START);
  const api = new FakeTokenApi(clock);
  const objects = new FakeObjects();
  objects.configMaps.set('default/kube-root-ca.crt', ROOT_CA);
  const tokenManager = new TokenManager({ getToken: api.getToken, clock, random: seededRandom(seed) });
  const vm = new PodVolumeManager({ rootDir: dir, clock, tokenManager, getConfigMap: objects.getConfigMap, getSecret: objects.getSecret, random: seededRandom(seed + 1) });
  const events = { mounted: [] as PodVolumeEvents['mounted'][], rotated: [] as Array<PodVolumeEvents['rotated'] & { at: number }>, error: [] as Array<PodVolumeEvents['error'] & { at: number }> };
  vm.on('mounted', (e) => events.mounted.push(e));
  vm.on('rotated', (e) => events.rotated.push({ ...e, at: clock.now() }));
  vm.on('error', (e) => events.error.push({ ...e, at: clock.now() }));
  stops.push(() => (vm.stop(), tokenManager.stop(), cleanup()));
  return { dir, clock, api, objects, tokenManager, vm, events };
}

const podUid = makePod().metadata.uid!;
const tsDirs = (dir: string) => readdirSync(dir).filter((n) => /^\.\.\d/.test(n));

describe('PodVolumeManager over 24 hours', () => {
  it('rotates each token between 80 % of its lifetime minus jitter and expiry, swapping ..data atomically', async () => {
    const { dir, clock, api, tokenManager, vm, events } = node();
    const tokens = [
      { volume: KUBE_API_ACCESS.name, path: 'token', audience: null, seconds: 3607 },
      { volume: 'aws-iam-token', path: 'aws/token', audience: 'sts.amazonaws.com', seconds: 86400 },
    ];
    await vm.addPod(makePod());
    expect(events.mounted.map((e) => e.volume)).toEqual(tokens.map((t) => t.volume));
    expect(readFileSync(join(dir, 'pods', podUid, 'volumes/kubernetes.io~projected/kube-api-access-kdlt5/namespace'), 'utf8')).toBe('default');

    // what the previous token and data directory were, per volume; listeners only record (assertions come after)
    const current = new Map(tokens.map((t) => [t.volume, { exp: Date.parse(api.latest(t.audience)!.status.expirationTimestamp!), dataDir: readlinkSync(join(vm.volumeDir(podUid, t.volume), '..data')) }]));
    const observed: Array<{ volume: string; seconds: number; at: number; previousExp: number; before: string; after: string; dirs: string[]; file: string; issued: string }> = [];
    vm.on('rotated', (e) => {
      const t = tokens.find((x) => x.volume === e.volume)!;
      const volDir = vm.volumeDir(podUid, e.volume);
      const previous = current.get(e.volume)!;
      const after = readlinkSync(join(volDir, '..data'));
      observed.push({ volume: e.volume, seconds: t.seconds, at: clock.now(), previousExp: previous.exp, before: previous.dataDir, after, dirs: tsDirs(volDir), file: readFileSync(join(volDir, t.path), 'utf8'), issued: api.latest(t.audience)!.status.token });
      current.set(e.volume, { exp: Date.parse(e.expirationTimestamp!), dataDir: after });
    });

    await clock.advance(24 * HOUR);

    const count = (v: string) => observed.filter((o) => o.volume === v).length;
    expect(count(KUBE_API_ACCESS.name)).toBeGreaterThanOrEqual(29);
    expect(count(KUBE_API_ACCESS.name)).toBeLessThanOrEqual(30);
    expect(count('aws-iam-token')).toBe(1);
    expect(api.calls).toHaveLength(2 + observed.length);
    for (const o of observed) {
      const threshold = Math.min(o.previousExp - o.seconds * S + 24 * HOUR, o.previousExp - Math.trunc((o.seconds * 20) / 100) * S);
      expect(o.at).toBeGreaterThan(threshold - 9 * S);
      expect(o.at).toBeLessThanOrEqual(threshold + 1);
      expect(o.at).toBeLessThan(o.previousExp);
      expect(o.after).not.toBe(o.before);
      // the current directory, plus at most the one it just replaced (kept for a grace second)
      expect(o.dirs).toContain(o.after);
      expect(o.dirs.filter((d) => d !== o.after && d !== o.before)).toEqual([]);
      expect(o.file).toBe(o.issued);
    }
    const aws = observed.find((o) => o.volume === 'aws-iam-token')!;
    expect((aws.at - START) / HOUR).toBeCloseTo(19.2, 1);

    await vm.removePod(podUid);
    expect(existsSync(join(dir, 'pods', podUid))).toBe(false);
    expect([tokenManager.size, vm.size]).toEqual([0, 0]);
    const calls = api.calls.length;
    await clock.advance(24 * HOUR);
    expect(api.calls).toHaveLength(calls);
    expect(clock.pending()).toBe(1); // the token manager's clean-up only
  });
});

describe('PodVolumeManager when the API fails', () => {
  it('keeps the old token and retries with backoff from 1 s doubling to a minute, then rotates before expiry', async () => {
    const { clock, api, vm, events } = node();
    await vm.addPod(makePod());
    const first = api.latest(null)!;
    const exp = Date.parse(first.status.expirationTimestamp!);
    const latest = exp - 721 * S + 1;
    await clock.advance(2800 * S);
    api.failWith = new Error('the server is currently unable to handle the request');
    await clock.advance(latest + 5 * 60 * S - clock.now());
    const after = api.calls.filter((c) => c.tr.spec.audiences === null && c.at >= latest).map((c) => (c.at - latest) / S);
    expect(after).toEqual([0, 1, 3, 7, 15, 31, 63, 123, 183, 243, 303].filter((t) => t <= 300));
    expect(readFileSync(join(vm.volumeDir(podUid, KUBE_API_ACCESS.name), 'token'), 'utf8')).toBe(first.status.token);
    expect(events.error).toEqual([]);

    api.failWith = undefined;
    await clock.advance(60 * S);
    expect(events.rotated).toHaveLength(1);
    expect(events.rotated[0]!.at).toBe(latest + 303 * S);
    expect(events.rotated[0]!.at).toBeLessThan(exp);
    expect(vm.nextSyncAt(podUid)).toBe(tokenManagerEarliest(api.latest(null)!.status.expirationTimestamp!, 3607));
  });

  it('reports "expired and refresh failed" once the old token expired, and keeps retrying each minute', async () => {
    const { clock, api, vm, events } = node();
    await vm.addPod(makePod());
    const exp = Date.parse(api.latest(null)!.status.expirationTimestamp!);
    api.failWith = new Error('boom');
    await clock.advance(exp - START + 3 * 60 * S);
    expect(events.error.length).toBeGreaterThanOrEqual(3);
    expect(events.error.every((e) => e.at > exp && e.retryInMs === 60 * S)).toBe(true);
    expect(events.error[0]).toMatchObject({
      podUid,
      volume: KUBE_API_ACCESS.name,
      error: { code: 'ERR_VOLUME_SETUP' },
      message:
        'MountVolume.SetUp failed for volume "kube-api-access-kdlt5" : token "default"/"default"/[]string(nil)/3607/' +
        `v1.BoundObjectReference{Kind:"Pod", APIVersion:"v1", Name:"web", UID:"${podUid}"}/"" expired and refresh failed: boom`,
    });
  });

  it('mounts nothing while the first token cannot be fetched, and mounts once it can', async () => {
    const { clock, api, vm, events } = node();
    api.failWith = new Error('connection refused');
    await vm.addPod(makePod());
    expect(events.error.map((e) => [e.volume, e.message, e.retryInMs])).toEqual([
      [KUBE_API_ACCESS.name, 'MountVolume.SetUp failed for volume "kube-api-access-kdlt5" : failed to fetch token: connection refused', 1000],
      ['aws-iam-token', 'MountVolume.SetUp failed for volume "aws-iam-token" : failed to fetch token: connection refused', 1000],
    ]);
    expect(existsSync(vm.volumeDir(podUid, KUBE_API_ACCESS.name))).toBe(false);
    api.failWith = undefined;
    await clock.advance(1 * S);
    expect(events.mounted.map((e) => e.volume)).toEqual([KUBE_API_ACCESS.name, 'aws-iam-token']);
  });
});

describe('PodVolumeManager pod changes', () => {
  const labelled = (labels: Record<string, string>, volumes = [KUBE_API_ACCESS, { name: 'podinfo', projected: { sources: [{ downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } }]): Pod =>
    makePod({ labels, spec: { volumes } });

  it('rewrites downward API files when the pod is updated', async () => {
    const { vm } = node();
    await vm.addPod(labelled({ app: 'web' }));
    await vm.updatePod(labelled({ app: 'web', version: 'v2' }));
    expect(readFileSync(join(vm.volumeDir(podUid, 'podinfo'), 'labels'), 'utf8')).toBe('app="web"\nversion="v2"');
  });

  it('tears down a volume that left the pod spec', async () => {
    const { vm } = node();
    await vm.addPod(labelled({ app: 'web' }));
    await vm.updatePod(labelled({ app: 'web' }, [KUBE_API_ACCESS]));
    expect(existsSync(vm.volumeDir(podUid, 'podinfo'))).toBe(false);
    expect(existsSync(vm.volumeDir(podUid, KUBE_API_ACCESS.name))).toBe(true);
  });

  it('runs an update that arrives during a sync right after it, with the new pod', async () => {
    const { api, vm } = node();
    let release!: () => void;
    api.gate = new Promise((r) => (release = r));
    const adding = vm.addPod(labelled({ app: 'web' }));
    const updating = vm.updatePod(labelled({ app: 'api' }));
    release();
    await Promise.all([adding, updating]);
    expect(readFileSync(join(vm.volumeDir(podUid, 'podinfo'), 'labels'), 'utf8')).toBe('app="api"');
  });

  it('writes nothing and forgets the tokens when the pod is removed during a token request', async () => {
    const { dir, api, tokenManager, vm, events } = node();
    let release!: () => void;
    api.gate = new Promise((r) => (release = r));
    const adding = vm.addPod(makePod());
    const removing = vm.removePod(podUid);
    release();
    await Promise.all([adding, removing]);
    expect(existsSync(join(dir, 'pods', podUid))).toBe(false);
    expect(events.mounted).toEqual([]);
    expect(tokenManager.size).toBe(0);
  });

  it.each([
    { name: 'refuses a pod UID that would leave the pods directory', uid: '../../etc' },
    { name: 'refuses an empty pod UID', uid: '' },
  ])('$name', async ({ uid }) => {
    const { vm } = node();
    expect(() => vm.addPod(makePod({ uid }))).toThrow(/invalid pod UID/);
  });
});

describe('PodVolumeManager at scale', () => {
  it('keeps 500 pods on one resync timer and rotates each once in the first hour', async () => {
    const { clock, api, vm, events } = node();
    for (let i = 0; i < 500; i++) await vm.addPod(makePod({ uid: `pod-${i}`, name: `web-${i}`, spec: { volumes: [KUBE_API_ACCESS] } }));
    expect(clock.pending()).toBe(2); // the resync queue and the token manager's clean-up
    await clock.advance(HOUR);
    expect(events.rotated).toHaveLength(500);
    expect(api.calls).toHaveLength(1000);
    expect(clock.pending()).toBe(2);
  });
});

/** The first instant a 3607 s token issued with this expiry may refresh: exp − 721 s − 9 s + 1 ms. */
function tokenManagerEarliest(expirationTimestamp: string, seconds: number): number {
  return Date.parse(expirationTimestamp) - Math.trunc((seconds * 20) / 100) * S - 9 * S + 1;
}
