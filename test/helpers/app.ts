import pino from 'pino';
import type express from 'express';
import { createApp } from '../../src/api/app.js';
import { buildAuthorizer, ensureBootstrapPolicy } from '../../src/auth/access-control.js';
import { rbacEscalationAdmission } from '../../src/auth/admission/rbac-escalation.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator.js';
import type { UserInfo } from '../../src/registry/types.js';
import { fixture } from './emulator.js';

export const ADMIN_TOKEN = 'admin-token-for-tests';
export const JANE_TOKEN = 'jane-token-for-tests';

/**
 * An emulator with the fixture objects, bootstrap RBAC, RBAC escalation checks, and an app with
 * Node,RBAC authorization (or `modes`, with `policyFile` for ABAC and `webhookConfigFile` for Webhook).
 */
export async function appFixture(opts: EmulatorOptions & { modes?: string[]; anonymousAuth?: boolean; publicDiscovery?: boolean; policyFile?: string; webhookConfigFile?: string } = {}): Promise<{ emu: Emulator; app: express.Express }> {
  const staticTokens = new Map<string, UserInfo>();
  const { createHash } = await import('node:crypto');
  const h = (t: string) => createHash('sha256').update(t).digest('base64');
  staticTokens.set(h(ADMIN_TOKEN), { username: 'kubernetes-admin', uid: 'admin', groups: ['system:masters', 'system:authenticated'], extra: {} });
  staticTokens.set(h(JANE_TOKEN), { username: 'jane', uid: 'jane', groups: ['devs', 'system:authenticated'], extra: {} });
  const emu = await fixture({ staticTokens, ...opts });
  await ensureBootstrapPolicy(emu.registry);
  const { authorizer, ruleResolver } = buildAuthorizer({ modes: opts.modes ?? ['Node', 'RBAC'], registry: emu.registry, clock: emu.rawClock, ...(opts.policyFile ? { policyFile: opts.policyFile } : {}), ...(opts.webhookConfigFile ? { webhookConfigFile: opts.webhookConfigFile } : {}) });
  emu.registry.admission.push(rbacEscalationAdmission({ authorizer, registry: emu.registry }));
  const app = createApp({
    emulator: emu,
    authorizer,
    ruleResolver,
    logger: pino({ level: 'silent' }),
    externalAddress: '127.0.0.1:6443',
    ...(opts.anonymousAuth !== undefined ? { anonymousAuth: opts.anonymousAuth } : {}),
    ...(opts.publicDiscovery !== undefined ? { publicDiscovery: opts.publicDiscovery } : {}),
  });
  return { emu, app };
}

export const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
export const jane = { Authorization: `Bearer ${JANE_TOKEN}` };
