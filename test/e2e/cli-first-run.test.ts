import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let env: Record<string, string>;
const satoken = (...args: string[]) => run(process.execPath, [CLI, ...args], env);

beforeAll(async () => {
  server = await startServer();
  env = kubectlEnv(server);
});
afterAll(async () => {
  await server.stop();
  cleanup(server.dir);
});

const SECOND = 'Stop it (Ctrl-C in its terminal), or to run a second satoken beside it, give it its own data directory and port: satoken serve --data-dir .satoken-2 --secure-port 6444 (--secure-port 0 picks a free port).\n';

describe('a second satoken serve', () => {
  it('on the same data directory says another satoken holds it, where it listens, and how to run a second', () => {
    const data = join(server.dir, 'data');
    const r = satoken('serve', '--secure-port', '0', '--data-dir', data, '--keys-dir', join(server.dir, 'keys'));
    expect(r).toEqual({ status: 1, stdout: '', stderr: `error: cannot open the store: ${data}/satoken.db is in use by another process: another satoken serve (${server.url}) uses --data-dir ${data}\n${SECOND}` });
  });

  it('on the same port says another satoken listens there, and which flag picks another port', () => {
    const port = new URL(server.url).port;
    const r = satoken('serve', '--secure-port', port, '--data-dir', join(server.dir, 'data-2'), '--keys-dir', join(server.dir, 'keys'));
    expect(r).toEqual({
      status: 1,
      stdout: '',
      stderr: `error: failed to listen on 127.0.0.1:${port}: address already in use (another satoken, ${server.url}, listens there)\nStop it (Ctrl-C in its terminal), or pick another port with --secure-port (0 picks a free one); each satoken also needs its own --data-dir.\n`,
    });
  });
});

describe('satoken doctor', () => {
  it('prints one line per check and finds the running satoken on its port and data directory', () => {
    const port = new URL(server.url).port;
    const r = satoken('doctor', '--secure-port', port, '--data-dir', join(server.dir, 'data'), '--keys-dir', join(server.dir, 'keys'));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['ok node', 'ok sqlite', 'warn port', 'ok keys', 'warn data', 'ok kubeconfig', 'ok kubectl']);
    expect(lines[2]).toBe(`warn  port        127.0.0.1:${port} is taken by a running satoken (${server.url}, v1.33.1+satoken): use it, or start another with --secure-port (0 picks a free one) and its own --data-dir`);
    expect(lines[4]).toBe(`warn  data        ${join(server.dir, 'data')}/satoken.db is held by a running satoken serve: a second one needs its own --data-dir`);
  });

  it('fails, exit 1, when the port is held by another program', () => {
    const r = satoken('doctor', '--secure-port', '1', '--bind-address', '127.0.0.1', '--data-dir', join(server.dir, 'none'), '--keys-dir', join(server.dir, 'keys'), '-o', 'json');
    const port = (JSON.parse(r.stdout) as Array<{ check: string; status: string }>).find((c) => c.check === 'port')!;
    // port 1 cannot be listened on without privileges, or is free as root: either is a definite answer
    expect(['fail', 'ok']).toContain(port.status);
    expect(r.status).toBe(port.status === 'fail' ? 1 : 0);
  });
});

describe('unknown flags', () => {
  it.each([
    [['decode', '--bogus'], "error: unknown option '--bogus'\n"],
    [['serve', '--secure-prot', '1'], "error: unknown option '--secure-prot'\n(Did you mean --secure-port?)\n"],
    [['compare', '--htm', 'x'], "error: unknown option '--htm'\n(Did you mean --html?)\n"],
  ])('satoken\'s own commands answer %j as a usage error, exit 2', (args, stderr) => {
    expect(satoken(...args)).toEqual({ status: 2, stdout: '', stderr });
  });

  it('create token answers as kubectl does, exit 1', () => {
    expect(satoken('create', 'token', 'default', '--durration', '10m')).toEqual({ status: 1, stdout: '', stderr: "error: unknown flag: --durration\nSee 'satoken create token --help' for usage.\n" });
  });
});
