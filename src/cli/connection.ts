import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { join } from 'node:path';
import { type Connection, KubeconfigError, loadKubeconfig } from '../client/kubeconfig.js';
import { CliError } from './create-token.js';

export interface ConnectionFlags {
  kubeconfig?: string;
  context?: string;
  server?: string;
  token?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  namespace?: string;
}

/**
 * The server to talk to, as kubectl finds it: `--kubeconfig`, else `$KUBECONFIG` (first entry),
 * else `.satoken/kubeconfig`, else `~/.kube/config`; then `--server`, `--token`,
 * `--certificate-authority`, `--insecure-skip-tls-verify` and `-n` override it.
 */
export function resolveConnection(f: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const candidates = [f.kubeconfig, env.KUBECONFIG?.split(':').find(Boolean), join('.satoken', 'kubeconfig'), env.HOME ? join(env.HOME, '.kube', 'config') : undefined];
  const path = f.kubeconfig ?? candidates.slice(1).find((p) => p && existsSync(p));
  let conn: Connection | undefined;
  if (path) {
    try {
      conn = loadKubeconfig(path, f.context);
    } catch (e) {
      if (e instanceof KubeconfigError || (e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError((e as Error).message);
      throw e;
    }
  }
  if (f.server) conn = { ...(conn ?? {}), server: f.server };
  if (!conn) throw new CliError('no server found: pass --server or --kubeconfig, set KUBECONFIG, or run `satoken serve` here first (it writes .satoken/kubeconfig)');
  if (f.token) conn.token = f.token;
  if (f.certificateAuthority) {
    try {
      conn.caData = readFileSync(f.certificateAuthority, 'utf8');
    } catch (e) {
      throw new CliError(`unable to read certificate-authority ${f.certificateAuthority}: ${(e as Error).message}`);
    }
  }
  if (f.insecureSkipTlsVerify) conn.insecureSkipTLSVerify = true;
  if (f.namespace) conn.namespace = f.namespace;
  return conn;
}

/** The connection flags every command that talks to a server takes (kubectl's names). */
export function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, then .satoken/kubeconfig)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-s, --server <url>', 'address of the API server')
    .option('--token <token>', 'bearer token for the API server')
    .option('--certificate-authority <file>', 'CA certificate file for the API server')
    .option('--insecure-skip-tls-verify', "don't check the server's certificate");
}
