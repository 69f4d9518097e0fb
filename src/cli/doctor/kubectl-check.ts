import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { EMULATED_KUBERNETES, versionInfo } from '../../api/discovery/version.js';
import { type CheckResult, ok, warn } from './check.js';

/** how long one `kubectl version` may take (a dispatcher first asks the server, then execs) */
const KUBECTL_TIMEOUT_MS = 20_000;
/** kubectl's version skew policy: within one minor version of the API server */
const SUPPORTED_SKEW = 1;

/**
 * The first executable `name` on `PATH`, as a shell finds it.
 * @example
 * onPath('kubectl', process.env.PATH); // '/usr/bin/kubectl'
 */
export function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `kubectl version -o json`'s client gitVersion, with the given extra arguments. */
function clientVersion(kubectl: string, args: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(kubectl, ['version', '-o', 'json', ...args], { env, timeout: KUBECTL_TIMEOUT_MS }, (_err, stdout) => {
      try {
        const v = (JSON.parse(stdout) as { clientVersion?: { gitVersion?: unknown } }).clientVersion?.gitVersion;
        done(typeof v === 'string' ? v : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}

/**
 * kubectl is on PATH, and which version of it runs against satoken: some installs (Google
 * Cloud SDK's) are a dispatcher that reads the server's `/version` and runs the matching
 * `kubectl.1.<minor>`. So kubectl is asked once against a stand-in that answers `/version` as
 * satoken does, with its own HOME (no cache, no kubeconfig), and once on its own.
 * @example
 * await checkKubectl(process.env); // { check: 'kubectl', status: 'ok', detail: '/usr/bin/kubectl runs v1.33.1 against satoken (Kubernetes v1.33.1); a version dispatcher: v1.32.4 on its own' }
 */
export async function checkKubectl(env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const kubectl = onPath('kubectl', env.PATH);
  const emulated = `v${EMULATED_KUBERNETES.major}.${EMULATED_KUBERNETES.minor}.${EMULATED_KUBERNETES.patch}`;
  if (!kubectl) return warn('kubectl', `not found on PATH: the quick start's second shell uses it (https://kubernetes.io/docs/tasks/tools/, a ${EMULATED_KUBERNETES.major}.${EMULATED_KUBERNETES.minor} client); satoken's own CLI works without it`);
  const body = JSON.stringify(versionInfo());
  const stand = createServer((req, res) => {
    res.writeHead(req.url?.split('?')[0] === '/version' ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(req.url?.split('?')[0] === '/version' ? body : '{}');
  });
  await new Promise<void>((ok) => stand.listen(0, '127.0.0.1', ok));
  const home = mkdtempSync(join(tmpdir(), 'satoken-doctor-'));
  const isolated = { ...env, HOME: home, KUBECONFIG: join(home, 'none'), KUBECACHEDIR: join(home, 'cache') };
  try {
    const url = `http://127.0.0.1:${(stand.address() as AddressInfo).port}`;
    const [against, alone] = await Promise.all([clientVersion(kubectl, ['--server', url, '--request-timeout', '10s'], isolated), clientVersion(kubectl, ['--client'], isolated)]);
    const where = kubectl === realpathSync(kubectl) ? kubectl : `${kubectl} (${realpathSync(kubectl)})`;
    if (!against) return warn('kubectl', `${where} did not report its version: run kubectl version --client to see why`);
    const dispatcher = alone && alone !== against ? `; a version dispatcher: ${alone} on its own` : '';
    const minor = Number(/^v\d+\.(\d+)\./.exec(against)?.[1]);
    if (!Number.isFinite(minor) || Math.abs(minor - Number(EMULATED_KUBERNETES.minor)) > SUPPORTED_SKEW) {
      return warn('kubectl', `${where} runs ${against} against satoken (Kubernetes ${emulated}): more than ${SUPPORTED_SKEW} minor version apart, outside kubectl's skew policy; install a ${EMULATED_KUBERNETES.major}.${EMULATED_KUBERNETES.minor} client${dispatcher}`);
    }
    return ok('kubectl', `${where} runs ${against} against satoken (Kubernetes ${emulated})${dispatcher}`);
  } finally {
    stand.close();
    rmSync(home, { recursive: true, force: true });
  }
}
