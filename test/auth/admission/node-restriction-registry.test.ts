import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryNodeRestrictionDeps } from '../../../src/auth/admission/node-restriction-registry.js';
import { registryNodeGraph } from '../../../src/auth/authorizer/node-graph-registry.js';
import { createEmulator, type Emulator } from '../../../src/emulator.js';

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
    const deps = registryNodeRestrictionDeps(emu.registry);
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
    const graph = registryNodeGraph(emu.registry);
    expect((await graph.podsOnNode('n1')).map((p) => p.metadata.name)).toEqual(['a']);
    expect(await graph.podsOnNode('n1,metadata.name=b')).toEqual([]);
    expect(await graph.podsOnNode('')).toEqual([]);
    expect(await graph.persistentVolumes!()).toEqual([]);
    expect(await graph.volumeAttachments!()).toEqual([]);
    expect(await graph.resourceSlices!()).toEqual([]);
  });
});
