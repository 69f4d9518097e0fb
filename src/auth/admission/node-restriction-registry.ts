/**
 * {@link NodeRestrictionDeps} over the object registry's cache (Kubernetes hands the plugin
 * informer listers): pods and nodes, and claims, volumes and CSI drivers once the registry
 * serves those kinds (until then they are never found).
 */
import { resourceInfo } from '../../registry/kinds.js';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import type { KubeObject, Node, Pod } from '../../registry/types.js';
import type { KindLookup } from '../authorizer/node-graph-registry.js';
import type { NodeRestrictionDeps } from './node-restriction-request.js';

/**
 * @example
 * const plugin = nodeRestriction({ ...registryNodeRestrictionDeps(registry), authorizer });
 */
export function registryNodeRestrictionDeps(registry: Pick<ObjectRegistry, 'peek'>, kinds: KindLookup = resourceInfo): NodeRestrictionDeps {
  const getter = (group: string, resource: string) => {
    const info = kinds(group, resource);
    return (namespace: string | undefined, name: string): KubeObject | undefined => (info ? registry.peek(info, info.namespaced ? namespace : undefined, name) : undefined);
  };
  const pods = getter('', 'pods');
  const nodes = getter('', 'nodes');
  const claims = getter('', 'persistentvolumeclaims');
  const volumes = getter('', 'persistentvolumes');
  const drivers = getter('storage.k8s.io', 'csidrivers');
  return {
    getPod: (ns, name) => pods(ns, name) as Pod | undefined,
    getNode: (name) => nodes(undefined, name) as Node | undefined,
    getPersistentVolumeClaim: (ns, name) => claims(ns, name),
    getPersistentVolume: (name) => volumes(undefined, name),
    getCSIDriver: (name) => drivers(undefined, name),
  };
}
