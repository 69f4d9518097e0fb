import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let env: Record<string, string>;
const kubectl = (...args: string[]) => run('kubectl', args, env);
const ROBOTS = Array.from({ length: 7 }, (_, i) => `robot-${i + 1}`);

beforeAll(async () => {
  server = await startServer();
  env = kubectlEnv(server);
  const manifest = join(server.dir, 'robots.yaml');
  const docs = ['apiVersion: v1\nkind: Namespace\nmetadata:\n  name: chunks\n', ...ROBOTS.map((n) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${n}\n  namespace: chunks\n`)];
  writeFileSync(manifest, docs.join('---\n'));
  const c = kubectl('create', '-f', manifest);
  expect(c.stderr).toBe('');
  expect(c.status).toBe(0);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  cleanup(server.dir);
});

/** The list requests kubectl logged at -v=6: their query strings. */
function listQueries(stderr: string, path: string): string[] {
  const re = new RegExp(`GET[" ]+(?:url=")?https://[^/\\s]+${path.replace(/\//g, '\\/')}\\?([^"\\s]*)`, 'g');
  return [...stderr.matchAll(re)].map((m) => decodeURIComponent(m[1]!));
}

describe('kubectl get follows list pages (--chunk-size, i.e. ?limit= and ?continue=)', () => {
  it('lists every service account once, in pages of three', () => {
    const g = kubectl('get', 'serviceaccounts', '-n', 'chunks', '--chunk-size=3', '-v=6');
    expect(g.status).toBe(0);
    const lines = g.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SECRETS\s+AGE$/);
    const names = lines.slice(1).map((l) => l.split(/\s+/)[0]!);
    expect(names.filter((n) => n.startsWith('robot-'))).toEqual(ROBOTS);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n === 'default' || n.startsWith('robot-'))).toBe(true);
    const queries = listQueries(g.stderr, '/api/v1/namespaces/chunks/serviceaccounts');
    expect(queries.length).toBe(Math.ceil(names.length / 3));
    expect(queries[0]).toBe('limit=3');
    for (const q of queries.slice(1)) expect(q).toMatch(/^continue=[A-Za-z0-9_-]+&limit=3$/);
  });

  it('pages across namespaces (-A) and in other output formats', () => {
    const all = kubectl('get', 'serviceaccounts', '-A', '--chunk-size=2', '-v=6');
    expect(all.status).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('NAMESPACE'))).toHaveLength(1);
    const got = lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join('/'));
    for (const r of ROBOTS) expect(got).toContain(`chunks/${r}`);
    expect(new Set(got).size).toBe(got.length);
    expect(listQueries(all.stderr, '/api/v1/serviceaccounts').length).toBe(Math.ceil(got.length / 2));
    const unchunked = kubectl('get', 'serviceaccounts', '-A', '--chunk-size=0', '-o', 'custom-columns=NS:.metadata.namespace,NAME:.metadata.name', '--no-headers');
    expect(unchunked.stdout.trim().split('\n').map((l) => l.split(/\s+/).join('/'))).toEqual(got);
    const json = JSON.parse(kubectl('get', 'serviceaccounts', '-n', 'chunks', '--chunk-size=3', '-o', 'json').stdout) as { items: Array<{ metadata: { name: string } }> };
    expect(json.items.map((i) => i.metadata.name).filter((n) => n.startsWith('robot-'))).toEqual(ROBOTS);
    const names = kubectl('get', 'serviceaccounts', '-n', 'chunks', '--chunk-size=3', '-o', 'name');
    expect(names.stdout.trim().split('\n').filter((n) => n.startsWith('serviceaccount/robot-'))).toEqual(ROBOTS.map((r) => `serviceaccount/${r}`));
  });
});
