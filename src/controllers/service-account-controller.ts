import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import { Controller } from './controller.js';

const NS = kindInfo('Namespace')!;
const SA = kindInfo('ServiceAccount')!;

/**
 * ServiceAccountsController (pkg/controller/serviceaccount/serviceaccounts_controller.go):
 * a `default` ServiceAccount exists in every active namespace, and is recreated when deleted.
 */
export class ServiceAccountController extends Controller {
  readonly name = 'serviceaccount-controller';

  protected initialKeys(): string[] {
    return this.registry.list(NS, undefined).items.map((n) => n.metadata.name!);
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === NS && e.type !== 'DELETED') return [e.object.metadata.name!];
    if (e.resource === SA && e.type === 'DELETED' && e.object.metadata.name === 'default') return [e.object.metadata.namespace!];
    return [];
  }

  protected async reconcile(namespace: string): Promise<void> {
    const ns = this.registry.peek(NS, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') return;
    if (this.registry.peek(SA, namespace, 'default')) return;
    try {
      await this.registry.create(SA, namespace, { metadata: { name: 'default' } });
    } catch (e) {
      if (isStatusError(e) && (e.reason === 'AlreadyExists' || e.reason === 'NotFound' || e.reason === 'Forbidden')) return;
      throw e;
    }
  }
}
