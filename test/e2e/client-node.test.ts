import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let kc: k8s.KubeConfig;
beforeAll(async () => {
  server = await startServer();
  kc = new k8s.KubeConfig();
  kc.loadFromString(readFileSync(server.kubeconfig, 'utf8'));
});
afterAll(async () => {
  await server.stop();
  cleanup(server.dir);
});

describe('@kubernetes/client-node through the generated kubeconfig', () => {
  it('creates a service account, a token, and reviews it', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'node-client' } } });
    const tr = await core.createNamespacedServiceAccountToken({
      name: 'node-client',
      namespace: 'default',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 600 } },
    });
    expect(tr.status?.expirationTimestamp).toBeInstanceOf(Date);
    const auth = kc.makeApiClient(k8s.AuthenticationV1Api);
    const rev = await auth.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: tr.status!.token, audiences: ['vault'] } } });
    expect(rev.status?.authenticated).toBe(true);
    expect(rev.status?.user?.username).toBe('system:serviceaccount:default:node-client');
    expect(rev.status?.audiences).toEqual(['vault']);
  });

  it('surfaces a 404 Status as an ApiException', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await expect(core.createNamespacedServiceAccountToken({ name: 'missing', namespace: 'default', body: { spec: { audiences: ['x'] } } })).rejects.toMatchObject({ code: 404 });
  });
});
