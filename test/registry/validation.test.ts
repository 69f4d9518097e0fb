import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { fixture } from '../helpers/emulator.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await fixture();
});
afterAll(() => emu.close());

const b64 = (s: string) => Buffer.from(s).toString('base64');
const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } });

describe('per-kind validation with Kubernetes messages', () => {
  it.each([
    ['a dockerconfigjson secret without its key', { type: 'kubernetes.io/dockerconfigjson', data: {} }, 'Secret "s1" is invalid: data[.dockerconfigjson]: Required value'],
    ['a dockerconfigjson secret that is not JSON', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{nope') } }, /^Secret "s2" is invalid: data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /],
    ['a dockercfg secret without its key', { type: 'kubernetes.io/dockercfg', data: {} }, 'Secret "s3" is invalid: data[.dockercfg]: Required value'],
    ['data that is not base64', { data: { k: '!!!' } }, 'Secret "s4" is invalid: data[k]: Invalid value: "<secret contents redacted>": illegal base64 data'],
  ])('refuses %s', async (_n, body, message) => {
    const name = `s${['a dockerconfigjson secret without its key', 'a dockerconfigjson secret that is not JSON', 'a dockercfg secret without its key', 'data that is not base64'].indexOf(_n) + 1}`;
    await expect(emu.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, ...body })).rejects.toThrow(message);
  });

  it('accepts a valid dockerconfigjson secret', async () => {
    const [s] = await emu.apply({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'regcred', namespace: 'default' }, data: { '.dockerconfigjson': b64('{"auths":{}}') } });
    expect(s!.metadata.uid).toBeDefined();
  });

  it.each([
    [{ securityContext: { runAsUser: -1 } }, 'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive'],
    [{ securityContext: { fsGroup: 2147483648 } }, 'spec.securityContext.fsGroup: Invalid value: 2147483648: must be between 0 and 2147483647, inclusive'],
    [{ containers: [{ name: 'app', image: 'busybox', securityContext: { runAsGroup: -5 } }] }, 'spec.containers[0].securityContext.runAsGroup: Invalid value: -5: must be between 0 and 2147483647, inclusive'],
    [{ containers: [] }, 'spec.containers: Required value'],
  ])('refuses a pod with %j', async (spec, message) => {
    await expect(emu.apply(pod('bad', spec))).rejects.toThrow(`Pod "bad" is invalid: ${message}`);
  });

  it('does not let a pod change its service account (delete and recreate instead)', async () => {
    await emu.apply(pod('pinned', { serviceAccountName: 'build-robot' }));
    await expect(emu.apply(pod('pinned', { serviceAccountName: 'default' }))).rejects.toThrow(/^Pod "pinned" is invalid: spec: Forbidden: pod updates may not change fields/);
  });
});

describe('ServiceAccount admission (§7)', () => {
  it('mounts kube-api-access in a pod that names no service account, as default', async () => {
    const [p] = await emu.apply(pod('plain', {}));
    const spec = (p as unknown as { spec: { serviceAccountName: string; volumes: Array<{ name: string }>; containers: Array<{ volumeMounts: unknown[] }> } }).spec;
    expect(spec.serviceAccountName).toBe('default');
    expect(spec.volumes[0]!.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(spec.containers[0]!.volumeMounts).toEqual([{ name: spec.volumes[0]!.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
  });

  it.each([
    ['the pod opts out', { automountServiceAccountToken: false }, undefined, false],
    ['the service account opts out', {}, false, false],
    ['the pod opts in over its service account', { automountServiceAccountToken: true }, false, true],
  ])('follows automount precedence when %s', async (_n, podSpec, saAutomount, mounted) => {
    const sa = `sa-${String(saAutomount)}-${String((podSpec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken)}`;
    await emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: 'default' }, ...(saAutomount === undefined ? {} : { automountServiceAccountToken: saAutomount }) });
    const [p] = await emu.apply(pod(`p-${sa}`, { serviceAccountName: sa, ...podSpec }));
    expect(((p as unknown as { spec: { volumes?: unknown[] } }).spec.volumes ?? []).length > 0).toBe(mounted);
  });

  it('copies imagePullSecrets from the service account only when the pod has none', async () => {
    await emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'puller', namespace: 'default' }, imagePullSecrets: [{ name: 'regcred' }] });
    const [a] = await emu.apply(pod('pull-a', { serviceAccountName: 'puller' }));
    const [b] = await emu.apply(pod('pull-b', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'own' }] }));
    expect((a as unknown as { spec: { imagePullSecrets: unknown } }).spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect((b as unknown as { spec: { imagePullSecrets: unknown } }).spec.imagePullSecrets).toEqual([{ name: 'own' }]);
  });

  it('refuses a pod whose service account does not exist, with Kubernetes\' message', async () => {
    await expect(emu.apply(pod('orphan', { serviceAccountName: 'ghost' }))).rejects.toThrow('pods "orphan" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');
  });
});
