import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { ObjectRegistry, RegistryEvent } from '../registry/object-registry.js';
import type { Secret, ServiceAccount } from '../registry/types.js';
import { SA_TOKEN_SECRET_TYPE } from '../registry/validation/strategies.js';
import { legacyClaims } from '../tokens/legacy-claims.js';
import type { KeySource } from '../tokens/key-source.js';
import { signToken } from '../tokens/signer.js';
import { Controller } from './controller.js';

const SA = kindInfo('ServiceAccount')!;
const SECRET = kindInfo('Secret')!;
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

/**
 * The tokens controller (pkg/controller/serviceaccount/tokens_controller.go), 1.24+ behaviour:
 * - a `kubernetes.io/service-account-token` Secret whose service account exists gets `token`,
 *   `namespace` and `ca.crt` filled (existing tokens are never regenerated) and both annotations
 * - a Secret whose service account (by name, and uid when annotated) is gone is deleted
 * - a deleted service account takes its token Secrets with it
 * Keys: `secret/<ns>/<name>` and `sa/<ns>/<name>`.
 */
export class LegacyTokenController extends Controller {
  readonly name = 'tokens-controller';

  constructor(
    registry: ObjectRegistry,
    private readonly keys: KeySource,
    private readonly rootCa: string | undefined,
    onError?: (controller: string, key: string, err: unknown) => void,
  ) {
    super(registry, onError);
  }

  protected initialKeys(): string[] {
    return this.registry.list(SECRET, undefined).items.filter(isTokenSecret).map((s) => `secret/${s.metadata.namespace}/${s.metadata.name}`);
  }

  protected keysFor(e: RegistryEvent): string[] {
    const m = e.object.metadata;
    if (e.resource === SECRET && isTokenSecret(e.object as Secret) && e.type !== 'DELETED') return [`secret/${m.namespace}/${m.name}`];
    if (e.resource === SA && e.type === 'DELETED') return [`sa/${m.namespace}/${m.name}`];
    if (e.resource === SA && e.type === 'ADDED') {
      return this.registry
        .list(SECRET, m.namespace)
        .items.filter((s) => isTokenSecret(s as Secret) && s.metadata.annotations?.[SA_NAME_ANNOTATION] === m.name)
        .map((s) => `secret/${m.namespace}/${s.metadata.name}`);
    }
    return [];
  }

  protected async reconcile(key: string): Promise<void> {
    const [type, namespace, name] = key.split('/') as [string, string, string];
    try {
      if (type === 'sa') await this.deleteOrphans(namespace, name);
      else await this.syncSecret(namespace, name);
    } catch (e) {
      if (isStatusError(e) && (e.reason === 'NotFound' || e.reason === 'Conflict')) return;
      throw e;
    }
  }

  private async deleteOrphans(namespace: string, saName: string): Promise<void> {
    if (this.registry.peek(SA, namespace, saName)) return;
    for (const s of this.registry.list(SECRET, namespace).items as Secret[]) {
      if (isTokenSecret(s) && s.metadata.annotations?.[SA_NAME_ANNOTATION] === saName) {
        await this.registry.delete(SECRET, namespace, s.metadata.name!, { preconditions: { uid: s.metadata.uid! } });
      }
    }
  }

  private async syncSecret(namespace: string, name: string): Promise<void> {
    const secret = this.registry.peek(SECRET, namespace, name) as Secret | undefined;
    if (!secret || !isTokenSecret(secret)) return;
    const ann = secret.metadata.annotations ?? {};
    const sa = this.registry.peek(SA, namespace, ann[SA_NAME_ANNOTATION] ?? '') as ServiceAccount | undefined;
    if (!sa || (ann[SA_UID_ANNOTATION] && ann[SA_UID_ANNOTATION] !== sa.metadata.uid)) {
      await this.registry.delete(SECRET, namespace, name, { preconditions: { uid: secret.metadata.uid! } });
      return;
    }
    const data = { ...(secret.data ?? {}) };
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    let changed = false;
    if (this.rootCa && data['ca.crt'] !== b64(this.rootCa)) {
      data['ca.crt'] = b64(this.rootCa);
      changed = true;
    }
    if (!data.namespace) {
      data.namespace = b64(namespace);
      changed = true;
    }
    if (!data.token) {
      const claims = legacyClaims({ namespace, serviceAccountName: sa.metadata.name!, serviceAccountUID: sa.metadata.uid!, secretName: name });
      data.token = b64(await signToken(this.keys, claims));
      changed = true;
    }
    if (!changed && ann[SA_UID_ANNOTATION] === sa.metadata.uid) return;
    const next = structuredClone(secret);
    next.data = data;
    next.metadata.annotations = { ...ann, [SA_NAME_ANNOTATION]: sa.metadata.name!, [SA_UID_ANNOTATION]: sa.metadata.uid! };
    await this.registry.update(SECRET, namespace, name, next);
  }
}

function isTokenSecret(s: Secret | { type?: unknown }): boolean {
  return (s as Secret).type === SA_TOKEN_SECRET_TYPE;
}
