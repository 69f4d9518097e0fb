/**
 * The {@link NodeGraph} over the object registry (what kube-apiserver's graph populator feeds
 * from informers): pods by `spec.nodeName`, and the PersistentVolumes, VolumeAttachments and
 * ResourceSlices of whichever of those kinds the registry serves (none is served yet: their
 * lists are then empty).
 */
import { type ResourceInfo, resourceInfo } from '../../registry/kinds.js';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import type { KubeObject, Pod } from '../../registry/types.js';
import type { NodeGraph } from './node-graph.js';

/** The served kind for a group and resource, or undefined (default: the registry's table). */
export type KindLookup = (group: string, resource: string) => ResourceInfo | undefined;

/**
 * @example
 * const node = new NodeAuthorizer(registryNodeGraph(registry));
 */
export function registryNodeGraph(registry: Pick<ObjectRegistry, 'list'>, kinds: KindLookup = resourceInfo): NodeGraph {
  const all = (group: string, resource: string) => {
    const info = kinds(group, resource);
    return async (): Promise<KubeObject[]> => (info ? registry.list(info, undefined).items : []);
  };
  const pods = all('', 'pods');
  return {
    // filtered here rather than with a field selector: a node name is not escaped for one
    podsOnNode: async (node) => ((await pods()) as Pod[]).filter((p) => p.spec?.nodeName === node),
    persistentVolumes: all('', 'persistentvolumes'),
    volumeAttachments: all('storage.k8s.io', 'volumeattachments'),
    resourceSlices: all('resource.k8s.io', 'resourceslices'),
  };
}
