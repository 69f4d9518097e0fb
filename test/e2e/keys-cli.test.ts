import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { CLI, cleanup, run, startServer, type ServerProcess } from '../helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'satoken-keys-'));
const keys = join(dir, 'keys');
mkdirSync(join(dir, 'server'));
const satoken = (...args: string[]) => run(process.execPath, [CLI, ...args], { HOME: dir });
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  cleanup(dir);
});

const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;

describe('satoken keys and version', () => {
  it('generates a key once, with kubeadm names and modes', () => {
    const first = satoken('keys', 'generate', '--keys-dir', keys);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^created .*sa\.key and .*sa\.pub\n$/);
    expect(satoken('keys', 'generate', '--keys-dir', keys).stdout).toMatch(/sa\.key exists; nothing to do/);
    const list = JSON.parse(satoken('keys', 'list', '--keys-dir', keys, '-o', 'json').stdout) as Array<{ kid: string; signing: boolean }>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ signing: true, alg: 'RS256' });
    expect(list[0]!.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('rotates: tokens signed before keep verifying after a restart, new ones use the new key, the JWKS lists both', async () => {
    server = await startServer(['--keys-dir', keys], join(dir, 'server'));
    let conn = loadKubeconfig(server.kubeconfig);
    const before = (await apiRequest(conn, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: {} })).json<{ status: { token: string } }>().status.token;
    expect(await server.stop()).toBe(0);
    const rotated = satoken('keys', 'rotate', '--keys-dir', keys);
    expect(rotated.status).toBe(0);
    expect(rotated.stdout).toMatch(/^new signing key \S{43}; retired \S+ \(still verifies\)\n$/);
    const table = satoken('keys', 'list', '--keys-dir', keys).stdout;
    expect(table).toMatch(/^KID\s+ALG\s+ROLE\s+FILE\n/);
    expect(table.match(/verify-only/g)).toHaveLength(1);
    server = await startServer(['--keys-dir', keys], join(dir, 'server'));
    conn = loadKubeconfig(server.kubeconfig);
    const review = await apiRequest(conn, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: before } });
    expect(review.json<{ status: { authenticated?: boolean } }>().status.authenticated).toBe(true);
    const after = (await apiRequest(conn, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: {} })).json<{ status: { token: string } }>().status.token;
    expect(kidOf(after)).not.toBe(kidOf(before));
    const jwks = (await apiRequest(conn, 'GET', '/openid/v1/jwks')).json<{ keys: Array<{ kid: string }> }>();
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([kidOf(before), kidOf(after)].sort());
  });

  it('refuses a bad algorithm with one line and exit 2', () => {
    expect(satoken('keys', 'generate', '--keys-dir', keys, '--algorithm', 'HS256')).toMatchObject({ status: 2, stderr: 'error: --algorithm must be RS256 or ES256, got HS256\n' });
  });

  it('prints its version and the Kubernetes version it emulates', () => {
    const v = JSON.parse(satoken('version', '-o', 'json').stdout);
    expect(v).toEqual({ satoken: '0.1.0', kubernetes: 'v1.33.1' });
  });
});
