import { describe, expect, it } from 'vitest';
import { GIT_VERSION, goPlatform, versionInfo } from '../../../src/api/discovery/index.js';

describe('/version', () => {
  it('reports Kubernetes 1.33.1 as a real v1.33.1 kube-apiserver does, with +satoken build metadata', () => {
    expect(versionInfo()).toEqual({
      major: '1',
      minor: '33',
      emulationMajor: '1',
      emulationMinor: '33',
      minCompatibilityMajor: '1',
      minCompatibilityMinor: '32',
      gitVersion: 'v1.33.1+satoken',
      gitCommit: '8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828',
      gitTreeState: 'clean',
      buildDate: '2025-05-15T08:19:08Z',
      goVersion: 'go1.24.2',
      compiler: 'gc',
      platform: 'linux/amd64',
    });
  });

  it('keeps the field order of apimachinery version.Info', () => {
    expect(Object.keys(versionInfo())).toEqual([
      'major', 'minor', 'emulationMajor', 'emulationMinor', 'minCompatibilityMajor', 'minCompatibilityMinor',
      'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform',
    ]);
  });

  it('reports the platform it is given', () => {
    expect(versionInfo({ platform: 'darwin/arm64' }).platform).toBe('darwin/arm64');
  });

  it('writes gitVersion as semver with build metadata, which kubectl parses', () => {
    expect(GIT_VERSION).toMatch(/^v1\.33\.1\+satoken$/);
  });

  it.each([
    ['linux', 'x64', 'linux/amd64'],
    ['linux', 'arm64', 'linux/arm64'],
    ['darwin', 'arm64', 'darwin/arm64'],
    ['win32', 'x64', 'windows/amd64'],
    ['linux', 'ia32', 'linux/386'],
    ['freebsd', 'riscv64', 'freebsd/riscv64'],
  ])('maps Node platform %s and arch %s to Go platform %s', (platform, arch, expected) => {
    expect(goPlatform(platform, arch)).toBe(expected);
  });
});
