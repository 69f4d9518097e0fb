import type { Command } from 'commander';
import { CliError } from '../create-token.js';
import { useColour } from '../log-output.js';
import { parsePort } from '../serve-options.js';
import type { CheckResult } from './check.js';
import { checkKubectl } from './kubectl-check.js';
import { checkDataDir, checkKeysDir, checkKubeconfigEnv, checkNode, checkPort, checkStoreModule } from './local-checks.js';

interface DoctorFlags {
  securePort: string;
  bindAddress: string;
  dataDir: string;
  keysDir: string;
  output?: string;
}

const COLOURS = { ok: '\u001b[32m', warn: '\u001b[33m', fail: '\u001b[31m' } as const;

/**
 * Every check a first `satoken serve` and the quick start depend on, in the order a person meets
 * them: Node.js, the embedded store's native module, the port, the keys and data directories,
 * KUBECONFIG, kubectl.
 * @example
 * const results = await runDoctor({ securePort: '6443', bindAddress: '127.0.0.1', dataDir: '.satoken', keysDir: 'keys' });
 */
export async function runDoctor(f: DoctorFlags, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult[]> {
  const port = parsePort(f.securePort);
  return [
    checkNode(),
    await checkStoreModule(),
    ...(port === 0 ? [] : [await checkPort(f.bindAddress, port)]),
    checkKeysDir(f.keysDir),
    await checkDataDir(f.dataDir),
    checkKubeconfigEnv(env, f.dataDir),
    await checkKubectl(env),
  ];
}

/**
 * The results, one line each: `ok    node        v20.20.2 (...)`, the status coloured on a terminal.
 * @example
 * renderDoctor([{ check: 'node', status: 'ok', detail: 'v20.20.2' }], false); // 'ok    node        v20.20.2\n'
 */
export function renderDoctor(results: CheckResult[], colour: boolean): string {
  const width = Math.max(...results.map((r) => r.check.length)) + 2;
  return results.map((r) => `${colour ? `${COLOURS[r.status]}${r.status.padEnd(6)}\u001b[0m` : r.status.padEnd(6)}${r.check.padEnd(width)}${r.detail}\n`).join('');
}

/**
 * Registers `satoken doctor`: exit 0 when nothing fails (warnings included), 1 otherwise.
 * @example
 * registerDoctorCommand(program); // satoken doctor [--secure-port 6443] [--data-dir .satoken] [--keys-dir keys] [-o json]
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check what a first run needs (Node.js, the store module, the port, keys and data directories, KUBECONFIG, kubectl) and print one line each')
    .option('--secure-port <port>', 'the port serve would listen on', '6443')
    .option('--bind-address <ip>', 'the address serve would listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'the data directory serve would use', '.satoken')
    .option('--keys-dir <dir>', 'the keys directory serve would use', 'keys')
    .option('-o, --output <format>', 'json for scripts')
    .addHelpText('after', '\nExit codes: 0 when nothing fails (warnings allowed), 1 when a check fails.\n\nExamples:\n  satoken doctor\n  satoken doctor --secure-port 6444 --data-dir .satoken-2\n')
    .action(async (f: DoctorFlags) => {
      if (f.output !== undefined && f.output !== 'json') throw new CliError(`unknown output format "${f.output}": only json`, 2);
      const results = await runDoctor(f);
      process.stdout.write(f.output === 'json' ? `${JSON.stringify(results, null, 2)}\n` : renderDoctor(results, useColour(process.stdout, process.env)));
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
