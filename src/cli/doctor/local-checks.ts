import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CA_CERT_FILE, SERVING_CERT_FILE, SIGNING_KEY_FILE } from '../../keys/index.js';
import { probePort } from '../port-probe.js';
import { type CheckResult, fail, ok, warn } from './check.js';

/** the oldest Node.js satoken runs on (package.json `engines`) */
export const MIN_NODE_MAJOR = 20;
/** the embedded store's file in the data directory (store/sqlite-schema.ts) */
const DB_FILE = 'satoken.db';

/**
 * The Node.js running satoken is new enough.
 * @example
 * checkNode('20.20.2'); // { check: 'node', status: 'ok', detail: 'v20.20.2 (satoken needs 20 or later)' }
 */
export function checkNode(version: string = process.versions.node): CheckResult {
  const major = Number(version.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return ok('node', `v${version} (satoken needs ${MIN_NODE_MAJOR} or later)`);
  return fail('node', `v${version} is too old: satoken needs Node.js ${MIN_NODE_MAJOR} or later`);
}

/**
 * The port `serve` listens on is free, or held by a satoken (which a second start would meet).
 * @example
 * await checkPort('127.0.0.1', 6443); // { check: 'port', status: 'ok', detail: '127.0.0.1:6443 is free' }
 */
export async function checkPort(host: string, port: number): Promise<CheckResult> {
  const who = await probePort(host, port);
  if (who.state === 'free') return ok('port', `${host}:${port} is free`);
  if (who.state === 'satoken') return warn('port', `${host}:${port} is taken by a running satoken (${who.url}, ${who.version}): use it, or start another with --secure-port (0 picks a free one) and its own --data-dir`);
  return fail('port', `${host}:${port} is taken by another program (${who.reason}): start satoken with --secure-port (0 picks a free one)`);
}

/** Whether `dir` exists and can be read and written, or else can be created. */
function directoryProblem(dir: string, flag: string): string | undefined {
  if (!existsSync(dir)) {
    let parent = dirname(dir);
    while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
    try {
      accessSync(parent, constants.W_OK);
      return undefined;
    } catch {
      return `${dir} does not exist and ${parent} is not writable: pass ${flag} with a directory you can write`;
    }
  }
  if (!statSync(dir).isDirectory()) return `${dir} is not a directory: pass ${flag} with a directory`;
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    return `${dir} is not readable and writable by you: fix its permissions or pass ${flag}`;
  }
  return undefined;
}

/**
 * The keys directory: its files are readable (the signing key private to its owner), or it
 * can be made on the first start.
 * @example
 * checkKeysDir('keys'); // { check: 'keys', status: 'ok', detail: 'keys/ does not exist yet: the first start generates the signing key, the CA and the serving certificate there' }
 */
export function checkKeysDir(flag: string): CheckResult {
  const dir = resolve(flag);
  const problem = directoryProblem(dir, '--keys-dir');
  if (problem) return fail('keys', problem);
  const shown = flag.endsWith('/') ? flag : `${flag}/`;
  if (!existsSync(dir)) return ok('keys', `${shown} does not exist yet: the first start generates the signing key, the CA and the serving certificate there`);
  const files = [SIGNING_KEY_FILE, CA_CERT_FILE, SERVING_CERT_FILE];
  for (const f of files.filter((name) => existsSync(join(dir, name)))) {
    try {
      accessSync(join(dir, f), constants.R_OK);
    } catch {
      return fail('keys', `${join(shown, f)} is not readable by you: fix its permissions or pass --keys-dir`);
    }
  }
  const key = join(dir, SIGNING_KEY_FILE);
  if (existsSync(key) && (statSync(key).mode & 0o077) !== 0) return warn('keys', `${join(shown, SIGNING_KEY_FILE)} can be read by others (mode ${(statSync(key).mode & 0o777).toString(8)}): chmod 600 ${join(shown, SIGNING_KEY_FILE)}`);
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) return ok('keys', `${shown} is readable and writable; the next start generates ${missing.join(', ')}`);
  const retired = readdirSync(dir).filter((f) => f.startsWith('sa-retired-')).length;
  return ok('keys', `${shown} has the signing key, the CA and the serving certificate${retired ? ` (and ${retired} retired key${retired === 1 ? '' : 's'})` : ''}`);
}

/**
 * The data directory: readable and writable (or it can be made), and its store not held by a
 * running satoken.
 * @example
 * await checkDataDir('.satoken'); // { check: 'data', status: 'ok', detail: '.satoken/ does not exist yet: the first start creates it (objects, admin token, kubeconfig)' }
 */
export async function checkDataDir(flag: string): Promise<CheckResult> {
  const dir = resolve(flag);
  const problem = directoryProblem(dir, '--data-dir');
  if (problem) return fail('data', problem);
  const shown = flag.endsWith('/') ? flag : `${flag}/`;
  if (!existsSync(dir)) return ok('data', `${shown} does not exist yet: the first start creates it (objects, admin token, kubeconfig)`);
  const db = join(dir, DB_FILE);
  if (!existsSync(db)) return ok('data', `${shown} is readable and writable; no store yet`);
  const { default: Database } = await import('better-sqlite3');
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true, timeout: 0 });
    try {
      conn.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    } finally {
      conn.close();
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return warn('data', `${join(shown, DB_FILE)} is held by a running satoken serve: a second one needs its own --data-dir`);
    return fail('data', `${join(shown, DB_FILE)} cannot be read: ${(e as Error).message}`);
  }
  return ok('data', `${shown} is readable and writable; store ${join(shown, DB_FILE)} (${Math.ceil(statSync(db).size / 1024)} KiB)`);
}

/**
 * The embedded store's native module (better-sqlite3) loads: an install without its build
 * (install scripts skipped) fails here rather than at the first start.
 * @example
 * await checkStoreModule(); // { check: 'sqlite', status: 'ok', detail: 'better-sqlite3 loads (the embedded store)' }
 */
export async function checkStoreModule(): Promise<CheckResult> {
  try {
    const { default: Database } = await import('better-sqlite3');
    new Database(':memory:').close();
    return ok('sqlite', 'better-sqlite3 loads (the embedded store)');
  } catch (e) {
    return fail('sqlite', `better-sqlite3 does not load (${(e as Error).message.split('\n')[0]}): its install script must run; npm rebuild better-sqlite3`);
  }
}

/**
 * Where the CLI and kubectl will look for a server: `$KUBECONFIG` when set, else the quick
 * start's `.satoken/kubeconfig`.
 * @example
 * checkKubeconfigEnv({ KUBECONFIG: '/home/me/.kube/config' }, '.satoken');
 */
export function checkKubeconfigEnv(env: NodeJS.ProcessEnv, dataDirFlag: string): CheckResult {
  const own = resolve(dataDirFlag, 'kubeconfig');
  const first = env.KUBECONFIG?.split(':').find(Boolean);
  if (!first) return ok('kubeconfig', `KUBECONFIG is not set: satoken's CLI uses ${join(dataDirFlag, 'kubeconfig')}; for kubectl, export KUBECONFIG=$PWD/${join(dataDirFlag, 'kubeconfig')}`);
  if (resolve(first) === own) return ok('kubeconfig', `KUBECONFIG names this satoken's kubeconfig (${first})`);
  return warn('kubeconfig', `KUBECONFIG is ${first}, not this satoken's ${join(dataDirFlag, 'kubeconfig')}: kubectl and satoken's CLI will talk to the server it names`);
}
