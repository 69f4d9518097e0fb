import { randomBytes } from 'node:crypto';
import { buildApiServer } from './api/server.js';
import { renderKubeconfig } from './client/kubeconfig.js';
import type { ControlPlane } from './control-plane.js';
import { issueCertificate, createCertificateAuthority } from './keys/index.js';

export interface ListenOptions {
  /** port on 127.0.0.1 (default 0: a free one) */
  port?: number;
  /** serve HTTPS with a certificate for 127.0.0.1/localhost (default true; kubectl sends credentials only over https) */
  https?: boolean;
}

export interface ListeningEmulator {
  url: string;
  /** where the JWKS is served */
  jwksUri: string;
  /** a kubeconfig for an admin (group system:masters), as YAML text */
  kubeconfig: string;
  /** the admin's bearer token */
  adminToken: string;
  /**
   * the CA that signed the serving certificate (https only): the cluster CA published in every
   * namespace's `kube-root-ca.crt`, as in a cluster, unless the emulator was given a CA
   * certificate without its key (then a CA of its own)
   */
  caCert: string | undefined;
  close(): Promise<void>;
}

/**
 * Puts a control plane on the network, for code under test that speaks HTTP: the same API
 * server as `satoken serve` (api/server.ts), on 127.0.0.1, with a new admin token.
 * @example
 * const srv = await emu.listen();
 * process.env.KUBECONFIG_DATA = srv.kubeconfig; // hand it to the code under test
 * await srv.close();
 */
export async function listen(cp: ControlPlane, opts: ListenOptions = {}): Promise<ListeningEmulator> {
  const adminToken = randomBytes(24).toString('base64url');
  cp.addStaticToken(adminToken, { username: 'kubernetes-admin', uid: 'kubernetes-admin', groups: ['system:masters'] });
  let address = '127.0.0.1:0';
  const https = opts.https !== false;
  const api = buildApiServer(cp, {
    externalAddress: () => address,
    jwksUri: () => (https ? undefined : `http://${address}/openid/v1/jwks`),
    ...(cp.workloadIdentity ? { publicEndpoints: [cp.workloadIdentity.endpoint] } : {}),
  });
  let caCert: string | undefined;
  let tls: { key: string; cert: string; ca: string[] } | undefined;
  if (https) {
    // in-cluster clients trust kube-root-ca.crt: serve a certificate that CA signed when its key is here
    const ca = cp.keys.caKey ? { cert: cp.keys.caCert, key: cp.keys.caKey } : await createCertificateAuthority({ clock: cp.clock });
    const leaf = await issueCertificate({ caCert: ca.cert, caKey: ca.key, subject: [{ CN: ['kube-apiserver'] }], usage: 'serverAuth', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], clock: cp.clock, days: 365 });
    caCert = ca.cert;
    tls = { key: leaf.key, cert: leaf.cert, ca: [ca.cert] };
  }
  const { server, port } = await api.listen(opts.port ?? 0, '127.0.0.1', tls);
  address = `127.0.0.1:${port}`;
  const url = `${https ? 'https' : 'http'}://${address}`;
  cp.workloadIdentity?.serveAt(url, caCert ? [caCert] : []);
  return {
    url,
    jwksUri: `${url}/openid/v1/jwks`,
    kubeconfig: renderKubeconfig({ server: url, ...(caCert ? { caData: caCert } : { insecureSkipTLSVerify: true }), token: adminToken, namespace: 'default' }, 'satoken', 'kubernetes-admin'),
    adminToken,
    caCert,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
