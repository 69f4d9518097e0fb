import type { Container, Pod } from '../registry/types.js';

/**
 * The user that owns a pod's token files (`FsUserFrom`, pkg/volume/util/util.go): the effective
 * `runAsUser` of every init and regular container (the container's own, else the pod's), when all
 * of them have one and it is the same; otherwise none. Ephemeral containers do not count.
 * @example
 * fsUserFrom({ ...pod, spec: { ...pod.spec, securityContext: { runAsUser: 1000 } } }); // 1000
 */
export function fsUserFrom(pod: Pod): number | undefined {
  const podUser = pod.spec.securityContext?.runAsUser;
  let fsUser: number | undefined;
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    const effective = containerRunAsUser(c) ?? podUser;
    if (effective === undefined || (fsUser !== undefined && fsUser !== effective)) return undefined;
    fsUser = effective;
  }
  return fsUser;
}

/**
 * The pod's `securityContext.fsGroup`, the group the kubelet gives the volume to.
 * @example
 * fsGroupFrom(pod); // 10000 or undefined
 */
export function fsGroupFrom(pod: Pod): number | undefined {
  const g = pod.spec.securityContext?.fsGroup;
  return typeof g === 'number' ? g : undefined;
}

function containerRunAsUser(c: Container): number | undefined {
  const u = c.securityContext?.['runAsUser'];
  return typeof u === 'number' ? u : undefined;
}
