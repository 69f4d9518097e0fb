import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryNodeRestrictionDeps } from '../../../src/auth/admission/node-restriction-registry.js';
import { registryNodeGraph } from '../../../src/auth/authorizer/node-graph-registry.js';
import { controlPlaneOf, createEmulator, type Emulator } from '../../../src/emulator.js';
import type { ResourceInfo } from '../../../src/registry/kinds.js';
import type { KubeObject } from '../../../src/registry/types.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await createEmulator({ clock: 'manual' });
  await emu.apply([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'default' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'default' }, spec: { serviceAccountName: 'app', nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'default' }, spec: { serviceAccountName: 'app', nodeName: 'n2', containers: [{ name: 'c', image: 'i' }] } },
  ]);
});
afterAll(() => emu.close());

describe('the registry behind NodeRestriction and the Node authorizer', () => {
  it('finds pods and nodes by name, and nothing of kinds it does not serve', async () => {
    const deps = registryNodeRestrictionDeps(controlPlaneOf(emu).objects);
    expect((await deps.getPod('default', 'a'))?.spec.nodeName).toBe('n1');
    expect(await deps.getPod('other', 'a')).toBeUndefined();
    expect(await deps.getPod('default', 'a/../b')).toBeUndefined();
    expect((await deps.getNode('n1'))?.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await deps.getNode('n2')).toBeUndefined();
    expect(await deps.getPersistentVolumeClaim!('default', 'c')).toBeUndefined();
    expect(await deps.getPersistentVolume!('v')).toBeUndefined();
    expect(await deps.getCSIDriver!('d')).toBeUndefined();
  });

  it('lists the pods of a node, whatever its name holds, and no volumes, attachments or slices yet', async () => {
    const graph = registryNodeGraph(controlPlaneOf(emu).objects);
    expect((await graph.podsOnNode('n1')).map((p) => p.metadata.name)).toEqual(['a']);
    expect(await graph.podsOnNode('n1,metadata.name=b')).toEqual([]);
    expect(await graph.podsOnNode('')).toEqual([]);
    expect(await graph.persistentVolumes!()).toEqual([]);
    expect(await graph.volumeAttachments!()).toEqual([]);
    expect(await graph.resourceSlices!()).toEqual([]);
  });
});

describe('the same over kinds the registry may serve one day', () => {
  const served: Record<string, boolean> = { '/pods': true, '/nodes': false, '/persistentvolumeclaims': true, '/persistentvolumes': false, 'storage.k8s.io/csidrivers': false, 'storage.k8s.io/volumeattachments': false, 'resource.k8s.io/resourceslices': false };
  const kinds = (group: string, resource: string) => (`${group}/${resource}` in served ? ({ group, resource, namespaced: served[`${group}/${resource}`] } as ResourceInfo) : undefined);
  const objects: Record<string, KubeObject[]> = {
    pods: [{ metadata: { name: 'p', namespace: 'a' }, spec: { nodeName: 'n1' } }, { metadata: { name: 'q', namespace: 'a' } }],
    persistentvolumes: [{ metadata: { name: 'pv' } }],
    volumeattachments: [{ metadata: { name: 'va' } }],
    resourceslices: [{ metadata: { name: 'rs' } }],
  };
  const peeked: string[] = [];
  const registry = {
    list: (info: ResourceInfo) => ({ items: objects[info.resource] ?? [], resourceVersion: '1' }),
    peek: (info: ResourceInfo, ns: string | undefined, name: string) => {
      peeked.push(`${info.group}/${info.resource} ${ns ?? '-'}/${name}`);
      return { metadata: { name } };
    },
  };

  it('lists each kind by its group', async () => {
    const graph = registryNodeGraph(registry, kinds);
    expect((await graph.podsOnNode('n1')).map((p) => p.metadata.name)).toEqual(['p']);
    expect(await graph.persistentVolumes!()).toEqual(objects.persistentvolumes);
    expect(await graph.volumeAttachments!()).toEqual(objects.volumeattachments);
    expect(await graph.resourceSlices!()).toEqual(objects.resourceslices);
  });

  it('gets each kind by its group, namespaced or not', async () => {
    const deps = registryNodeRestrictionDeps(registry, kinds);
    await deps.getPod('a', 'p');
    await deps.getNode('n1');
    await deps.getPersistentVolumeClaim!('a', 'c');
    await deps.getPersistentVolume!('v');
    await deps.getCSIDriver!('d');
    expect(peeked).toEqual(['/pods a/p', '/nodes -/n1', '/persistentvolumeclaims a/c', '/persistentvolumes -/v', 'storage.k8s.io/csidrivers -/d']);
  });
});
