import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ensureSigningKey, listKeys, rotateSigningKey } from '../keys/index.js';
import { CliError } from './create-token.js';

/**
 * `satoken keys generate|list|rotate`: the keys directory `serve` uses. Rotation makes a new
 * signing key and keeps the old public key (as `sa-retired-<kid>.pub`), so tokens signed before
 * keep verifying and both keys are published in the JWKS.
 */
export function registerKeyCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('manage the service-account signing keys in the keys directory')
    .addHelpText('after', '\nExamples:\n  satoken keys generate --algorithm ES256\n  satoken keys list -o json\n  satoken keys rotate   # then restart serve: new tokens use the new key, old ones keep verifying\n');
  const dirOption = ['--keys-dir <dir>', 'the keys directory', 'keys'] as const;
  keys
    .command('generate')
    .description('create sa.key/sa.pub if missing')
    .addHelpText('after', '\nExample:\n  satoken keys generate --keys-dir keys --algorithm RS256\n')
    .option(...dirOption)
    .option('--algorithm <alg>', 'RS256 or ES256', 'RS256')
    .action(async (f: { keysDir: string; algorithm: string }) => {
      const alg = checkAlg(f.algorithm);
      const r = await ensureSigningKey(resolve(f.keysDir), { algorithm: alg });
      process.stdout.write(r.created ? `created ${r.signingKeyFile} and ${r.publicKeyFile}\n` : `${r.signingKeyFile} exists; nothing to do (use "satoken keys rotate" for a new key)\n`);
    });
  keys
    .command('list')
    .description('list the keys with their key ids (kid)')
    .addHelpText('after', '\nExample:\n  satoken keys list --keys-dir keys\n')
    .option(...dirOption)
    .option('-o, --output <format>', 'json')
    .action(async (f: { keysDir: string; output?: string }) => {
      const list = await listKeys(resolve(f.keysDir));
      if (f.output === 'json') {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (list.length === 0) throw new CliError(`no keys in ${resolve(f.keysDir)}; run "satoken keys generate"`);
      const rows = [['KID', 'ALG', 'ROLE', 'FILE'], ...list.map((k) => [k.kid, k.alg, k.signing ? 'signing' : 'verify-only', k.file])];
      const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)) + 3);
      process.stdout.write(rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(w[i]!) : c)).join('')).join('\n') + '\n');
    });
  keys
    .command('rotate')
    .description('new signing key; the old public key keeps verifying (restart serve to pick it up)')
    .addHelpText('after', '\nExample:\n  satoken keys rotate --keys-dir keys && satoken keys list --keys-dir keys\n')
    .option(...dirOption)
    .option('--algorithm <alg>', 'RS256 or ES256', 'RS256')
    .action(async (f: { keysDir: string; algorithm: string }) => {
      const r = await rotateSigningKey(resolve(f.keysDir), { algorithm: checkAlg(f.algorithm) });
      process.stdout.write(`new signing key ${r.kid}; ${r.retired ? `retired ${r.retired} (still verifies)` : 'no previous key'}\n`);
    });
}

function checkAlg(a: string): 'RS256' | 'ES256' {
  if (a !== 'RS256' && a !== 'ES256') throw new CliError(`--algorithm must be RS256 or ES256, got ${a}`, 2);
  return a;
}
