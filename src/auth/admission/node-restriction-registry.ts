/**
 * {@link NodeRestrictionDeps} over the object registry's cache (Kubernetes hands the plugin
 * informer listers): pods and nodes, and claims, volumes and CSI drivers once the registry
 * serves those kinds (until then they are never found).
 */
import { type ResourceInfo, resourceInfo } from '../../registry/kinds.js';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import type { KubeObject, Node, Pod } from '../../registry/types.js';
import type { NodeRestrictionDeps } from './node-restriction-request.js';

function getter(registry: ObjectRegistry, info: ResourceInfo | undefined) {
  return (namespace: string | undefined, name: string): KubeObject | undefined => (info ? registry.peek(info, info.namespaced ? namespace : undefined, name) : undefined);
}

/**
 * @example
 * const plugin = nodeRestriction({ ...registryNodeRestrictionDeps(registry), authorizer });
 */
export function registryNodeRestrictionDeps(registry: ObjectRegistry): NodeRestrictionDeps {
  const pods = getter(registry, resourceInfo('', 'pods'));
  const nodes = getter(registry, resourceInfo('', 'nodes'));
  const claims = getter(registry, resourceInfo('', 'persistentvolumeclaims'));
  const volumes = getter(registry, resourceInfo('', 'persistentvolumes'));
  const drivers = getter(registry, resourceInfo('storage.k8s.io', 'csidrivers'));
  return {
    getPod: (ns, name) => pods(ns, name) as Pod | undefined,
    getNode: (name) => nodes(undefined, name) as Node | undefined,
    getPersistentVolumeClaim: (ns, name) => claims(ns, name),
    getPersistentVolume: (name) => volumes(undefined, name),
    getCSIDriver: (name) => drivers(undefined, name),
  };
}
