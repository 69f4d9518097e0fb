import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from './api/app.js';
import { rbacEscalationAdmission } from './auth/admission/rbac-escalation.js';
import { buildAuthorizer, ensureBootstrapPolicy } from './auth/access-control.js';
import { renderKubeconfig } from './client/kubeconfig.js';
import type { Emulator } from './emulator.js';
import { issueCertificate, createCertificateAuthority } from './keys/index.js';

export interface ListenOptions {
  /** port on 127.0.0.1 (default 0: a free one) */
  port?: number;
  /** serve HTTPS with a certificate for 127.0.0.1/localhost (default true; kubectl sends credentials only over https) */
  https?: boolean;
  /** `--authorization-mode` (default Node,RBAC with the bootstrap policy) */
  authorizationModes?: string[];
}

export interface ListeningEmulator {
  url: string;
  /** where the JWKS is served */
  jwksUri: string;
  /** a kubeconfig for an admin (group system:masters), as YAML text */
  kubeconfig: string;
  /** the admin's bearer token */
  adminToken: string;
  /** the CA that signed the serving certificate (https only) */
  caCert: string | undefined;
  close(): Promise<void>;
}

/**
 * Puts an emulator on the network, for code under test that speaks HTTP: the same API server as
 * `satoken serve` (routes, authentication, RBAC, discovery), on 127.0.0.1.
 * @example
 * const emu = await createEmulator();
 * const srv = await listen(emu);
 * process.env.KUBECONFIG_DATA = srv.kubeconfig; // hand it to the code under test
 * await srv.close();
 */
export async function listen(emu: Emulator, opts: ListenOptions = {}): Promise<ListeningEmulator> {
  const adminToken = randomBytes(24).toString('base64url');
  emu.addStaticToken(adminToken, { username: 'kubernetes-admin', uid: 'kubernetes-admin', groups: ['system:masters'] });
  await ensureBootstrapPolicy(emu.registry);
  const { authorizer, ruleResolver } = buildAuthorizer({ modes: opts.authorizationModes ?? ['Node', 'RBAC'], registry: emu.registry, clock: emu.rawClock });
  emu.registry.admission.push(rbacEscalationAdmission({ authorizer, registry: emu.registry }));
  let address = '127.0.0.1:0';
  const https = opts.https !== false;
  const app = createApp({
    emulator: emu,
    authorizer,
    ruleResolver,
    logger: pino({ level: 'silent' }),
    get externalAddress() {
      return address;
    },
    get jwksUri() {
      return https ? undefined : `http://${address}/openid/v1/jwks`;
    },
  });
  let server: Server;
  let caCert: string | undefined;
  if (https) {
    const ca = await createCertificateAuthority({ clock: emu.rawClock });
    const leaf = await issueCertificate({ caCert: ca.cert, caKey: ca.key, subject: [{ CN: ['kube-apiserver'] }], usage: 'serverAuth', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], clock: emu.rawClock, days: 365 });
    caCert = ca.cert;
    server = createHttpsServer({ key: leaf.key, cert: leaf.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: false }, app);
  } else server = createHttpServer(app);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${https ? 'https' : 'http'}://${address}`;
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
