/**
 * `nodeidentifier.NewDefaultNodeIdentifier` (pkg/auth/nodeidentifier/default.go): who is a node.
 * The Node authorizer and the NodeRestriction admission plugin both key on it.
 */
import type { UserInfo } from '../../registry/types.js';

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

/**
 * The node name of a `system:node:<name>` user in group `system:nodes` (`""` when the name is
 * missing: a node, but an unknown one), or undefined for anyone else.
 * @example
 * nodeIdentity({ username: 'system:node:n1', groups: ['system:nodes'] }); // 'n1'
 * nodeIdentity({ username: 'system:node:n1', groups: [] }); // undefined
 */
export function nodeIdentity(user: UserInfo | undefined): string | undefined {
  if (!user || !user.username?.startsWith(NODE_USER_PREFIX) || !user.groups?.includes(NODES_GROUP)) return undefined;
  return user.username.slice(NODE_USER_PREFIX.length);
}
