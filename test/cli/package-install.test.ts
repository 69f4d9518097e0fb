import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const project = mkdtempSync(join(tmpdir(), 'satoken-consumer-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('installing satoken into another project', () => {
  it('from its package (what a registry serves: npm pack) comes built: the CLI runs with every install script refused', () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const env = { ...process.env, npm_config_update_notifier: 'false' };
    const pack = spawnSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(project, pack.stdout.trim().split('\n').pop()!);
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project, encoding: 'utf8', timeout: 150_000, env });
    expect(r.status, r.stderr).toBe(0);
    const version = spawnSync(process.execPath, [join(project, 'node_modules', 'satoken', 'dist', 'cli', 'main.js'), 'version'], { encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^satoken /);
  }, 200_000);

  it('has one script npm runs on install, prepare (npm ci builds what npm start needs; a package tarball never runs it)', async () => {
    const { scripts } = (await import('../../package.json', { with: { type: 'json' } })).default as { scripts: Record<string, string> };
    expect(Object.keys(scripts).filter((k) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(k))).toEqual(['prepare']);
    expect(scripts.prepare).toBe('npm run build');
  });
});
