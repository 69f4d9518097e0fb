import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDoctor } from '../../src/cli/doctor/doctor-command.js';
import { checkKubectl, onPath } from '../../src/cli/doctor/kubectl-check.js';
import { checkDataDir, checkKeysDir, checkKubeconfigEnv, checkNode, checkPort } from '../../src/cli/doctor/local-checks.js';
import { openDatabase } from '../../src/store/sqlite-schema.js';

const root = mkdtempSync(join(tmpdir(), 'satoken-doctor-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};

describe('satoken doctor: one line per thing a first run needs', () => {
  it.each([
    ['20.20.2', 'ok', 'v20.20.2 (satoken needs 20 or later)'],
    ['22.1.0', 'ok', 'v22.1.0 (satoken needs 20 or later)'],
    ['18.19.0', 'fail', 'v18.19.0 is too old: satoken needs Node.js 20 or later'],
  ])('node %s: %s', (version, status, detail) => {
    expect(checkNode(version)).toEqual({ check: 'node', status, detail });
  });

  it('says a port is free, or taken by another program', async () => {
    // a program that accepts connections and never answers (the probe asks it for /version)
    const sockets: Socket[] = [];
    const s: Server = createServer((c) => sockets.push(c));
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const port = (s.address() as { port: number }).port;
    try {
      expect(await checkPort('127.0.0.1', port)).toEqual({ check: 'port', status: 'fail', detail: `127.0.0.1:${port} is taken by another program (address already in use): start satoken with --secure-port (0 picks a free one)` });
    } finally {
      for (const c of sockets) c.destroy();
      await new Promise((ok) => s.close(ok));
    }
    expect(await checkPort('127.0.0.1', port)).toEqual({ check: 'port', status: 'ok', detail: `127.0.0.1:${port} is free` });
  });

  it('reads the keys directory: not there yet, partly there, complete, a signing key others can read', () => {
    const dir = fresh();
    const keys = join(dir, 'keys');
    expect(checkKeysDir(keys)).toEqual({ check: 'keys', status: 'ok', detail: `${keys}/ does not exist yet: the first start generates the signing key, the CA and the serving certificate there` });
    mkdirSync(keys);
    writeFileSync(join(keys, 'sa.key'), 'x', { mode: 0o600 });
    expect(checkKeysDir(keys).detail).toBe(`${keys}/ is readable and writable; the next start generates ca.crt, apiserver.crt`);
    writeFileSync(join(keys, 'ca.crt'), 'x');
    writeFileSync(join(keys, 'apiserver.crt'), 'x');
    writeFileSync(join(keys, 'sa-retired-abc.pub'), 'x');
    expect(checkKeysDir(keys)).toEqual({ check: 'keys', status: 'ok', detail: `${keys}/ has the signing key, the CA and the serving certificate (and 1 retired key)` });
    chmodSync(join(keys, 'sa.key'), 0o644);
    expect(checkKeysDir(keys)).toEqual({ check: 'keys', status: 'warn', detail: `${keys}/sa.key can be read by others (mode 644): chmod 600 ${keys}/sa.key` });
  });

  it('refuses a keys or data path that is a file', async () => {
    const file = join(fresh(), 'plain');
    writeFileSync(file, '');
    expect(checkKeysDir(file)).toEqual({ check: 'keys', status: 'fail', detail: `${file} is not a directory: pass --keys-dir with a directory` });
    expect((await checkDataDir(file)).status).toBe('fail');
  });

  it('reads the data directory, and tells when a running satoken holds its store', async () => {
    const dir = join(fresh(), '.satoken');
    expect(await checkDataDir(dir)).toEqual({ check: 'data', status: 'ok', detail: `${dir}/ does not exist yet: the first start creates it (objects, admin token, kubeconfig)` });
    const db = openDatabase(dir);
    try {
      expect(await checkDataDir(dir)).toEqual({ check: 'data', status: 'warn', detail: `${dir}/satoken.db is held by a running satoken serve: a second one needs its own --data-dir` });
    } finally {
      db.close();
    }
    expect((await checkDataDir(dir)).detail).toMatch(/^.*\.satoken\/ is readable and writable; store .*\.satoken\/satoken\.db \(\d+ KiB\)$/);
  });

  it.each([
    ['unset', {}, 'ok', "KUBECONFIG is not set: satoken's CLI uses .satoken/kubeconfig; for kubectl, export KUBECONFIG=$PWD/.satoken/kubeconfig"],
    ['this satoken\'s', { KUBECONFIG: `${process.cwd()}/.satoken/kubeconfig` }, 'ok', `KUBECONFIG names this satoken's kubeconfig (${process.cwd()}/.satoken/kubeconfig)`],
    ['another cluster\'s', { KUBECONFIG: '/home/me/.kube/config:/x' }, 'warn', "KUBECONFIG is /home/me/.kube/config, not this satoken's .satoken/kubeconfig: kubectl and satoken's CLI will talk to the server it names"],
  ])('KUBECONFIG %s', (_n, env, status, detail) => {
    expect(checkKubeconfigEnv(env, '.satoken')).toEqual({ check: 'kubeconfig', status, detail });
  });

  it('prints one line per check, the status coloured only on a terminal', () => {
    const results = [
      { check: 'node', status: 'ok' as const, detail: 'v20.20.2' },
      { check: 'kubeconfig', status: 'warn' as const, detail: 'elsewhere' },
    ];
    expect(renderDoctor(results, false)).toBe('ok    node        v20.20.2\nwarn  kubeconfig  elsewhere\n');
    expect(renderDoctor(results, true)).toBe('\u001b[32mok    \u001b[0mnode        v20.20.2\n\u001b[33mwarn  \u001b[0mkubeconfig  elsewhere\n');
  });
});

describe('satoken doctor: kubectl and the version its dispatcher picks', () => {
  /** A fake kubectl: one version when asked against a server, another on its own. */
  function fakeKubectl(against: string, alone: string): string {
    const bin = fresh();
    writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\ncase "$*" in *--server*) v=${against};; *) v=${alone};; esac\necho "{\\"clientVersion\\":{\\"gitVersion\\":\\"$v\\"}}"\n`, { mode: 0o755 });
    return bin;
  }

  it('finds an executable on PATH', () => {
    const bin = fakeKubectl('v1.33.1', 'v1.33.1');
    expect(onPath('kubectl', `/nonexistent:${bin}`)).toBe(join(bin, 'kubectl'));
    expect(onPath('kubectl', '/nonexistent')).toBeUndefined();
  });

  it('names the version a dispatcher runs against satoken, and its own', async () => {
    const bin = fakeKubectl('v1.33.1', 'v1.32.4-dispatcher');
    expect(await checkKubectl({ PATH: bin })).toEqual({ check: 'kubectl', status: 'ok', detail: `${bin}/kubectl runs v1.33.1 against satoken (Kubernetes v1.33.1); a version dispatcher: v1.32.4-dispatcher on its own` });
  });

  it('warns of a kubectl outside the skew policy', async () => {
    const bin = fakeKubectl('v1.29.0', 'v1.29.0');
    expect(await checkKubectl({ PATH: bin })).toEqual({ check: 'kubectl', status: 'warn', detail: `${bin}/kubectl runs v1.29.0 against satoken (Kubernetes v1.33.1): more than 1 minor version apart, outside kubectl's skew policy; install a 1.33 client` });
  });

  it('warns when there is no kubectl', async () => {
    expect(await checkKubectl({ PATH: fresh() })).toEqual({ check: 'kubectl', status: 'warn', detail: "not found on PATH: the quick start's second shell uses it (https://kubernetes.io/docs/tasks/tools/, a 1.33 client); satoken's own CLI works without it" });
  });

  it('asks the real kubectl on this machine', async () => {
    const r = await checkKubectl(process.env);
    expect(r.status).toBe('ok');
    expect(r.detail).toMatch(/ runs v1\.33\.\d+ against satoken \(Kubernetes v1\.33\.1\)/);
  }, 30_000);
});
