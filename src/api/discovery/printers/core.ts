import { formatLabels } from '../../../registry/label-selector.js';
import type { KubeObject } from '../../../registry/types.js';
import { parseQuantity, quantityString } from '../../../registry/validation/quantity.js';
import { ageSince } from '../human-duration.js';
import { loadBalancerAddresses } from './networking.js';
import { AGE, NAME, type Printer, arr, col, int, nameOf, rec, str, type TableColumnDefinition } from './columns.js';

/**
 * core/v1 rows for the kinds beside the identity ones: printService, printEndpoints,
 * printPersistentVolumeClaim, printResourceQuota (printers.go, 1.33), and printScale for the
 * autoscaling/v1 Scale of `/scale`. LimitRange has no printer (the default convertor).
 */

export const CORE_COLUMNS: Record<string, TableColumnDefinition[]> = {
  Service: [
    NAME,
    col(
      'Type',
      'string',
      'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
    ),
    col(
      'Cluster-IP',
      'string',
      'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
    ),
    col(
      'External-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
    ),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'),
    AGE,
    col(
      'Selector',
      'string',
      'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
      1,
    ),
  ],
  Endpoints: [
    NAME,
    col(
      'Endpoints',
      'string',
      'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.',
    ),
    AGE,
  ],
  PersistentVolumeClaim: [
    NAME,
    col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE,
    col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', 1),
  ],
  ResourceQuota: [
    NAME,
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    AGE,
  ],
  Scale: [
    col('Name', 'string', NAME.description),
    col('Desired', 'integer', 'replicas is the desired number of instances for the scaled object.'),
    col('Available', 'integer', 'replicas is the actual number of observed instances of the scaled object.'),
    AGE,
  ],
};

/** getServiceExternalIP (wide). */
function externalIP(o: KubeObject): string {
  const spec = rec(o.spec);
  const external = arr(spec.externalIPs).map(String);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(o.status);
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** makePortString: `port/protocol` or `port:nodePort/protocol`, comma-joined. */
function ports(o: KubeObject): string {
  const s = arr(rec(o.spec).ports)
    .map(rec)
    .map((p) => (int(p.nodePort) > 0 ? `${int(p.port)}:${int(p.nodePort)}/${str(p.protocol)}` : `${int(p.port)}/${str(p.protocol)}`))
    .join(',');
  return s || '<none>';
}

/** formatEndpoints(endpoints, nil): up to three `ip:port` (or bare IPs when no ports), `+ N more...`. */
function endpoints(o: KubeObject): string {
  const subsets = arr(o.subsets).map(rec);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const ss of subsets) {
    const addresses = arr(ss.addresses).map(rec);
    const ssPorts = arr(ss.ports).map(rec);
    if (ssPorts.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === 3) {
          more = true;
          break;
        }
        list.push(str(a.ip));
      }
      continue;
    }
    for (const p of ssPorts) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === 3) {
          more = true;
          break;
        }
        list.push(hostPort(str(a.ip), int(p.port)));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - 3} more...` : joined;
}

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once. */
function accessModes(modes: unknown[]): string {
  const order: Array<[string, string]> = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];
  return order.filter(([m]) => modes.includes(m)).map(([, s]) => s).join(',');
}

function quantity(v: unknown): string {
  const parsed = parseQuantity(v ?? '0');
  return parsed ? quantityString(parsed) : String(v);
}

export const CORE_PRINTERS: Record<string, Printer> = {
  Service: (o, now) => {
    const spec = rec(o.spec);
    const clusterIPs = arr(spec.clusterIPs).map(String);
    return [nameOf(o), str(spec.type), clusterIPs[0] ?? '<none>', externalIP(o), ports(o), ageSince(o.metadata.creationTimestamp, now), formatLabels(rec(spec.selector))];
  },
  Endpoints: (o, now) => [nameOf(o), endpoints(o), ageSince(o.metadata.creationTimestamp, now)],
  PersistentVolumeClaim: (o, now) => {
    const spec = rec(o.spec);
    const status = rec(o.status);
    const bound = !!str(spec.volumeName);
    const storageClass = o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(spec.storageClassName);
    return [
      nameOf(o),
      o.metadata.deletionTimestamp ? 'Terminating' : str(status.phase),
      str(spec.volumeName),
      bound ? quantity(rec(status.capacity).storage) : '',
      bound ? accessModes(arr(status.accessModes)) : '',
      storageClass,
      typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
      ageSince(o.metadata.creationTimestamp, now),
      typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
    ];
  },
  ResourceQuota: (o, now) => {
    const status = rec(o.status);
    const hard = rec(status.hard);
    const used = rec(status.used);
    const requests: string[] = [];
    const limits: string[] = [];
    for (const name of Object.keys(hard).sort()) {
      const entry = `${name}: ${quantity(used[name])}/${quantity(hard[name])}`;
      (name.split('.').length > 1 && name.split('.')[0] === 'limits' ? limits : requests).push(entry);
    }
    return [nameOf(o), requests.join(', '), limits.join(', '), ageSince(o.metadata.creationTimestamp, now)];
  },
  Scale: (o, now) => [nameOf(o), int(rec(o.spec).replicas), int(rec(o.status).replicas), ageSince(o.metadata.creationTimestamp, now)],
};
