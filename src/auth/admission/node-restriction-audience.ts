/**
 * NodeRestriction's `validateNodeServiceAccountAudience` (ServiceAccountNodeAudienceRestriction,
 * beta and on in 1.33): a node asks for at most one audience ("" when it asks for none), and
 * only one its pod uses, found (in volume order) as
 * - a projected `serviceAccountToken` source with that audience;
 * - a CSI driver whose CSIDriver object requests tokens for it: the volume's own `csi` driver,
 *   the driver of the PersistentVolume behind a `persistentVolumeClaim` or an ephemeral volume's
 *   claim (`<pod>-<volume>`), or the CSI driver an in-tree volume migrates to;
 * unless the authorizer allows `request-serviceaccounts-token-audience` on resource `<audience>`
 * named after the service account. Lookup failures are reported only when nothing matched.
 */
import { field, list } from '../authorizer/node-graph.js';
import type { KubeObject, Pod } from '../../registry/types.js';
import { forbidden, listerNotFound, q, type NodeRequest } from './node-restriction-request.js';

/** csi-translation-lib: in-tree volume sources and the CSI drivers they migrate to. */
const MIGRATED_DRIVERS: ReadonlyArray<readonly [string, string]> = [
  ['awsElasticBlockStore', 'ebs.csi.aws.com'],
  ['gcePersistentDisk', 'pd.csi.storage.gke.io'],
  ['azureDisk', 'disk.csi.azure.com'],
  ['azureFile', 'file.csi.azure.com'],
  ['cinder', 'cinder.csi.openstack.org'],
  ['vsphereVolume', 'csi.vsphere.vmware.com'],
  ['portworxVolume', 'pxd.portworx.com'],
];

/** The CSI driver an in-tree source (of a pod volume or a PV spec) migrates to, or "". */
function migratedDriver(source: unknown): string {
  return MIGRATED_DRIVERS.find(([key]) => field(source, key) != null)?.[1] ?? '';
}

/** `getCSIFromPVC`: the claim, its PersistentVolume, and that volume's CSI driver (or ""). */
async function driverOfClaim(r: NodeRequest, namespace: string, claimName: string): Promise<string> {
  const pvc = await r.deps.getPersistentVolumeClaim?.(namespace, claimName);
  if (!pvc) throw listerNotFound('persistentvolumeclaim', claimName);
  const volumeName = String(field(pvc, 'spec', 'volumeName') ?? '');
  const pv = await r.deps.getPersistentVolume?.(volumeName);
  if (!pv) throw listerNotFound('persistentvolume', volumeName);
  const csi = field(pv, 'spec', 'csi', 'driver');
  return typeof csi === 'string' ? csi : migratedDriver(field(pv, 'spec'));
}

/** `csiDriverHasAudience`. */
async function driverRequests(r: NodeRequest, driver: string, audience: string): Promise<boolean> {
  const d: KubeObject | undefined = await r.deps.getCSIDriver?.(driver);
  if (!d) throw listerNotFound('csidriver', driver, 'storage.k8s.io');
  return list(field(d, 'spec', 'tokenRequests')).some((t) => (field(t, 'audience') ?? '') === audience);
}

/**
 * The CSI driver a volume leads to, or "": an ephemeral volume's claim (`<pod>-<volume>`) or a
 * `persistentVolumeClaim` through its PersistentVolume, a `csi` volume's own driver, or the
 * driver an in-tree volume migrates to (`getCSIFromPVC`, csi-translation-lib).
 */
async function volumeDriver(r: NodeRequest, pod: Pod, v: unknown): Promise<string> {
  if (field(v, 'ephemeral', 'volumeClaimTemplate') != null) return driverOfClaim(r, r.a.namespace, `${pod.metadata.name}-${String(field(v, 'name') ?? '')}`);
  if (field(v, 'persistentVolumeClaim') != null) return driverOfClaim(r, r.a.namespace, String(field(v, 'persistentVolumeClaim', 'claimName') ?? ''));
  if (field(v, 'csi') != null) return String(field(v, 'csi', 'driver') ?? '');
  return migratedDriver(v);
}

/**
 * `podReferencesAudience`: whether a volume of the pod asks for the audience; the lookup
 * errors met on the way (that Kubernetes aggregates) are collected into `errors`.
 */
async function podUsesAudience(r: NodeRequest, pod: Pod, audience: string, errors: string[]): Promise<boolean> {
  for (const v of list(field(pod, 'spec', 'volumes'))) {
    const sources = list(field(v, 'projected', 'sources'));
    if (sources.some((s) => field(s, 'serviceAccountToken') != null && (field(s, 'serviceAccountToken', 'audience') ?? '') === audience)) return true;
    try {
      const driver = await volumeDriver(r, pod, v);
      if (driver && (await driverRequests(r, driver, audience))) return true;
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return false;
}

/** `utilerrors.NewAggregate(errs).Error()`: one message alone, else the distinct ones in brackets. */
function aggregate(messages: string[]): string {
  const distinct = [...new Set(messages)];
  return distinct.length === 1 ? distinct[0]! : `[${distinct.join(', ')}]`;
}

/** Refuses a token audience the pod does not use and the node is not authorized for. */
export async function admitTokenAudience(r: NodeRequest, tr: KubeObject, pod: Pod): Promise<void> {
  const audiences = list(field(tr, 'spec', 'audiences'));
  if (audiences.length > 1) throw forbidden(r.a, 'node may only request 0 or 1 audiences');
  const audience = typeof audiences[0] === 'string' ? audiences[0] : '';
  const errors: string[] = [];
  if (await podUsesAudience(r, pod, audience, errors)) return;
  if (errors.length) throw forbidden(r.a, `error validating audience ${q(audience)}: ${aggregate(errors)}`);
  // only node users get here: the plugin passes anyone else
  const user = r.a.user!;
  const decision = await r.deps.authorizer?.authorize({
    user,
    verb: 'request-serviceaccounts-token-audience',
    namespace: r.a.namespace,
    apiGroup: '',
    apiVersion: '',
    resource: audience,
    subresource: '',
    name: r.a.name,
    resourceRequest: true,
    path: '',
  });
  if (decision?.decision !== 'Allow') {
    throw forbidden(r.a, `audience ${q(audience)} not found in pod spec volume, ${user.username} is not authorized to request tokens for this audience`);
  }
}
