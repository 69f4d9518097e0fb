import { Option } from 'commander';
import { LOG_FORMATS, LOG_LEVELS } from './log-output.js';

/**
 * `--log-level`, shared by the long-running commands.
 * @example
 * program.command('serve').addOption(logLevelOption());
 */
export function logLevelOption(): Option {
  return new Option('--log-level <level>', 'least severe level logged (to standard error); warn or silent for a quiet terminal').choices(LOG_LEVELS).default('info');
}

/**
 * `--log-format`, shared by the long-running commands.
 * @example
 * program.command('serve').addOption(logFormatOption());
 */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'text: readable lines; json: one JSON object a line, for collectors; auto: text on a terminal, json otherwise').choices(LOG_FORMATS).default('auto');
}
