import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { rfc3339 } from '../clock/index.js';
import { apiVersionOf, kindInfo, type ResourceInfo } from '../registry/kinds.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import type { KubeObject } from '../registry/types.js';

const EVENT = kindInfo('Event')!;

/**
 * client-go's event recorder as the controllers use it (tools/record): a core/v1 Event about an
 * object, named `<object>.<16 hex digits>`, with the component as its source, so that
 * `kubectl describe` and `kubectl get events` show what the controllers did. A failure to record
 * is dropped, as the broadcaster drops it: events never fail the work they describe.
 * @example
 * events.normal(rs, RS, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
 */
export class EventRecorder {
  constructor(
    private readonly registry: ObjectRegistry,
    private readonly clock: Clock,
    private readonly component: string,
  ) {}

  normal(obj: KubeObject, info: ResourceInfo, reason: string, message: string): void {
    this.record(obj, info, 'Normal', reason, message);
  }

  warning(obj: KubeObject, info: ResourceInfo, reason: string, message: string): void {
    this.record(obj, info, 'Warning', reason, message);
  }

  private record(obj: KubeObject, info: ResourceInfo, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const namespace = obj.metadata.namespace || 'default';
    const now = rfc3339(this.clock.now());
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${obj.metadata.name ?? ''}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        kind: info.kind,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        name: obj.metadata.name ?? '',
        uid: obj.metadata.uid ?? '',
        apiVersion: apiVersionOf(info),
        resourceVersion: obj.metadata.resourceVersion ?? '',
      },
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: '',
    };
    this.registry.create(EVENT, namespace, event as unknown as KubeObject).catch(() => undefined);
  }
}
