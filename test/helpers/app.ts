import type express from 'express';
import { buildApiServer } from '../../src/api/server.js';
import { tokenHash } from '../../src/auth/authenticators/static-token-file.js';
import { controlPlaneOf, type Emulator, type EmulatorOptions } from '../../src/emulator.js';
import type { UserInfo } from '../../src/registry/types.js';
import { fixture } from './emulator.js';

export const ADMIN_TOKEN = 'admin-token-for-tests';
export const JANE_TOKEN = 'jane-token-for-tests';

/**
 * An emulator with the fixture objects, bootstrap RBAC, RBAC escalation checks, and the API
 * server's app (api/server.ts, as `serve` builds it) with Node,RBAC authorization (or `modes`,
 * with `policyFile` for ABAC and `webhookConfigFile` for Webhook).
 */
export async function appFixture(opts: EmulatorOptions & { modes?: string[]; anonymousAuth?: boolean; publicDiscovery?: boolean; policyFile?: string; webhookConfigFile?: string } = {}): Promise<{ emu: Emulator; app: express.Express }> {
  const staticTokens = new Map<string, UserInfo>();
  const h = tokenHash;
  staticTokens.set(h(ADMIN_TOKEN), { username: 'kubernetes-admin', uid: 'admin', groups: ['system:masters', 'system:authenticated'], extra: {} });
  staticTokens.set(h(JANE_TOKEN), { username: 'jane', uid: 'jane', groups: ['devs', 'system:authenticated'], extra: {} });
  const { modes, anonymousAuth, publicDiscovery, policyFile, webhookConfigFile, ...emulatorOptions } = opts;
  const emu = await fixture({
    staticTokens,
    ...emulatorOptions,
    authorization: { modes: modes ?? ['Node', 'RBAC'], ...(policyFile ? { policyFile } : {}), ...(webhookConfigFile ? { webhookConfigFile } : {}) },
  });
  const { app } = buildApiServer(controlPlaneOf(emu), {
    externalAddress: () => '127.0.0.1:6443',
    ...(anonymousAuth !== undefined ? { anonymousAuth } : {}),
    ...(publicDiscovery !== undefined ? { publicDiscovery } : {}),
  });
  return { emu, app };
}

export const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
export const jane = { Authorization: `Bearer ${JANE_TOKEN}` };
