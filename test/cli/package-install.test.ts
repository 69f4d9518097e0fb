import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const project = mkdtempSync(join(tmpdir(), 'satoken-consumer-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('installing satoken into another project', () => {
  it('asks that project to approve no install script of satoken\'s own (npm 11 allowScripts)', () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', ROOT], { cwd: project, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/install-scripts|allowScripts/);
  }, 150_000);

  it('has no script npm runs on install (preinstall, install, postinstall, prepare); prepack builds', async () => {
    const { scripts } = (await import('../../package.json', { with: { type: 'json' } })).default as { scripts: Record<string, string> };
    expect(Object.keys(scripts).filter((k) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(k))).toEqual([]);
    expect(scripts.prepack).toBe('npm run build');
  });
});
