/**
 * The environment of the program, as a pod's container gets it, and the check that in-cluster
 * clients can reach the server the way they dial it.
 */
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { extractPodField } from '../kubelet/downward-api.js';
import type { Pod } from '../registry/types.js';
import { CONTAINER_NAME } from './check-pod.js';
import { setupError } from './errors.js';
import type { VolumeMountPlan } from './volume-set.js';

/** The environment variable that names the token directory in token-dir mode. */
export const TOKEN_DIR_ENV = 'SATOKEN_TOKEN_DIR';

/** Where in-cluster clients dial: `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT`. */
export interface ServiceAddress {
  host: string;
  port: number;
}

/**
 * The address in-cluster clients will dial for `server` (the URL's host and port, IPv6
 * without brackets, as Kubernetes sets `KUBERNETES_SERVICE_HOST`). In-cluster clients speak
 * HTTPS only: a plain-HTTP server is a set-up error.
 * @example
 * serviceAddress('https://127.0.0.1:6443'); // { host: '127.0.0.1', port: 6443 }
 */
export function serviceAddress(server: string): ServiceAddress {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw setupError(`the server URL ${JSON.stringify(server)} is not a URL`);
  }
  if (url.protocol !== 'https:') throw setupError(`in-cluster clients speak HTTPS only, and ${server} is plain HTTP: run satoken serve without --http`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : 443 };
}

/**
 * The variables the kubelet gives every container for the `kubernetes` service
 * (pkg/kubelet/envvars/envvars.go): `KUBERNETES_SERVICE_HOST`, `_PORT`, `_PORT_HTTPS` and the
 * Docker-link `KUBERNETES_PORT*` ones.
 * @example
 * serviceEnv({ host: '127.0.0.1', port: 6443 }).KUBERNETES_PORT; // 'tcp://127.0.0.1:6443'
 */
export function serviceEnv(a: ServiceAddress): Record<string, string> {
  const hostPort = isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
  const p = String(a.port);
  return {
    KUBERNETES_SERVICE_HOST: a.host,
    KUBERNETES_SERVICE_PORT: p,
    KUBERNETES_SERVICE_PORT_HTTPS: p,
    KUBERNETES_PORT: `tcp://${hostPort}`,
    [`KUBERNETES_PORT_${p}_TCP`]: `tcp://${hostPort}`,
    [`KUBERNETES_PORT_${p}_TCP_PROTO`]: 'tcp',
    [`KUBERNETES_PORT_${p}_TCP_PORT`]: p,
    [`KUBERNETES_PORT_${p}_TCP_ADDR`]: a.host,
  };
}

/**
 * The program's environment:
 * - the check's own environment (PATH, HOME, ...), less `KUBECONFIG` and any `KUBERNETES_*`
 *   (a pod has neither, and a client that prefers a kubeconfig would not use the volume);
 * - the container's `env` as admission left it (`value`, and `fieldRef` through the downward
 *   API); other sources are skipped and reported;
 * - the `kubernetes` service variables;
 * - in token-dir mode `SATOKEN_TOKEN_DIR`, and every pod variable whose value is a path inside a
 *   mount rewritten to the mirrored directory;
 * - `extra` last.
 * @example
 * const { env, skipped } = programEnv({ base: process.env, pod, address, tokenDir: undefined, mounts, extra: {} });
 */
export function programEnv(o: { base: NodeJS.ProcessEnv; pod: Pod; address: ServiceAddress; tokenDir: string | undefined; mounts: readonly VolumeMountPlan[]; extra: Readonly<Record<string, string>> }): { env: NodeJS.ProcessEnv; skipped: string[] } {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(o.base)) if (k !== 'KUBECONFIG' && !k.startsWith('KUBERNETES_') && v !== undefined) env[k] = v;
  const skipped: string[] = [];
  const container = o.pod.spec.containers.find((c) => c.name === CONTAINER_NAME);
  const mirrored = (v: string): string => {
    if (o.tokenDir === undefined) return v;
    const m = o.mounts.find((x) => v === x.mountPath || v.startsWith(`${x.mountPath}/`));
    return m ? `${m.hostDir}${v.slice(m.mountPath.length)}` : v;
  };
  for (const e of container?.env ?? []) {
    const fieldPath = (e.valueFrom as { fieldRef?: { fieldPath?: string } } | undefined)?.fieldRef?.fieldPath;
    if (e.value !== undefined) env[e.name] = mirrored(e.value);
    else if (fieldPath) env[e.name] = extractPodField(o.pod, fieldPath);
    else if (e.valueFrom) skipped.push(e.name);
    else env[e.name] = '';
  }
  Object.assign(env, serviceEnv(o.address));
  if (o.tokenDir !== undefined) env[TOKEN_DIR_ENV] = o.tokenDir;
  Object.assign(env, o.extra);
  return { env, skipped };
}

/**
 * Whether an in-cluster client would trust the server: a TLS handshake with `host` as it is
 * dialled, verified against the volume's `ca.crt` (host name or IP checked against the
 * certificate's SANs). A set-up error says what failed.
 * @example
 * await verifyServing({ host: '127.0.0.1', port: 6443 }, caPem);
 */
export function verifyServing(a: ServiceAddress, caPem: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((ok, fail) => {
    const socket = connect({ host: a.host, port: a.port, ca: caPem, ...(isIP(a.host) ? {} : { servername: a.host }), timeout: timeoutMs });
    const done = (e?: Error) => {
      socket.destroy();
      if (!e) return ok();
      fail(setupError(`an in-cluster client would not trust the server: the TLS handshake with ${a.host}:${a.port} against the volume's ca.crt (ConfigMap kube-root-ca.crt) failed: ${e.message}`, e));
    };
    socket.once('secureConnect', () => done());
    socket.once('error', (e) => done(e));
    socket.once('timeout', () => done(new Error(`no answer in ${timeoutMs} ms`)));
  });
}
