import type { Clock } from '../clock/index.js';
import { isStatusError } from '../errors/index.js';
import type { ResourceInfo } from '../registry/kinds.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import { semanticEqual } from '../registry/semantic-equal.js';
import type { KubeObject } from '../registry/types.js';
import { Controller } from './controller.js';
import { DelayedRequeue } from './delayed-requeue.js';
import { EventRecorder } from './event-recorder.js';

/** What every workload controller is built from. */
export interface WorkloadControllerOptions {
  registry: ObjectRegistry;
  clock: Clock;
  onError?: (controller: string, key: string, err: unknown) => void;
  /** the source named in the Events it records (kube-controller-manager's controller names) */
  component?: string;
}

/**
 * A {@link Controller} with what the workload controllers share: the clock, a delayed requeue
 * (`AddAfter`), an event recorder, `namespace/name` keys and a status writer that writes only
 * when the status changed, as the controllers' `updateXStatus` helpers do.
 */
export abstract class WorkloadController extends Controller {
  protected readonly clock: Clock;
  protected readonly later: DelayedRequeue;
  protected readonly events: EventRecorder;

  constructor(o: WorkloadControllerOptions, component: string) {
    super(o.registry, o.onError);
    this.clock = o.clock;
    this.later = new DelayedRequeue(o.clock, (key) => this.queue.add(key));
    this.events = new EventRecorder(o.registry, o.clock, o.component ?? component);
  }

  override stop(): void {
    super.stop();
    this.later.stop();
  }

  /** `namespace/name` of an object. */
  protected keyOf(o: KubeObject): string {
    return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  }

  protected splitKey(key: string): [string, string] {
    const i = key.indexOf('/');
    return [key.slice(0, i), key.slice(i + 1)];
  }

  /**
   * Writes `status` through `/status` when it differs from the stored one; a conflict (the
   * object changed meanwhile) or its deletion ends the attempt quietly, the event that caused it
   * having queued the key again. Returns the stored object.
   */
  protected async writeStatus(info: ResourceInfo, obj: KubeObject, status: Record<string, unknown>, annotations?: Record<string, string>): Promise<KubeObject> {
    const sameAnnotations = annotations === undefined || semanticEqual(annotations, obj.metadata.annotations);
    if (semanticEqual(status, obj.status) && sameAnnotations) return obj;
    const next = structuredClone(obj);
    next.status = status;
    if (annotations !== undefined) next.metadata.annotations = annotations;
    try {
      return await this.registry.updateStatus(info, obj.metadata.namespace ?? '', obj.metadata.name ?? '', next);
    } catch (e) {
      if (isStatusError(e) && (e.reason === 'Conflict' || e.reason === 'NotFound')) {
        if (e.reason === 'Conflict') this.queue.add(this.keyOf(obj));
        return obj;
      }
      throw e;
    }
  }
}

/** Drops the members whose value is 0, undefined or empty (Go's `omitempty` on a status). */
export function omitEmpty<T extends Record<string, unknown>>(o: T, keep: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (keep.includes(k) || !(v === undefined || v === 0 || v === '' || v === null || (Array.isArray(v) && v.length === 0))) out[k] = v;
  }
  return out as T;
}
