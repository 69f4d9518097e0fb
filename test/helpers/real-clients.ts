import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freePorts } from './etcd.js';
import { cleanup, run, startServer, type ServerProcess } from './server-process.js';

/**
 * Debian's Python, which has python3-kubernetes and python3-jwt; the `python3` on PATH may be
 * another one (pyenv) without them.
 */
export const PYTHON = '/usr/bin/python3';
/** Debian's golang-go. */
export const GO = '/usr/bin/go';
/** Where Debian's golang-*-dev packages put their sources, for GOPATH-mode builds. */
export const GOCODE = '/usr/share/gocode';

const INSTALL = 'run .ci/install-clients.sh (CI installs them)';

/**
 * Fails, rather than skips, when /usr/bin/python3 cannot import the given modules.
 * @example
 * beforeAll(() => requirePythonModules(['kubernetes.client']));
 */
export function requirePythonModules(modules: string[]): void {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: ${INSTALL}`);
  const r = run(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], {});
  if (r.status !== 0) throw new Error(`${PYTHON} cannot import ${modules.join(', ')}: ${INSTALL}\n${r.stderr}`);
}

/**
 * Fails, rather than skips, when Go or the go-oidc v2 sources are missing.
 * @example
 * beforeAll(() => requireGoOidc());
 */
export function requireGoOidc(): void {
  if (!existsSync(GO)) throw new Error(`${GO} is missing (golang-go): ${INSTALL}`);
  const src = join(GOCODE, 'src', 'github.com', 'coreos', 'go-oidc');
  if (!existsSync(join(src, 'oidc.go'))) throw new Error(`go-oidc is missing from ${src} (golang-github-coreos-go-oidc-dev): ${INSTALL}`);
}

/** The admin's bearer token, from the kubeconfig the server wrote. */
export function adminToken(server: ServerProcess): string {
  const kc = parse(readFileSync(server.kubeconfig, 'utf8')) as { users: { user: { token: string } }[] };
  return kc.users[0]!.user.token;
}

/** The cluster CA the server generated into its keys directory (kubeadm's `ca.crt`). */
export function caFile(server: ServerProcess): string {
  return join(server.dir, 'keys', 'ca.crt');
}

/**
 * Starts `satoken serve` whose service-account issuer is exactly its own URL,
 * `https://127.0.0.1:<port>`, as OIDC relying parties require (they fetch discovery from the
 * issuer and compare it byte for byte). The port has to be known before the server starts, so a
 * free one is picked first; should another process take it in between, a new one is tried.
 * @example
 * const server = await startServerAtIssuer();
 * server.url; // https://127.0.0.1:40123, also the `iss` of its tokens
 */
export async function startServerAtIssuer(args: string[] = []): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const [port] = await freePorts(1);
    const issuer = `https://127.0.0.1:${port}`;
    const dir = mkdtempSync(join(tmpdir(), 'satoken-e2e-'));
    try {
      const server = await startServer(['--secure-port', String(port), '--service-account-issuer', issuer, ...args], dir);
      if (server.url !== issuer) {
        await server.stop();
        throw new Error(`server listens on ${server.url}, expected ${issuer}`);
      }
      return server;
    } catch (e) {
      cleanup(dir);
      if (attempt >= 3 || !/address already in use/.test((e as Error).message)) throw e;
    }
  }
}
