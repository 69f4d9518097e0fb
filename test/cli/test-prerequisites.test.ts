import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = resolve(__dirname, '..', '..', '.ci', 'test-prerequisites.sh');
const dir = mkdtempSync(join(tmpdir(), 'satoken-prereq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** as a user who may not install packages: nobody when the tests run as root */
const unprivileged = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];

const BASH = spawnSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();

function runScript(env: Record<string, string>, prefix: string[] = []) {
  const [cmd, ...args] = [...prefix, 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), BASH, SCRIPT];
  const r = spawnSync(cmd!, args, { encoding: 'utf8', cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm test\'s prerequisites (pretest)', () => {
  it('say nothing when everything is installed', () => {
    expect(runScript({})).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('stop at once with the one command that installs what is missing, for a user who may not install', () => {
    expect(runScript({ ETCD_BIN: '/nonexistent/etcd' }, unprivileged)).toEqual({
      status: 1,
      stdout: '',
      stderr: 'npm test: these Debian packages are missing: etcd-server\nInstall them once with: sudo bash .ci/test-prerequisites.sh\n',
    });
  });

  it('stop at once without kubectl, which Debian does not package in a usable version', () => {
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    for (const tool of ['dirname', 'dpkg-query', 'id']) symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
    expect(runScript({ PATH: bin }, [])).toEqual({
      status: 1,
      stdout: '',
      stderr: 'npm test: kubectl is not on PATH; the end-to-end tests drive the real kubectl (a 1.33 client: https://kubernetes.io/docs/tasks/tools/)\n',
    });
  });
});
