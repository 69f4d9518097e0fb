import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { withServedResources } from '../src/cli/served-resources.js';

const ROOT = resolve(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** The text of a `## ` section of the README, up to the next one. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start, `README section "${title}"`).toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of a piece of Markdown with the given info string. */
const blocks = (md: string, lang: string) => [...md.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('README', () => {
  it('starts with two commands in the first shell, and npm test as the only step for the tests', () => {
    const quick = section('Quick start');
    expect(blocks(quick, 'sh')[0]).toBe('npm ci\nnpm start\n');
    expect(blocks(quick, 'sh')).toContain('npm test\n');
  });

  it('lists the resources src/registry/kinds.ts serves (npm run readme rewrites the list)', () => {
    expect(README, 'README.md\'s served resources list is out of date: run npm run readme').toBe(withServedResources(README));
  });

  it('shows the CLI as npx satoken wherever a command line starts with it', () => {
    const lines = blocks(README, 'sh').flatMap((b) => b.split('\n'));
    expect(lines.filter((l) => /^\s*satoken /.test(l))).toEqual([]);
  });

  it('runs the library example and prints what the comments say', async () => {
    const block = /```ts\n([\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBeDefined();
    const expected = [...block!.matchAll(/^\/\/ (.+)$/gm)].map((m) => m[1]);
    const src = resolve(__dirname, '..', 'src', 'index.ts');
    const cache = resolve(__dirname, '..', 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'readme-'));
    const file = join(dir, 'example.ts');
    writeFileSync(file, block!.replace("from 'satoken'", `from ${JSON.stringify(pathToFileURL(src).href)}`));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(file).href);
      expect(log.mock.calls.map((c) => String(c[0]))).toEqual(expected);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds a CLI entry point that runs by itself, as the link npx made on an earlier run of this path runs it', () => {
    // npx reuses ~/.npm/_npx/<hash>/node_modules/.bin/satoken -> dist/cli/main.js and does not chmod it again
    const r = spawnSync(CLI, ['version'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.error?.message, r.stdout]).toEqual([0, undefined, expect.stringMatching(/^satoken \S+ /)]);
  });

  it('runs npx satoken from the checkout', () => {
    const r = spawnSync('npx', ['satoken', 'version'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/^satoken \S+ \(emulates Kubernetes v1\.\d+\.\d+\)\n$/)]);
  });

  it('runs the quick start as written, in two shells: npm start in one, the kubectl block in the other', async () => {
    const quick = section('Quick start');
    const [first, second] = blocks(quick, 'sh');
    expect(first).toBe('npm ci\nnpm start\n');
    const ready = /^satoken ready: https:\/\/127\.0\.0\.1:6443 \(kubeconfig: \/path\/to\/satoken\/\.satoken\/kubeconfig\)$/m;
    expect(quick).toMatch(ready);
    const dir = mkdtempSync(join(tmpdir(), 'satoken-readme-'));
    const gitStatus = () => spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    const statusBefore = gitStatus();
    // shell 1: `npm ci` has been run (this is a checkout under test); `npm start` as written, in
    // the checkout, on a free port and with its data and keys in a scratch directory
    const server = spawn('npm', ['start', '--', '--secure-port', '0', '--data-dir', join(dir, '.satoken'), '--keys-dir', join(dir, 'keys')], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    server.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    server.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    try {
      const line = await new Promise<string>((ok, fail) => {
        const t = setTimeout(() => fail(new Error(`npm start not ready in 120 s:\n${out}\n${err}`)), 120_000);
        server.stdout!.on('data', () => {
          const m = /^satoken ready: .*$/m.exec(out);
          if (m) {
            clearTimeout(t);
            ok(m[0]);
          }
        });
        server.once('exit', (code) => fail(new Error(`npm start exited with ${code}:\n${out}\n${err}`)));
      });
      expect(line).toMatch(new RegExp(`^satoken ready: https://127\\.0\\.0\\.1:\\d+ \\(kubeconfig: ${join(dir, '.satoken', 'kubeconfig').replace(/[.]/g, '\\.')}\\)$`));

      // shell 2: the block as a script, in the directory that holds .satoken/, each command's
      // output checked against its `# ...` comment; `npx satoken` is the checkout's CLI
      const commands = second!.split('\n').filter((l) => l.trim());
      const script = [
        'set -euo pipefail',
        `npx() { if [ "$1" = satoken ]; then shift; node ${JSON.stringify(CLI)} "$@"; else command npx "$@"; fi; }`,
        ...commands.map((c, i) => `echo "@@${i}"; ${c.split(/\s{2,}# /)[0]}`),
      ].join('\n');
      const home = join(dir, 'home');
      const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: home, KUBECACHEDIR: join(home, '.kube', 'cache'), KUBECONFIG: '' } });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      const outputs = r.stdout.split(/^@@\d+\n/m).slice(1);
      expect(outputs).toHaveLength(commands.length);
      const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
      commands.forEach((c, i) => {
        const comment = c.split(/\s{2,}# /)[1];
        if (comment) expect(squash(outputs[i]!), c).toContain(squash(comment));
      });
      expect(outputs[commands.findIndex((c) => c.includes('/openid/v1/jwks'))]).toMatch(/^\{"keys":\[\{/);
    } finally {
      // Ctrl-C: SIGINT to the foreground process group, as a terminal sends it
      const exited = new Promise((ok) => server.once('exit', ok));
      process.kill(-server.pid!, 'SIGINT');
      await exited;
    }
    // requests were logged on stderr, as JSON since it is not a terminal
    expect(err).toMatch(/"msg":"request"/);
    expect(gitStatus()).toBe(statusBefore);
    expect(readdirSync(dir).sort()).toEqual(['.satoken', 'home', 'keys']);
    rmSync(dir, { recursive: true, force: true });
  }, 240_000);
});
