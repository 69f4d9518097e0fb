import { errors, FieldError, StatusError, required } from '../errors/index.js';
import { setPodCondition } from './pod-conditions.js';
import type { KubeObject, ObjectReference, Pod } from './types.js';

/**
 * The `pods/binding` subresource (pkg/registry/core/pod/storage/storage.go `BindingREST`): how
 * the scheduler assigns a pod to a node. kube-apiserver:
 * - refuses a Binding whose name is not the URL's (400 `name in URL does not match name in
 *   Binding object`) and one that fails ValidatePodBinding (`target.kind` empty or `Node`,
 *   `target.name` set; the aggregate error is not a Status, so the answer is a 500);
 * - takes the Binding's uid and resourceVersion as preconditions on the pod;
 * - sets `spec.nodeName`, merges the Binding's annotations and sets the PodScheduled
 *   condition to True, only if the pod is not being deleted, has no node yet and no
 *   scheduling gates; otherwise 409 `Operation cannot be fulfilled on pods/binding "<pod>": …`;
 * - answers `Status{status: Success}` with code 201.
 */
export interface Binding extends KubeObject {
  target?: ObjectReference;
}

/** ValidatePodBinding (pkg/apis/core/validation/validation.go). */
export function validatePodBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const kind = b.target?.kind ?? '';
  if (kind !== '' && kind !== 'Node') errs.push(new FieldError('FieldValueNotSupported', 'target.kind', kind, 'supported values: "Node", "<empty>"'));
  if (!b.target?.name) errs.push(required('target.name', ''));
  return errs;
}

/**
 * The checks before the pod is read: the name, then validation (an aggregate error: a 500 with
 * its text as the message, as kube-apiserver renders an error that is not a Status).
 */
export function checkBinding(name: string, b: Binding): void {
  if ((b.metadata?.name ?? '') !== name) throw errors.badRequest('name in URL does not match name in Binding object');
  const errs = validatePodBinding(b);
  if (errs.length) {
    const msgs = errs.map((e) => e.toString());
    // Kubernetes' Status has no reason here (StatusReasonUnknown); InternalError is the nearest satoken names
    throw new StatusError(500, 'InternalError', msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`);
  }
}

/**
 * setPodNodeAndMetadata: the pod bound to the Binding's target, or the 409 kube-apiserver answers.
 * @example
 * const next = boundPod(pod, { metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-1' } }, clock.now());
 */
export function boundPod(pod: Pod, b: Binding, now: number): Pod {
  const name = pod.metadata.name ?? '';
  const refuse = (why: string): StatusError => errors.conflict('pods/binding', name, why);
  const uid = b.metadata?.uid;
  if (uid && uid !== pod.metadata.uid) throw errors.conflict('pods', name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
  const rv = b.metadata?.resourceVersion;
  if (rv && rv !== pod.metadata.resourceVersion) throw errors.conflict('pods', name, `Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${pod.metadata.resourceVersion ?? ''}`);
  if (pod.metadata.deletionTimestamp) throw refuse(`pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec?.nodeName) throw refuse(`pod ${name} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}`);
  const gates = (pod.spec as { schedulingGates?: unknown } | undefined)?.schedulingGates;
  if (Array.isArray(gates) && gates.length) throw refuse(`pod ${name} has non-empty .spec.schedulingGates`);
  const next = structuredClone(pod);
  next.spec.nodeName = b.target!.name!;
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), ...(b.metadata?.annotations ?? {}) };
  const status = (next.status ??= {});
  setPodCondition(status, { type: 'PodScheduled', status: 'True' }, now);
  return next;
}
