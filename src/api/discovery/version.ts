/**
 * `GET /version`: apimachinery `pkg/version` `Info` as kube-apiserver 1.33 fills it.
 *
 * IMPORTANT: `minor` decides which kubectl runs here. /usr/bin/kubectl is a dispatcher that reads
 * `/version` and execs `kubectl.1.<minor>` (28–33 are installed; anything else falls back to its
 * built-in 1.32). 33 selects kubectl 1.33.1, which sends protobuf bodies as every kubectl ≥ 1.32
 * does (../shared/reference/real-clients.md §0 facts 1 and 3).
 */

import { EMULATED_KUBERNETES } from '../../version.js';

export { EMULATED_KUBERNETES };

/**
 * `v1.33.1+satoken`: semver build metadata, as distributions write it (`v1.34.1+k3s1`).
 * @example
 * GIT_VERSION; // 'v1.33.1+satoken', what `kubectl version` prints as the server version
 */
export const GIT_VERSION = `v${EMULATED_KUBERNETES.major}.${EMULATED_KUBERNETES.minor}.${EMULATED_KUBERNETES.patch}+satoken`;

export interface VersionInfo {
  major: string;
  minor: string;
  emulationMajor: string;
  emulationMinor: string;
  minCompatibilityMajor: string;
  minCompatibilityMinor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface VersionOptions {
  /** `os/arch` as Go spells it; default `linux/amd64` */
  platform?: string;
}

/**
 * The `/version` body. Field order and values follow a real v1.33.1 kube-apiserver (commit,
 * build date and Go version of that release, which satoken emulates); only `gitVersion` carries
 * `+satoken`. Emulation version = binary version; minimum compatibility = one minor back.
 * @example
 * versionInfo().gitVersion; // 'v1.33.1+satoken'
 * versionInfo({ platform: 'linux/arm64' }).platform; // 'linux/arm64'
 */
export function versionInfo(opts: VersionOptions = {}): VersionInfo {
  const { major, minor } = EMULATED_KUBERNETES;
  return {
    major,
    minor,
    emulationMajor: major,
    emulationMinor: minor,
    minCompatibilityMajor: major,
    minCompatibilityMinor: String(Number(minor) - 1),
    gitVersion: GIT_VERSION,
    gitCommit: '8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828',
    gitTreeState: 'clean',
    buildDate: '2025-05-15T08:19:08Z',
    goVersion: 'go1.24.2',
    compiler: 'gc',
    platform: opts.platform ?? 'linux/amd64',
  };
}

/**
 * Go's `runtime.GOOS/GOARCH` for a Node `process.platform` and `process.arch`.
 * @example
 * goPlatform('linux', 'x64'); // 'linux/amd64'
 */
export function goPlatform(platform: string, arch: string): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const goArch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  return `${os}/${goArch[arch] ?? arch}`;
}
