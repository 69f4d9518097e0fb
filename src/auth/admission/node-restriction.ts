import { errors } from '../../errors/index.js';
import { kindInfo } from '../../registry/kinds.js';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import type { Pod, UserInfo } from '../../registry/types.js';
import type { TokenRequestAdmission } from '../../registry/token-request.js';

const NODE_USER_PREFIX = 'system:node:';
const POD = kindInfo('Pod')!;

/** The node name of a `system:node:<name>` identity in group `system:nodes`, else undefined. */
export function nodeNameOf(user: UserInfo | undefined): string | undefined {
  if (!user?.username?.startsWith(NODE_USER_PREFIX) || !user.groups?.includes('system:nodes')) return undefined;
  return user.username.slice(NODE_USER_PREFIX.length) || undefined;
}

/**
 * NodeRestriction's `admitServiceAccount` (plugin/pkg/admission/noderestriction/admission.go):
 * a kubelet may request tokens only bound to a pod, with its uid, scheduled on that very node.
 * All refusals are 403 with Kubernetes' words; a missing pod is the lookup's 404.
 */
export function nodeRestrictionForTokens(registry: ObjectRegistry): TokenRequestAdmission {
  return ({ namespace, serviceAccountName, request, user }) => {
    const node = nodeNameOf(user);
    if (!node) return;
    const deny = (msg: string) => errors.forbidden('serviceaccounts', serviceAccountName, msg);
    const ref = request.spec.boundObjectRef;
    if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) throw deny('node requested token not bound to a pod');
    if (!ref.uid) throw deny('node requested token with a pod binding without a uid');
    const pod = registry.peek(POD, namespace, ref.name) as Pod | undefined;
    if (!pod) throw errors.notFound('pods', ref.name);
    if (pod.metadata.uid !== ref.uid) {
      throw deny(`the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    if (pod.spec.nodeName !== node) throw deny('node requested token bound to a pod scheduled on a different node');
  };
}
