import { join } from 'node:path';
import type { Pod } from '../registry/types.js';
import { goQuote } from '../util/go-format.js';
import { KubeletError } from './kubelet-errors.js';

/**
 * The plugin directory of projected volumes under a pod's `volumes` directory.
 * @example
 * join(rootDir, 'pods', uid, 'volumes', PROJECTED_PLUGIN_DIR); // .../volumes/kubernetes.io~projected
 */
export const PROJECTED_PLUGIN_DIR = 'kubernetes.io~projected';

/**
 * Refuses a pod UID or volume name that could leave the pod's directory once used as a path element
 * (Kubernetes UIDs are UUIDs and volume names DNS labels, so real ones always pass).
 * @example
 * checkPathElement('pod UID', '../../etc'); // throws KubeletError ERR_INVALID_PATH 'invalid pod UID: "../../etc"'
 */
export function checkPathElement(what: string, name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new KubeletError('ERR_INVALID_PATH', `invalid ${what}: ${goQuote(name)}`);
  return name;
}

/**
 * The pod's UID, checked as a path element.
 * @example
 * podUid(pod); // '5a1c2f4e-...'
 */
export function podUid(pod: Pod): string {
  return checkPathElement('pod UID', pod.metadata.uid ?? '');
}

/**
 * `<rootDir>/pods/<uid>/volumes/kubernetes.io~projected`, where a pod's projected volumes live.
 * @example
 * projectedVolumesDir('/var/lib/kubelet', uid);
 */
export function projectedVolumesDir(rootDir: string, uid: string): string {
  return join(rootDir, 'pods', checkPathElement('pod UID', uid), 'volumes', PROJECTED_PLUGIN_DIR);
}

/**
 * `<rootDir>/pods/<uid>/volumes/kubernetes.io~projected/<volume>`, one projected volume.
 * @example
 * projectedVolumeDir('/var/lib/kubelet', uid, 'kube-api-access-kdlt5');
 */
export function projectedVolumeDir(rootDir: string, uid: string, volumeName: string): string {
  return join(projectedVolumesDir(rootDir, uid), checkPathElement('volume name', volumeName));
}
