import type { ObjectRegistry, RegistryEvent } from '../registry/object-registry.js';
import { WorkQueue } from './work-queue.js';

/**
 * The shape every controller has: it watches the registry, queues keys, reconciles one key at a
 * time. Subclasses say which events matter (`keysFor`) and how to reconcile a key.
 */
export abstract class Controller {
  protected readonly queue: WorkQueue;
  private unsubscribe: (() => void) | undefined;

  constructor(
    protected readonly registry: ObjectRegistry,
    onError?: (controller: string, key: string, err: unknown) => void,
  ) {
    this.queue = new WorkQueue((key) => this.reconcile(key), { onError: (key, err) => onError?.(this.name, key, err) });
  }

  abstract readonly name: string;
  protected abstract keysFor(e: RegistryEvent): string[];
  protected abstract reconcile(key: string): Promise<void>;
  /** keys to reconcile at start-up */
  protected abstract initialKeys(): string[];

  /** Starts (or restarts, after `stop()`) following the registry. */
  start(): void {
    if (this.unsubscribe) return;
    this.queue.resume();
    this.unsubscribe = this.registry.onEvent((e) => {
      for (const k of this.keysFor(e)) this.queue.add(k);
    });
    for (const k of this.initialKeys()) this.queue.add(k);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }
}
