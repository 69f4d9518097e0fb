/**
 * The {@link NodeGraph} over the object registry (what kube-apiserver's graph populator feeds
 * from informers): pods by `spec.nodeName`, and the
 * PersistentVolumes, VolumeAttachments and ResourceSlices of whichever of those kinds the
 * registry serves (none is served yet: their lists are then empty).
 */
import { type ResourceInfo, resourceInfo } from '../../registry/kinds.js';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import type { KubeObject, Pod } from '../../registry/types.js';
import type { NodeGraph } from './node-graph.js';

/** Every object of a kind the registry may not serve (then none). */
function all(registry: ObjectRegistry, info: ResourceInfo | undefined): () => Promise<KubeObject[]> {
  return async () => (info ? registry.list(info, undefined).items : []);
}

/**
 * @example
 * const node = new NodeAuthorizer(registryNodeGraph(registry));
 */
export function registryNodeGraph(registry: ObjectRegistry): NodeGraph {
  const pods = resourceInfo('', 'pods')!;
  return {
    // filtered here rather than with a field selector: a node name is not escaped for one
    podsOnNode: async (node) => (registry.list(pods, undefined).items as Pod[]).filter((p) => p.spec?.nodeName === node),
    persistentVolumes: all(registry, resourceInfo('', 'persistentvolumes')),
    volumeAttachments: all(registry, resourceInfo('storage.k8s.io', 'volumeattachments')),
    resourceSlices: all(registry, resourceInfo('resource.k8s.io', 'resourceslices')),
  };
}
