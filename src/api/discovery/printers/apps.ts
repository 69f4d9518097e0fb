import { formatLabelSelector, formatLabels, labelSelectorString } from '../../../registry/label-selector.js';
import type { KubeObject, LabelSelector } from '../../../registry/types.js';
import { ageSince } from '../human-duration.js';
import { AGE, CONTAINERS, IMAGES, NAME, type Printer, arr, col, containerCells, int, nameOf, rec, str, type TableColumnDefinition } from './columns.js';

/**
 * apps/v1 rows as pkg/printers/internalversion/printers.go prints them (kube-apiserver 1.33):
 * printDeployment, printReplicaSet, printStatefulSet, printDaemonSet, printControllerRevision.
 * Desired replicas left out of a stored object count as 1, the default the server applies.
 */

const READY_DOC = 'Number of the pod with ready state';

export const APPS_COLUMNS: Record<string, TableColumnDefinition[]> = {
  Deployment: [
    NAME,
    col('Ready', 'string', READY_DOC),
    col('Up-to-date', 'string', 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE,
    CONTAINERS,
    IMAGES,
    col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
  ],
  ReplicaSet: [
    NAME,
    col('Desired', 'integer', 'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset'),
    col('Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset'),
    col('Ready', 'integer', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
    AGE,
    CONTAINERS,
    IMAGES,
    col(
      'Selector',
      'string',
      'Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      1,
    ),
  ],
  StatefulSet: [NAME, col('Ready', 'string', READY_DOC), AGE, CONTAINERS, IMAGES],
  DaemonSet: [
    NAME,
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/'),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/'),
    col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    col('Node Selector', 'string', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
    AGE,
    CONTAINERS,
    IMAGES,
    col(
      'Selector',
      'string',
      'A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      1,
    ),
  ],
  ControllerRevision: [NAME, col('Controller', 'string', 'Controller of the object'), col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'), AGE],
};

const spec = (o: KubeObject) => rec(o.spec);
const status = (o: KubeObject) => rec(o.status);
const desired = (o: KubeObject) => (typeof spec(o).replicas === 'number' ? (spec(o).replicas as number) : 1);

export const APPS_PRINTERS: Record<string, Printer> = {
  Deployment: (o, now) => {
    const selector = labelSelectorString(spec(o).selector as LabelSelector);
    return [
      nameOf(o),
      `${int(status(o).readyReplicas)}/${desired(o)}`,
      int(status(o).updatedReplicas),
      int(status(o).availableReplicas),
      ageSince(o.metadata.creationTimestamp, now),
      ...containerCells(spec(o).template),
      selector === undefined ? '<invalid>' : selector,
    ];
  },
  ReplicaSet: (o, now) => [
    nameOf(o),
    desired(o),
    int(status(o).replicas),
    int(status(o).readyReplicas),
    ageSince(o.metadata.creationTimestamp, now),
    ...containerCells(spec(o).template),
    formatLabelSelector(spec(o).selector as LabelSelector),
  ],
  StatefulSet: (o, now) => [nameOf(o), `${int(status(o).readyReplicas)}/${desired(o)}`, ageSince(o.metadata.creationTimestamp, now), ...containerCells(spec(o).template)],
  DaemonSet: (o, now) => [
    nameOf(o),
    int(status(o).desiredNumberScheduled),
    int(status(o).currentNumberScheduled),
    int(status(o).numberReady),
    int(status(o).updatedNumberScheduled),
    int(status(o).numberAvailable),
    formatLabels(rec(rec(rec(spec(o).template).spec).nodeSelector)),
    ageSince(o.metadata.creationTimestamp, now),
    ...containerCells(spec(o).template),
    formatLabelSelector(spec(o).selector as LabelSelector),
  ],
  ControllerRevision: (o, now) => [nameOf(o), controllerOf(o), int(o.revision), ageSince(o.metadata.creationTimestamp, now)],
};

/** `metav1.GetControllerOf` as `<kind>.<group>/<name>` in lower case (formatResourceName), or `<none>`. */
function controllerOf(o: KubeObject): string {
  const ref = arr(o.metadata.ownerReferences).map(rec).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = str(ref.apiVersion);
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = str(ref.kind);
  if (!kind) return str(ref.name);
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${str(ref.name)}`;
}
