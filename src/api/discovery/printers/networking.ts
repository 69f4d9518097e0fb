import { formatLabelSelector } from '../../../registry/label-selector.js';
import type { LabelSelector } from '../../../registry/types.js';
import { ageSince } from '../human-duration.js';
import { AGE, NAME, type Printer, arr, col, nameOf, rec, str, type TableColumnDefinition } from './columns.js';

/** networking.k8s.io/v1 rows: printIngress, printIngressClass, printNetworkPolicy (printers.go, 1.33). */

export const NETWORKING_COLUMNS: Record<string, TableColumnDefinition[]> = {
  Ingress: [
    NAME,
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE,
  ],
  IngressClass: [NAME, col('Controller', 'string', 'Controller that is responsible for handling this class'), col('Parameters', 'string', 'A reference to a resource with additional parameters'), AGE],
  NetworkPolicy: [
    NAME,
    col(
      'Pod-Selector',
      'string',
      'Selects the pods to which this NetworkPolicy object applies.  The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods.  In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.',
    ),
    AGE,
  ],
};

/** formatHosts: the first three hosts, `+ N more...`, or `*`. */
function hosts(rules: unknown[]): string {
  const list: string[] = [];
  let more = false;
  for (const r of rules.map(rec)) {
    if (list.length === 3) more = true;
    if (!more && str(r.host)) list.push(str(r.host));
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

/** ingressLoadBalancerStatusStringer (wide): distinct IPs or hostnames, sorted, comma-joined. */
export function loadBalancerAddresses(status: unknown): string {
  const set = new Set<string>();
  for (const i of arr(rec(rec(status).loadBalancer).ingress).map(rec)) {
    if (str(i.ip)) set.add(str(i.ip));
    else if (str(i.hostname)) set.add(str(i.hostname));
  }
  return [...set].sort().join(',');
}

export const NETWORKING_PRINTERS: Record<string, Printer> = {
  Ingress: (o, now) => {
    const spec = rec(o.spec);
    return [
      nameOf(o),
      typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>',
      hosts(arr(spec.rules)),
      loadBalancerAddresses(o.status),
      arr(spec.tls).length ? '80, 443' : '80',
      ageSince(o.metadata.creationTimestamp, now),
    ];
  },
  IngressClass: (o, now) => {
    const spec = rec(o.spec);
    const p = spec.parameters === undefined ? undefined : rec(spec.parameters);
    const parameters = p ? `${str(p.kind)}${typeof p.apiGroup === 'string' ? `.${p.apiGroup}` : ''}/${str(p.name)}` : '<none>';
    return [nameOf(o), str(spec.controller), parameters, ageSince(o.metadata.creationTimestamp, now)];
  },
  NetworkPolicy: (o, now) => [nameOf(o), formatLabelSelector(rec(rec(o.spec).podSelector) as LabelSelector), ageSince(o.metadata.creationTimestamp, now)],
};
