import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import type { Pod } from '../../src/registry/types.js';
import { fixture } from '../helpers/emulator.js';

let emu: Emulator;
let root: string;
beforeEach(async () => {
  emu = await fixture();
  root = mkdtempSync(join(tmpdir(), 'satoken-kubelet-'));
});
afterEach(async () => {
  await emu.close();
  rmSync(root, { recursive: true, force: true });
});

async function podWithAdmission(name: string, extra: Partial<Pod['spec']> = {}): Promise<Pod> {
  const [pod] = await emu.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { serviceAccountName: 'build-robot', nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox' }], ...extra } });
  return pod as Pod;
}

describe('the kubelet refresher on the emulator clock', () => {
  it('writes kube-api-access (token, ca.crt, namespace) and rotates the token before each deadline for a day', async () => {
    const pod = await podWithAdmission('api');
    const volume = pod.spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
    const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: root });
    const dir = kubelet.volumeDir(pod.metadata.uid!, volume.name);
    expect(readFileSync(join(dir, 'namespace'), 'utf8')).toBe('default');
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(readlinkSync(join(dir, 'token'))).toBe('..data/token');
    expect(statSync(join(dir, '..data', 'token')).mode & 0o777).toBe(0o644);

    const rotations: number[] = [];
    kubelet.on('rotated', (e) => {
      if (e.podUid === pod.metadata.uid) rotations.push(emu.clock.now());
    });
    let token = readFileSync(join(dir, 'token'), 'utf8');
    const start = emu.clock.now();
    for (let t = 0; t < 24 * 60; t += 5) {
      await emu.clock.advance(5 * 60_000);
      const now = readFileSync(join(dir, 'token'), 'utf8');
      expect((await emu.reviewToken(now)).authenticated).toBe(true);
      token = now;
    }
    expect(rotations.length).toBeGreaterThanOrEqual(29);
    expect(rotations.length).toBeLessThanOrEqual(31);
    const gaps = rotations.map((r, i) => r - (i === 0 ? start : rotations[i - 1]!));
    for (const g of gaps) {
      expect(g).toBeGreaterThan((3607 * 0.8 - 10) * 1000);
      expect(g).toBeLessThanOrEqual(3607 * 0.8 * 1000 + 1000);
    }
    expect(token).not.toBe('');
  });

  it('removes the files and kills the tokens when the pod goes', async () => {
    const pod = await podWithAdmission('gone');
    const volume = pod.spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
    const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: root });
    const dir = kubelet.volumeDir(pod.metadata.uid!, volume.name);
    const token = readFileSync(join(dir, 'token'), 'utf8');
    const before = kubelet.cachedTokens;
    await emu.delete('Pod', 'default', 'gone');
    expect(existsSync(dir)).toBe(false);
    expect((await emu.reviewToken(token)).error).toBe('[invalid bearer token, service account token has been invalidated]');
    expect(kubelet.cachedTokens).toBe(before - 1);
  });

  it('writes a custom projection (sts.amazonaws.com, 86400 s) with 0600 when the pod runs as a user', async () => {
    const pod = await podWithAdmission('aws', {
      securityContext: { runAsUser: 1000 },
      volumes: [{ name: 'aws-token', projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'aws/token' } }] } }],
    });
    const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: root });
    const dir = kubelet.volumeDir(pod.metadata.uid!, 'aws-token');
    const token = readFileSync(join(dir, 'aws', 'token'), 'utf8');
    expect((await emu.reviewToken(token, ['sts.amazonaws.com'])).authenticated).toBe(true);
    expect(statSync(join(dir, '..data', 'aws', 'token')).mode & 0o777).toBe(0o600);
  });
});
