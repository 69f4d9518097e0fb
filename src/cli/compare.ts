import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from './create-token.js';
import type { CompareResult } from './compare-scenario.js';
import { NO_PROGRESS, type Progress, terminalProgress } from './progress.js';

interface CompareFlags {
  output?: string;
  html?: string;
  start?: string;
}

/**
 * Runs the comparison and renders it: text tables (default), `-o json` for scripts, or with
 * `--html FILE` a self-contained page with the timeline drawn as a chart (the text is then only
 * `wrote FILE`; `-o json` still prints the JSON). Each step is reported to `progress`.
 * @example
 * process.stdout.write((await compare({ output: 'json' })).text);
 */
export async function compare(f: CompareFlags, progress: Progress = NO_PROGRESS): Promise<{ result: CompareResult; text: string }> {
  if (f.output !== undefined && f.output !== 'json') throw new CliError(`unknown output format "${f.output}": only json`, 2);
  let start: number | undefined;
  if (f.start !== undefined) {
    start = Date.parse(f.start);
    if (!Number.isFinite(start)) throw new CliError(`--start must be a date (RFC 3339), got ${f.start}`, 2);
  }
  // the scenario (a whole emulator) and its renderers load when the command runs, not at every start of the CLI
  const [{ runCompareScenario }, { renderCompareHtml }, { renderCompare }] = await Promise.all([import('./compare-scenario.js'), import('./compare-html.js'), import('./compare-render.js')]);
  const result = await runCompareScenario({ ...(start === undefined ? {} : { start }), onStep: (i, of, name) => progress.step(`step ${i}/${of}: ${name}`) });
  progress.done();
  if (f.html) {
    try {
      writeFileSync(f.html, renderCompareHtml(result));
    } catch (e) {
      throw new CliError(`cannot write ${f.html}: ${(e as Error).message}`);
    }
  }
  // --html alone writes the page and says so; -o json (or no --html) prints the comparison too
  const text = f.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : f.html ? `wrote ${f.html}\n` : renderCompare(result);
  return { result, text };
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
    .option('--html <file>', 'write a self-contained HTML page with the timeline as a chart (instead of the tables; with -o json, as well as the JSON)')
    .option('--start <date>', 'start of the manual clock (RFC 3339)', '2026-01-01T00:00:00Z')
    .addHelpText('after', '\nNo server needed: it runs an in-process emulator and kubelet into a temporary directory.\n\nExamples:\n  satoken compare\n  satoken compare -o json | jq \'.steps[] | {step, accepted: [.tokens[].accepted]}\'\n  satoken compare --html compare.html\n')
    .action(async (f: CompareFlags) => {
      const { text } = await compare(f, terminalProgress(process.stderr, 'satoken compare'));
      process.stdout.write(text);
      if (f.html && f.output === 'json') process.stderr.write(`wrote ${f.html}\n`);
    });
}
