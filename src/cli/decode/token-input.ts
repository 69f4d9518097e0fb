import { readFileSync, statSync } from 'node:fs';
import { CliError } from '../create-token.js';

/** A JWT's header is a JSON object, so its base64url starts with `eyJ` (`{"`). */
const JWT_START = 'eyJ';

/** A usage-or-input error of `decode`: exit 2. */
const inputError = (message: string) => new CliError(message, 2);

/**
 * What `satoken decode [TOKEN|FILE|-]` decodes, and the one-line error when it can read nothing:
 * - nothing or `-`: standard input (an error on a terminal, where it would wait for typing);
 * - three or more `.`-separated segments and no `/` or `\` (which base64url never has): the
 *   token itself, never looked up as a file;
 * - a file that exists: its contents (a directory or an unreadable file is an error);
 * - a missing file named by a path (with `/` or `\`): says the file does not exist;
 * - anything else that is not a file: the token, when it starts like one (`eyJ`, so that a
 *   truncated token is reported as such), else an error saying it is neither.
 * @example
 * readTokenInput('/missing/file.jwt', { isTTY: false }, () => ''); // throws: token file /missing/file.jwt does not exist
 */
export function readTokenInput(arg: string | undefined, stdin: { isTTY?: boolean }, readStdin: () => string): string {
  if (arg === undefined || arg === '-') {
    if (stdin.isTTY) throw inputError('no token given: pass it as an argument, a file, or on standard input');
    return readStdin();
  }
  const segments = arg.split('.').length;
  const pathLike = /[/\\]/.test(arg);
  if (segments >= 3 && !pathLike) return arg;
  let isFile: boolean | undefined;
  try {
    isFile = statSync(arg).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ENAMETOOLONG') throw inputError(`cannot read token file ${arg}: ${(e as Error).message}`);
  }
  if (isFile === false) throw inputError(`${arg} is a directory, not a token or a file holding one`);
  if (isFile) {
    try {
      return readFileSync(arg, 'utf8');
    } catch (e) {
      throw inputError(`cannot read token file ${arg}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    }
  }
  if (pathLike) throw inputError(`token file ${arg} does not exist`);
  if (arg.startsWith(JWT_START)) return arg;
  throw inputError(`${JSON.stringify(arg)} is not a JWT (expected 3 segments separated by '.', got ${segments}) and no file of that name exists`);
}
