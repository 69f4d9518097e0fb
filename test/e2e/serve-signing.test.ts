import { readFileSync } from 'node:fs';
import { compactVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLI, cleanup, run, startServer } from '../helpers/server-process.js';

const adminToken = (kubeconfig: string) => /^\s*token:\s*(\S+)\s*$/m.exec(readFileSync(kubeconfig, 'utf8'))![1]!;

describe('satoken serve --signing', () => {
  it('refuses anything but pool or inline, in one line, with a non-zero exit', () => {
    const r = run(process.execPath, [CLI, 'serve', '--signing', 'gpu', '--secure-port', '0'], {});
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("argument 'gpu' is invalid. Allowed choices are pool, inline.");
  });

  it.each([[[]], [['--signing', 'inline']], [['--signing', 'pool']]])('%j: concurrent TokenRequests give tokens that verify against the JWKS and review as authenticated', async (flags) => {
    const server = await startServer(['--http', ...flags]);
    try {
      const auth = { Authorization: `Bearer ${adminToken(server.kubeconfig)}`, 'Content-Type': 'application/json' };
      const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status: Record<string, unknown> } }));
      const issued = await Promise.all(Array.from({ length: 16 }, () => post('/api/v1/namespaces/default/serviceaccounts/default/token', { spec: { audiences: ['vault'] } })));
      const jwks = createLocalJWKSet((await (await fetch(`${server.url}/openid/v1/jwks`)).json()) as never);
      const tokens = issued.map((r) => {
        expect(r.status).toBe(201);
        return String(r.body.status.token);
      });
      expect(new Set(tokens).size).toBe(16);
      for (const t of tokens) {
        await compactVerify(t, jwks);
        const review = await post('/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: t, audiences: ['vault'] } });
        expect(review.body.status).toMatchObject({ authenticated: true, audiences: ['vault'] });
      }
    } finally {
      await server.stop();
      cleanup(server.dir);
    }
  });
});
