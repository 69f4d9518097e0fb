import type { Command } from 'commander';
import { CliError } from './create-token.js';
import { parseGoDuration } from '../util/go-duration.js';

/** Go's strconv.ParseBool, which pflag's bool flags use for `--flag=value`. */
const GO_BOOLS: Record<string, boolean> = { '1': true, t: true, T: true, TRUE: true, true: true, True: true, '0': false, f: false, F: false, FALSE: false, false: false, False: false };

/** Flags whose value pflag parses as it reads them, with the error Go gives for a bad one. */
const TYPED_VALUES: Record<string, (v: string) => void> = {
  duration: (v) => void parseGoDuration(v),
};

interface FlagSpec {
  /** pflag's name for messages: `--duration`; a shorthand is named as `'n' in -n` */
  long: string;
  takesValue: boolean;
}

/**
 * Reads a kubectl-compatible command's arguments as kubectl's flag parser (spf13/pflag) does,
 * before commander sees them, so that its errors are kubectl's, word for word, with exit 1:
 * - `unknown flag: --durration` (the name without any `=value`);
 * - `unknown shorthand flag: 'x' in -xq`;
 * - `flag needs an argument: --duration`, `flag needs an argument: 'n' in -n`;
 * - `invalid argument "5x" for "--duration" flag: time: unknown unit "x" in duration "5x"`,
 *   at parse time as pflag does, so before any check of the arguments;
 * - `--bool=value` with Go's ParseBool, and `invalid argument ... strconv.ParseBool ...` otherwise.
 * A flag that takes a value takes the next argument whatever it is (`--duration --server`),
 * as pflag does. Each error is followed by `See '<command> --help' for usage.`
 * Returns the arguments with `--bool=value` rewritten as commander reads it.
 * Source: spf13/pflag flag.go (parseLongArg, parseSingleShortArg), kubectl's usage line in
 * staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go (UsageErrorf's "See '%s -h'" sibling).
 * @example
 * pflagArgs(createTokenCommand, ['build-robot', '--durration=5m'], 'satoken create token');
 * // throws CliError('unknown flag: --durration', 1, "See 'satoken create token --help' for usage.")
 */
export function pflagArgs(cmd: Command, args: string[], commandPath: string): string[] {
  const usage = `See '${commandPath} --help' for usage.`;
  const fail = (message: string): never => {
    throw new CliError(message, 1, usage);
  };
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const option of cmd.options) {
    const spec: FlagSpec = { long: option.long ?? '', takesValue: option.required || option.optional };
    if (option.long) byLong.set(option.long.replace(/^--/, ''), spec);
    if (option.short) byShort.set(option.short.replace(/^-/, ''), spec);
  }
  // commander's own -h, --help, kept out of `options`
  const help: FlagSpec = { long: '--help', takesValue: false };
  byLong.set('help', help);
  byShort.set('h', help);
  const checkValue = (spec: FlagSpec, value: string, name: string) => {
    const typed = TYPED_VALUES[spec.long.replace(/^--/, '')];
    if (!typed) return;
    try {
      typed(value);
    } catch (e) {
      fail(`invalid argument ${JSON.stringify(value)} for ${JSON.stringify(name)} flag: ${(e as Error).message}`);
    }
  };
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byLong.get(name) ?? fail(`unknown flag: --${name}`);
      if (!spec.takesValue) {
        if (eq < 0) {
          out.push(arg);
          continue;
        }
        const raw = arg.slice(eq + 1);
        const value = GO_BOOLS[raw];
        if (value === undefined) fail(`invalid argument ${JSON.stringify(raw)} for ${JSON.stringify(`--${name}`)} flag: strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
        if (value) out.push(`--${name}`);
        continue;
      }
      let value: string;
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i]!;
      else return fail(`flag needs an argument: --${name}`);
      checkValue(spec, value, `--${name}`);
      out.push(`--${name}=${value}`);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // a run of shorthands: -abc, where one that takes a value takes the rest (or the next argument)
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        const spec = byShort.get(c) ?? fail(`unknown shorthand flag: '${c}' in ${arg}`);
        if (!spec.takesValue) {
          out.push(`-${c}`);
          continue;
        }
        let value: string;
        // pflag: `-n=x` is x, but `-n=` is "=" (only a `=` with something after it is skipped)
        const rest = arg.slice(j);
        if (rest.length > 2 && rest[1] === '=') value = rest.slice(2);
        else if (rest.length > 1) value = rest.slice(1);
        else if (i + 1 < args.length) value = args[++i]!;
        else return fail(`flag needs an argument: '${c}' in -${c}`);
        checkValue(spec, value, `-${c}, ${spec.long}`);
        out.push(`${spec.long}=${value}`);
        break;
      }
      continue;
    }
    out.push(arg);
  }
  return out;
}

/**
 * Makes `cmd` read its arguments as kubectl does ({@link pflagArgs}) instead of commander's way.
 * @example
 * asKubectlCommand(program.command('create').command('token'), 'satoken create token');
 */
export function asKubectlCommand(cmd: Command, commandPath: string): Command {
  const parse = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (argv: string[]) => parse(pflagArgs(cmd, argv, commandPath));
  return cmd;
}
