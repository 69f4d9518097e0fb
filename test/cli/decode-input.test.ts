import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTokenInput } from '../../src/cli/decode/token-input.js';
import { CliError } from '../../src/cli/create-token.js';

const dir = mkdtempSync(join(tmpdir(), 'satoken-decode-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln';
const pipe = { isTTY: false };
const read = (arg: string | undefined, stdin: { isTTY?: boolean } = pipe) => readTokenInput(arg, stdin, () => 'from stdin');

function failure(arg: string | undefined, stdin: { isTTY?: boolean } = pipe): { message: string; exitCode: number } {
  try {
    read(arg, stdin);
  } catch (e) {
    if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
    throw e;
  }
  throw new Error('no error');
}

describe('what satoken decode reads', () => {
  it('takes a token as it is, a file\'s contents, and standard input for nothing or -', () => {
    const file = join(dir, 'token.jwt');
    writeFileSync(file, `${JWT}\n`);
    expect(read(JWT)).toBe(JWT);
    expect(read(file)).toBe(`${JWT}\n`);
    expect(read(undefined)).toBe('from stdin');
    expect(read('-')).toBe('from stdin');
  });

  it('takes a truncated token as a token, so that decode reports its segments', () => {
    expect(read('eyJhbGciOiJSUzI1NiJ9.eyJpc3Mi')).toBe('eyJhbGciOiJSUzI1NiJ9.eyJpc3Mi');
  });

  it.each([
    ['a missing file named by a path', '/missing/file.jwt', 'token file /missing/file.jwt does not exist'],
    ['a missing relative file', './token.txt', 'token file ./token.txt does not exist'],
    ['a word that is neither', 'hello', '"hello" is not a JWT (expected 3 segments separated by \'.\', got 1) and no file of that name exists'],
    ['a missing file without a path', 'token.jwt-missing', '"token.jwt-missing" is not a JWT (expected 3 segments separated by \'.\', got 2) and no file of that name exists'],
  ])('says so for %s (exit 2)', (_n, arg, message) => {
    expect(failure(arg)).toEqual({ message, exitCode: 2 });
  });

  it('refuses a directory, and waiting on a terminal', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(failure(sub)).toEqual({ message: `${sub} is a directory, not a token or a file holding one`, exitCode: 2 });
    expect(failure(undefined, { isTTY: true })).toEqual({ message: 'no token given: pass it as an argument, a file, or on standard input', exitCode: 2 });
  });

  it.skipIf(process.getuid?.() === 0)('says when a file cannot be read (not as root, who reads it anyway)', () => {
    const file = join(dir, 'secret.jwt');
    writeFileSync(file, JWT);
    chmodSync(file, 0o000);
    expect(failure(file)).toEqual({ message: `cannot read token file ${file}: permission denied`, exitCode: 2 });
  });
});
