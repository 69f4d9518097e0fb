/**
 * The Pod objects a reload check runs the program as. One pod per token generation: each
 * token is bound to its own pod, so deleting that pod invalidates exactly that token (and its
 * projections), while the next generation's token, bound to the next pod, stays valid. This is
 * Kubernetes' own invalidation (a bound object deleted, pkg/serviceaccount/claims.go), not a
 * satoken-only revocation, and it is immediate: the pods have no node (an unscheduled pod is
 * deleted at once) and a scheduling gate keeps any scheduler from placing them.
 */
import { posix } from 'node:path';
import type { Pod, Volume, VolumeMount } from '../registry/types.js';
import { usageError } from './errors.js';
import type { TokenProjection } from './options.js';
import { SERVICE_ACCOUNT_DIR } from './options.js';

export const CONTAINER_NAME = 'program';
export const SCHEDULING_GATE = 'satoken.dev/reload-check';
export const RUN_LABEL = 'satoken.dev/reload-check-run';
export const GENERATION_LABEL = 'satoken.dev/reload-check-generation';

/** An extra volume of token projections, mounted at `dir`. */
export interface ProjectionVolume {
  name: string;
  dir: string;
  projections: TokenProjection[];
}

/**
 * Groups the projections by directory: one projected volume per directory, mounted there
 * read-only, each projection a `serviceAccountToken` source at its file name. Directories may
 * not nest (one mount would hide the other).
 * @example
 * projectionVolumes([{ audience: 'sts.amazonaws.com', path: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' }]);
 * // [{ name: 'token-projection-1', dir: '/var/run/secrets/eks.amazonaws.com/serviceaccount', projections: [...] }]
 */
export function projectionVolumes(projections: readonly TokenProjection[]): ProjectionVolume[] {
  const byDir = new Map<string, TokenProjection[]>();
  for (const p of projections) {
    const dir = posix.dirname(p.path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), p]);
  }
  const dirs = [...byDir.keys()];
  for (const a of dirs) {
    for (const b of [...dirs, SERVICE_ACCOUNT_DIR]) {
      if (a !== b && (b.startsWith(`${a}/`) || a.startsWith(`${b}/`))) throw usageError(`the projection directories ${a} and ${b} nest: one mount would hide the other`);
    }
  }
  return dirs.map((dir, i) => ({ name: `token-projection-${i + 1}`, dir, projections: byDir.get(dir)! }));
}

/**
 * The pod of generation `generation` of run `runId`: the program's container with the extra
 * projection volumes (the ServiceAccount admission plugin adds `kube-api-access-*` on create),
 * no node, a scheduling gate, labels naming the run and the generation.
 * @example
 * checkPod({ runId: 'reload-check-x7k2p', generation: 0, namespace: 'default', serviceAccount: 'reload-check', command: 'python3', volumes: [] });
 */
export function checkPod(o: { runId: string; generation: number; namespace: string; serviceAccount: string; command: string; volumes: readonly ProjectionVolume[] }): Pod {
  const mounts: VolumeMount[] = o.volumes.map((v) => ({ name: v.name, mountPath: v.dir, readOnly: true }));
  const volumes: Volume[] = o.volumes.map((v) => ({
    name: v.name,
    projected: {
      defaultMode: 420,
      sources: v.projections.map((p) => ({ serviceAccountToken: { audience: p.audience, expirationSeconds: p.expirationSeconds ?? 3600, path: posix.basename(p.path) } })),
    },
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${o.runId}-${o.generation}`,
      namespace: o.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'satoken-reload-check', [RUN_LABEL]: o.runId, [GENERATION_LABEL]: String(o.generation) },
    },
    spec: {
      serviceAccountName: o.serviceAccount,
      schedulingGates: [{ name: SCHEDULING_GATE }],
      restartPolicy: 'Never',
      containers: [{ name: CONTAINER_NAME, image: 'satoken.dev/reload-check', command: [posix.basename(o.command)], ...(mounts.length ? { volumeMounts: mounts } : {}) }],
      ...(volumes.length ? { volumes } : {}),
    },
  } as Pod;
}
