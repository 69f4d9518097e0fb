import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseIsolation, type IsolationProbe, launchSpec, resolveCommand } from '../../src/reload-check/isolation.js';
import { MOUNT_SCRIPT } from '../../src/reload-check/mount-script.js';
import { programEnv, serviceAddress, serviceEnv } from '../../src/reload-check/program-env.js';
import type { Pod } from '../../src/registry/types.js';

const scratch = mkdtempSync(join(tmpdir(), 'rc-isolation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A probe that answers from a table and counts its runs. */
function fakeProbe(o: Partial<IsolationProbe> & { answers?: boolean[] }): IsolationProbe & { calls: string[][] } {
  const answers = [...(o.answers ?? [])];
  const calls: string[][] = [];
  return {
    platform: o.platform ?? 'linux',
    uid: o.uid ?? 0,
    unshare: 'unshare' in o ? o.unshare : '/usr/bin/unshare',
    calls,
    run(file, args) {
      calls.push([file, ...args]);
      return { ok: answers.shift() ?? false, stderr: 'unshare: unshare failed: Operation not permitted' };
    },
  };
}

let n = 0;
const temp = () => join(scratch, `t${++n}`);

describe('chooseIsolation: a mount namespace where one can be had, else a token directory', () => {
  it('root: a plain mount namespace, probed by mounting a tmpfs in it', () => {
    const probe = fakeProbe({ uid: 0, answers: [true] });
    expect(chooseIsolation(undefined, probe, temp)).toEqual({ mode: 'mount-namespace', rootless: false, unshare: '/usr/bin/unshare' });
    expect(probe.calls[0]!.slice(0, 8)).toEqual(['/usr/bin/unshare', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', 'mount -t tmpfs satoken-probe "$1"']);
  });

  it('root where a plain namespace is refused (an unprivileged container): a user namespace', () => {
    const probe = fakeProbe({ uid: 0, answers: [false, true] });
    expect(chooseIsolation(undefined, probe, temp)).toEqual({ mode: 'mount-namespace', rootless: true, unshare: '/usr/bin/unshare' });
    expect(probe.calls[1]!.slice(1, 7)).toEqual(['--user', '--map-root-user', '--mount', '--propagation', 'private', '--']);
  });

  it('not root: only the user namespace is tried', () => {
    const probe = fakeProbe({ uid: 1000, answers: [true] });
    expect(chooseIsolation(undefined, probe, temp)).toMatchObject({ mode: 'mount-namespace', rootless: true });
    expect(probe.calls).toHaveLength(1);
  });

  it.each([
    ['darwin', { platform: 'darwin' as const }, 'mount namespaces are Linux\'s (this is darwin)'],
    ['no unshare', { unshare: undefined }, 'util-linux unshare was not found'],
    ['refused', { uid: 1000, answers: [false] }, 'no private mount namespace here (unshare: unshare failed: Operation not permitted)'],
  ])('falls back to a temporary token directory: %s', (_name, o, reason) => {
    const i = chooseIsolation(undefined, fakeProbe(o), temp);
    expect(i).toMatchObject({ mode: 'token-dir', reason });
  });

  it('--token-dir wins without probing', () => {
    const probe = fakeProbe({ answers: [true] });
    expect(chooseIsolation('rel/dir', probe, temp)).toEqual({ mode: 'token-dir', dir: join(process.cwd(), 'rel/dir'), reason: '--token-dir' });
    expect(probe.calls).toEqual([]);
  });
});

describe('launchSpec', () => {
  const mounts = [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', hostDir: '/tmp/v/0', readOnly: true }];
  it('in a namespace: unshare runs the mount script with the mounts, then the program', () => {
    expect(launchSpec({ mode: 'mount-namespace', rootless: true, unshare: '/usr/bin/unshare' }, mounts, '/tmp/stage', '/usr/bin/python3', ['app.py', '-v'])).toEqual({
      file: '/usr/bin/unshare',
      args: ['--user', '--map-root-user', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', MOUNT_SCRIPT, 'satoken-reload-check', '/tmp/stage', '1', '/tmp/v/0', '/var/run/secrets/kubernetes.io/serviceaccount', 'ro', '--', '/usr/bin/python3', 'app.py', '-v'],
      handshake: true,
    });
  });
  it('with a token directory: the program itself', () => {
    expect(launchSpec({ mode: 'token-dir', dir: '/tmp/d', reason: '--token-dir' }, mounts, '/tmp/stage', '/usr/bin/python3', ['app.py'])).toEqual({ file: '/usr/bin/python3', args: ['app.py'], handshake: false });
  });
});

describe('resolveCommand: as execvp finds it, or a set-up error', () => {
  const bin = join(scratch, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'tool'), '#!/bin/sh\n');
  chmodSync(join(bin, 'tool'), 0o755);
  writeFileSync(join(bin, 'data'), 'not executable');
  it.each([
    ['a name on PATH', 'tool', join(bin, 'tool')],
    ['a relative path', './bin/tool', join(bin, 'tool')],
  ])('%s', (_name, command, want) => {
    expect(resolveCommand(command, `/nonexistent:${bin}`, scratch)).toBe(want);
  });
  it.each([
    ['missing', 'no-such-tool', 'command not found: no-such-tool'],
    ['not executable', 'data', 'command not found: data'],
    ['a missing path', './bin/nope', 'command not found or not executable: ./bin/nope'],
    ['a directory', './bin', 'command not found or not executable: ./bin'],
  ])('refuses %s', (_name, command, message) => {
    expect(() => resolveCommand(command, bin, scratch)).toThrow(message);
  });
});

describe('the program\'s environment', () => {
  it('KUBERNETES_SERVICE_HOST/PORT and the link variables, as the kubelet sets them', () => {
    expect(serviceEnv(serviceAddress('https://127.0.0.1:6443'))).toEqual({
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: '6443',
      KUBERNETES_SERVICE_PORT_HTTPS: '6443',
      KUBERNETES_PORT: 'tcp://127.0.0.1:6443',
      KUBERNETES_PORT_6443_TCP: 'tcp://127.0.0.1:6443',
      KUBERNETES_PORT_6443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_6443_TCP_PORT: '6443',
      KUBERNETES_PORT_6443_TCP_ADDR: '127.0.0.1',
    });
    // IPv6: the bare address in HOST, brackets in the URLs
    expect(serviceEnv(serviceAddress('https://[::1]'))).toMatchObject({ KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_PORT: 'tcp://[::1]:443' });
  });

  it('refuses a plain-HTTP server: in-cluster clients speak HTTPS only', () => {
    expect(() => serviceAddress('http://127.0.0.1:8080')).toThrow('in-cluster clients speak HTTPS only, and http://127.0.0.1:8080 is plain HTTP: run satoken serve without --http');
  });

  const pod = {
    metadata: { name: 'reload-check-abcde-0', namespace: 'apps' },
    spec: {
      containers: [{ name: 'program', env: [{ name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' }, { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }, { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }],
    },
  } as unknown as Pod;
  const mounts = [{ mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount', hostDir: '/tmp/d/var/run/secrets/eks.amazonaws.com/serviceaccount', readOnly: true }];
  const base = { PATH: '/usr/bin', KUBECONFIG: '/root/.kube/config', KUBERNETES_SERVICE_HOST: '10.0.0.1', HOME: '/root' };

  it('inherits the caller\'s environment less KUBECONFIG and KUBERNETES_*, adds the pod\'s env', () => {
    const { env, skipped } = programEnv({ base, pod, address: { host: '127.0.0.1', port: 6443 }, tokenDir: undefined, mounts, extra: { EXTRA: '1' } });
    expect(env).toMatchObject({ PATH: '/usr/bin', HOME: '/root', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token', POD_NAMESPACE: 'apps', KUBERNETES_SERVICE_HOST: '127.0.0.1', EXTRA: '1' });
    expect(env.KUBECONFIG).toBeUndefined();
    expect(env.SATOKEN_TOKEN_DIR).toBeUndefined();
    expect(skipped).toEqual(['FROM_SECRET']);
  });

  it('in token-dir mode, names the directory and rewrites paths into the mounts', () => {
    const { env } = programEnv({ base, pod, address: { host: '127.0.0.1', port: 6443 }, tokenDir: '/tmp/d', mounts, extra: {} });
    expect(env.SATOKEN_TOKEN_DIR).toBe('/tmp/d');
    expect(env.AWS_WEB_IDENTITY_TOKEN_FILE).toBe('/tmp/d/var/run/secrets/eks.amazonaws.com/serviceaccount/token');
  });
});
