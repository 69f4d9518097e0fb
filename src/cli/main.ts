#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliError } from './create-token.js';
import { registerCommands } from './commands.js';
import { clearProgress } from './progress.js';

/**
 * The `satoken` CLI. Errors print one line (`error: <message>`) and exit non-zero: 1 for
 * failures, 2 for usage errors (and `decode --verify` rejections are 1), never a stack trace.
 */
async function main(argv: string[]): Promise<number> {
  const program = new Command('satoken');
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(s.startsWith('error:') ? s : `error: ${s}`) });
  registerCommands(program);
  try {
    await program.parseAsync(argv, { from: 'node' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    clearProgress();
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n${e.hint ? `${e.hint}\n` : ''}`);
      return e.exitCode;
    }
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

main(process.argv).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
