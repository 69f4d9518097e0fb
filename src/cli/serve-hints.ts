import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { CliError } from './create-token.js';
import { probePort } from './port-probe.js';

/** How to run a second server beside the first: its own data directory and port. */
const SECOND_SERVER = 'to run a second satoken beside it, give it its own data directory and port: satoken serve --data-dir .satoken-2 --secure-port 6444 (--secure-port 0 picks a free port)';

/**
 * The error of a `serve` whose data directory another satoken holds (SQLite's exclusive lock on
 * `<data-dir>/satoken.db`, which only a running `satoken serve` takes): says so, names the URL
 * that server wrote into the directory's kubeconfig, and how to run a second one.
 * @example
 * storeInUseError('.satoken', '/repo/.satoken', '/repo/.satoken/satoken.db is in use by another process');
 * // error: cannot open the store: /repo/.satoken/satoken.db is in use by another process: another satoken serve (https://127.0.0.1:6443) uses --data-dir .satoken
 */
export function storeInUseError(dataDirFlag: string, dataDir: string, message: string): CliError {
  let url: string | undefined;
  const kubeconfig = join(dataDir, 'kubeconfig');
  try {
    if (existsSync(kubeconfig)) url = loadKubeconfig(kubeconfig).server;
  } catch {
    url = undefined;
  }
  return new CliError(`cannot open the store: ${message}: another satoken serve${url ? ` (${url})` : ''} uses --data-dir ${dataDirFlag}`, 1, `Stop it (Ctrl-C in its terminal), or ${SECOND_SERVER}.`);
}

/**
 * The error of a `serve` whose port is taken: whether by another satoken (its /version says
 * so) or by another program, and which flag picks another port.
 * @example
 * await addressInUseError('127.0.0.1', 6443);
 * // error: failed to listen on 127.0.0.1:6443: address already in use (another satoken, https://127.0.0.1:6443, listens there)
 */
export async function addressInUseError(host: string, port: number): Promise<CliError> {
  const who = await probePort(host, port);
  const holder = who.state === 'satoken' ? ` (another satoken, ${who.url}, listens there)` : ' (another program listens there)';
  const hint = who.state === 'satoken' ? 'Stop it (Ctrl-C in its terminal), or pick another port with --secure-port (0 picks a free one); each satoken also needs its own --data-dir.' : 'Pick another port with --secure-port (0 picks a free one).';
  return new CliError(`failed to listen on ${host}:${port}: address already in use${holder}`, 1, hint);
}
