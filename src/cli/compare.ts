import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from './create-token.js';
import { renderCompareHtml } from './compare-html.js';
import { renderCompare } from './compare-render.js';
import { type CompareResult, runCompareScenario } from './compare-scenario.js';

interface CompareFlags {
  output?: string;
  html?: string;
  start?: string;
}

/**
 * Runs the comparison and renders it: text tables (default), `-o json` for scripts, and with
 * `--html FILE` also a self-contained page with the timeline drawn as a chart.
 * @example
 * process.stdout.write((await compare({ output: 'json' })).text);
 */
export async function compare(f: CompareFlags): Promise<{ result: CompareResult; text: string }> {
  if (f.output !== undefined && f.output !== 'json') throw new CliError(`unknown output format "${f.output}": only json`, 2);
  let start: number | undefined;
  if (f.start !== undefined) {
    start = Date.parse(f.start);
    if (!Number.isFinite(start)) throw new CliError(`--start must be a date (RFC 3339), got ${f.start}`, 2);
  }
  const result = await runCompareScenario(start === undefined ? {} : { start });
  if (f.html) writeFileSync(f.html, renderCompareHtml(result));
  return { result, text: f.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderCompare(result) };
}

/**
 * Registers `satoken compare`.
 * @example
 * registerCompareCommand(program); // satoken compare [-o json] [--html FILE] [--start DATE]
 */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('bound and legacy tokens side by side through a scripted lifetime on a manual clock: refresh, the hour, a day, pod deletion, two years of legacy clean-up, service-account deletion')
    .option('-o, --output <format>', 'json for scripts')
    .option('--html <file>', 'also write a self-contained HTML page with the timeline as a chart')
    .option('--start <date>', 'start of the manual clock (RFC 3339)', '2026-01-01T00:00:00Z')
    .addHelpText('after', '\nNo server needed: it runs an in-process emulator and kubelet into a temporary directory.\n\nExamples:\n  satoken compare\n  satoken compare -o json | jq \'.steps[] | {step, accepted: [.tokens[].accepted]}\'\n  satoken compare --html compare.html\n')
    .action(async (f: CompareFlags) => {
      const { text } = await compare(f);
      process.stdout.write(text);
      if (f.html) process.stderr.write(`wrote ${f.html}\n`);
    });
}
