import * as k8s from '@kubernetes/client-node';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/index.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await createEmulator({ clock: 'real' });
  await emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'default' } });
});
afterAll(() => emu.close());

describe('emulator.listen', () => {
  it('hands a JWKS URI that a relying party (jose) verifies tokens against', async () => {
    const srv = await emu.listen({ https: false });
    try {
      const tr = await emu.requestToken('default', 'app', { audiences: ['vault'] });
      const jwks = createRemoteJWKSet(new URL(srv.jwksUri));
      const { payload } = await jwtVerify(tr.status.token, jwks, { issuer: emu.issuer, audience: 'vault' });
      expect(payload.sub).toBe('system:serviceaccount:default:app');
    } finally {
      await srv.close();
    }
  });

  it('hands an HTTPS kubeconfig that client libraries use as they would a cluster', async () => {
    const srv = await emu.listen();
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromString(srv.kubeconfig);
      const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedServiceAccount({ namespace: 'default' });
      expect(list.items.map((i) => i.metadata?.name)).toContain('app');
      expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await srv.close();
    }
  });
});
