import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { ObjectRegistry, RegistryEvent } from '../registry/object-registry.js';
import type { ConfigMap } from '../registry/types.js';
import { Controller } from './controller.js';

const NS = kindInfo('Namespace')!;
const CM = kindInfo('ConfigMap')!;
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/**
 * The root CA publisher (pkg/controller/certificates/rootcacertpublisher/publisher.go): a
 * `kube-root-ca.crt` ConfigMap with the cluster CA in every namespace, recreated when deleted
 * and reconciled when modified.
 */
export class RootCaPublisher extends Controller {
  readonly name = 'root-ca-cert-publisher';

  constructor(
    registry: ObjectRegistry,
    private readonly caPem: string,
    onError?: (controller: string, key: string, err: unknown) => void,
  ) {
    super(registry, onError);
  }

  protected initialKeys(): string[] {
    return this.registry.list(NS, undefined).items.map((n) => n.metadata.name!);
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === NS && e.type !== 'DELETED') return [e.object.metadata.name!];
    if (e.resource === CM && e.object.metadata.name === ROOT_CA_CONFIGMAP) return [e.object.metadata.namespace!];
    return [];
  }

  protected async reconcile(namespace: string): Promise<void> {
    const ns = this.registry.peek(NS, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const cm = this.registry.peek(CM, namespace, ROOT_CA_CONFIGMAP) as ConfigMap | undefined;
    const want = { 'ca.crt': this.caPem };
    try {
      if (!cm) {
        await this.registry.create(CM, namespace, { metadata: { name: ROOT_CA_CONFIGMAP, annotations: { 'kubernetes.io/description': DESCRIPTION } }, data: want });
      } else if (cm.data?.['ca.crt'] !== this.caPem || cm.metadata.annotations?.['kubernetes.io/description'] !== DESCRIPTION) {
        const next = structuredClone(cm);
        next.data = want;
        next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'kubernetes.io/description': DESCRIPTION };
        await this.registry.update(CM, namespace, ROOT_CA_CONFIGMAP, next);
      }
    } catch (e) {
      if (isStatusError(e) && (e.reason === 'AlreadyExists' || e.reason === 'Conflict' || e.reason === 'NotFound' || e.reason === 'Forbidden')) {
        if (e.reason === 'Conflict') this.queue.add(namespace);
        return;
      }
      throw e;
    }
  }
}
