import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/** The connection a kubeconfig's current context describes, with file references read. */
export interface Connection {
  server: string;
  caData?: string;
  insecureSkipTLSVerify?: boolean;
  token?: string;
  clientCertData?: string;
  clientKeyData?: string;
  namespace?: string;
  contextName?: string;
  userName?: string;
}

export class KubeconfigError extends Error {}

interface RawKubeconfig {
  'current-context'?: string;
  clusters?: Array<{ name: string; cluster: Record<string, unknown> }>;
  users?: Array<{ name: string; user: Record<string, unknown> }>;
  contexts?: Array<{ name: string; context: { cluster?: string; user?: string; namespace?: string } }>;
}

function readRef(base: string, file: unknown, data: unknown): string | undefined {
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64').toString('utf8');
  if (typeof file === 'string' && file) return readFileSync(isAbsolute(file) ? file : resolve(base, file), 'utf8');
  return undefined;
}

/**
 * Loads a kubeconfig as kubectl's clientcmd does for the fields satoken uses: the current (or
 * named) context's cluster server, CA (`certificate-authority[-data]`,
 * `insecure-skip-tls-verify`), user token (`token`, `tokenFile`), client certificate and key,
 * and namespace. Relative file paths resolve against the kubeconfig's directory.
 * @example
 * const conn = loadKubeconfig('.satoken/kubeconfig');
 */
export function loadKubeconfig(path: string, contextName?: string): Connection {
  let raw: RawKubeconfig;
  try {
    raw = (parse(readFileSync(path, 'utf8')) ?? {}) as RawKubeconfig;
  } catch (e) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  const base = dirname(path);
  const ctxName = contextName ?? raw['current-context'];
  if (!ctxName) throw new KubeconfigError(`kubeconfig ${path} has no current-context`);
  const ctx = raw.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new KubeconfigError(`context "${ctxName}" does not exist in ${path}`);
  const cluster = raw.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster || typeof cluster.server !== 'string') throw new KubeconfigError(`cluster "${ctx.cluster ?? ''}" of context "${ctxName}" has no server`);
  const user = raw.users?.find((u) => u.name === ctx.user)?.user ?? {};
  const conn: Connection = { server: cluster.server, contextName: ctxName };
  const ca = readRef(base, cluster['certificate-authority'], cluster['certificate-authority-data']);
  if (ca) conn.caData = ca;
  if (cluster['insecure-skip-tls-verify'] === true) conn.insecureSkipTLSVerify = true;
  const token = typeof user.token === 'string' ? user.token : readRef(base, user.tokenFile, undefined)?.trim();
  if (token) conn.token = token;
  const cert = readRef(base, user['client-certificate'], user['client-certificate-data']);
  const key = readRef(base, user['client-key'], user['client-key-data']);
  if (cert) conn.clientCertData = cert;
  if (key) conn.clientKeyData = key;
  if (ctx.namespace) conn.namespace = ctx.namespace;
  if (ctx.user) conn.userName = ctx.user;
  return conn;
}

/**
 * Renders a one-context kubeconfig (CA and credentials inline, so the file stands alone).
 * @example
 * writeFileSync('kubeconfig', renderKubeconfig({ server: 'https://127.0.0.1:6443', caData: caPem, token }, 'satoken', 'kubernetes-admin'), { mode: 0o600 });
 */
export function renderKubeconfig(c: Connection, clusterName = 'satoken', userName = 'user'): string {
  const cluster: Record<string, unknown> = { server: c.server };
  if (c.caData) cluster['certificate-authority-data'] = Buffer.from(c.caData).toString('base64');
  if (c.insecureSkipTLSVerify) cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, unknown> = {};
  if (c.token) user.token = c.token;
  if (c.clientCertData) user['client-certificate-data'] = Buffer.from(c.clientCertData).toString('base64');
  if (c.clientKeyData) user['client-key-data'] = Buffer.from(c.clientKeyData).toString('base64');
  const contextName = `${userName}@${clusterName}`;
  const context: Record<string, unknown> = { cluster: clusterName, user: userName };
  if (c.namespace) context.namespace = c.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: contextName, context }],
    'current-context': contextName,
    preferences: {},
  });
}
