import { APPS_COLUMNS } from './printers/apps.js';
import { BATCH_COLUMNS } from './printers/batch.js';
import { AGE, CREATED_DOC, NAME, NAME_DOC, col, type TableColumnDefinition } from './printers/columns.js';
import { CORE_COLUMNS } from './printers/core.js';
import { NETWORKING_COLUMNS } from './printers/networking.js';
import { POLICY_COLUMNS } from './printers/policy.js';
import { TESTING_COLUMNS } from './printers/testing.js';

/**
 * Table column definitions per kind, as kube-apiserver 1.33 serves them: the printers of
 * `pkg/printers/internalversion/printers.go` (Namespace … ClusterRoleBinding here, the other
 * groups' kinds in printers/), and apiserver's `rest.NewDefaultTableConvertor` (`Name`,
 * `Created At`) for the kinds without a printer (Role, ClusterRole, LimitRange).
 * Descriptions are the SwaggerDoc strings of k8s.io/api v0.33 the printers quote.
 * kubectl shows priority-0 columns, and priority-1 ones with `-o wide`; the server always sends all.
 */

export type { TableColumnDefinition } from './printers/columns.js';

const NODE_ADDRESSES_DOC =
  "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";


function bindingColumns(kind: 'roleBinding' | 'clusterRoleBinding', roleRefDoc: string): TableColumnDefinition[] {
  return [
    NAME,
    col('Role', 'string', roleRefDoc),
    AGE,
    col('Users', 'string', `Users in the ${kind}`, 1),
    col('Groups', 'string', `Groups in the ${kind}`, 1),
    col('ServiceAccounts', 'string', `ServiceAccounts in the ${kind}`, 1),
  ];
}

const COLUMNS: Record<string, TableColumnDefinition[]> = {
  ...CORE_COLUMNS,
  ...APPS_COLUMNS,
  ...BATCH_COLUMNS,
  ...NETWORKING_COLUMNS,
  ...POLICY_COLUMNS,
  ...TESTING_COLUMNS,
  Namespace: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
  ServiceAccount: [
    NAME,
    col(
      'Secrets',
      'string',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
    ),
    AGE,
  ],
  Pod: [
    NAME,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    col('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col(
      'Node',
      'string',
      'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
      1,
    ),
    col(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
      1,
    ),
    col(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      1,
    ),
  ],
  Secret: [
    NAME,
    col('Type', 'string', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
    col(
      'Data',
      'string',
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
    ),
    AGE,
  ],
  Node: [
    NAME,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE,
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', NODE_ADDRESSES_DOC, 1),
    col('External-IP', 'string', NODE_ADDRESSES_DOC, 1),
    col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  ConfigMap: [
    NAME,
    col(
      'Data',
      'string',
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
    ),
    AGE,
  ],
  Event: [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'string', 'The object that this event is about.'),
    col(
      'Subobject',
      'string',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
      1,
    ),
    col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    col('Name', 'string', NAME_DOC, 1, 'name'),
  ],
  RoleBinding: bindingColumns(
    'roleBinding',
    'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.',
  ),
  ClusterRoleBinding: bindingColumns('clusterRoleBinding', 'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.'),
};

/** apiserver `rest.NewDefaultTableConvertor`: every kind without a printer. */
const DEFAULT_COLUMNS = [NAME, col('Created At', 'date', CREATED_DOC)];

/**
 * The column definitions kube-apiserver sends for a kind (a copy; callers may mutate it).
 * @example
 * tableColumns('ServiceAccount').map((c) => c.name); // ['Name', 'Secrets', 'Age']
 * tableColumns('Role').map((c) => c.name); // ['Name', 'Created At']
 */
export function tableColumns(kind: string): TableColumnDefinition[] {
  return (COLUMNS[kind] ?? DEFAULT_COLUMNS).map((c) => ({ ...c }));
}
