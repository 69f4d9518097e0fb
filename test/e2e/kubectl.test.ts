import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let env: Record<string, string>;
const kubectl = (...args: string[]) => run('kubectl', args, env);

beforeAll(async () => {
  server = await startServer();
  env = kubectlEnv(server);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  cleanup(server.dir);
});

describe('the real kubectl against satoken serve', () => {
  it('uses kubectl 1.33 (protobuf bodies) picked from /version', () => {
    const r = kubectl('version', '-o', 'json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion.minor).toBe('33');
  });

  it('creates, gets and describes a service account', () => {
    expect(kubectl('create', 'serviceaccount', 'build-robot')).toMatchObject({ status: 0, stdout: 'serviceaccount/build-robot created\n' });
    const get = kubectl('get', 'sa');
    expect(get.status).toBe(0);
    expect(get.stdout).toMatch(/^NAME\s+SECRETS\s+AGE\n/);
    expect(get.stdout).toMatch(/\nbuild-robot\s+0\s+\d+s\n/);
    const d = kubectl('describe', 'serviceaccount', 'build-robot');
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/Name:\s+build-robot/);
  });

  it('creates tokens with --duration, --audience and --bound-object-*', () => {
    const t = kubectl('create', 'token', 'build-robot', '--duration', '10m', '--audience', 'vault', '--audience', 'a,b');
    expect(t.status).toBe(0);
    const p = JSON.parse(Buffer.from(t.stdout.trim().split('.')[1]!, 'base64url').toString());
    expect(p.aud).toEqual(['vault', 'a,b']);
    expect(p.exp - p.iat).toBe(600);
    expect(kubectl('create', 'secret', 'generic', 'creds', '--from-literal=k=v')).toMatchObject({ status: 0, stdout: 'secret/creds created\n' });
    const b = kubectl('create', 'token', 'build-robot', '--bound-object-kind', 'Secret', '--bound-object-name', 'creds', '-o', 'json');
    expect(b.status).toBe(0);
    expect(JSON.parse(b.stdout).spec.boundObjectRef).toMatchObject({ kind: 'Secret', name: 'creds', apiVersion: 'v1' });
    const missing = kubectl('create', 'token', 'build-robot', '--bound-object-kind', 'Pod', '--bound-object-name', 'nope');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('error: failed to create token: pods "nope" not found\n');
  });

  it('applies a manifest, lists and deletes pods', () => {
    const manifest = join(server.dir, 'pod.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\nspec:\n  serviceAccountName: build-robot\n  containers:\n  - name: app\n    image: busybox\n');
    const a = kubectl('apply', '-f', manifest);
    expect(a.stderr).toBe('');
    expect(a.stdout).toBe('pod/web-0 created\n');
    expect(kubectl('apply', '-f', manifest).stdout).toBe('pod/web-0 unchanged\n');
    const g = kubectl('get', 'pods');
    expect(g.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(g.stdout).toContain('web-0');
    const y = kubectl('get', 'pod', 'web-0', '-o', 'jsonpath={.spec.volumes[0].name}');
    expect(y.stdout).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(kubectl('delete', 'pod', 'web-0')).toMatchObject({ status: 0, stdout: 'pod "web-0" deleted\n' });
    expect(kubectl('get', 'pod', 'web-0').stderr).toBe('Error from server (NotFound): pods "web-0" not found\n');
  });

  it('says who the caller is (auth whoami) and what it may do (auth can-i)', () => {
    const w = kubectl('auth', 'whoami', '-o', 'json');
    expect(w.status).toBe(0);
    expect(JSON.parse(w.stdout).status.userInfo).toMatchObject({ username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    expect(kubectl('auth', 'can-i', 'create', 'serviceaccounts', '--subresource=token')).toMatchObject({ status: 0, stdout: 'yes\n' });
    const no = kubectl('auth', 'can-i', 'get', 'pods', '--as', 'system:serviceaccount:default:build-robot');
    expect(no).toMatchObject({ status: 1, stdout: 'no\n' });
  });

  it('edits through a patch, and lets admission mount (or not) the projected token', () => {
    const editor = join(server.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/^metadata:/metadata:\\n  labels:\\n    edited: \\"yes\\"/" "$1"\n', { mode: 0o755 });
    const e = run('kubectl', ['edit', 'serviceaccount', 'build-robot'], { ...env, KUBE_EDITOR: editor });
    expect(e.stderr).toBe('');
    expect(e.stdout).toBe('serviceaccount/build-robot edited\n');
    expect(kubectl('get', 'sa', 'build-robot', '-o', 'jsonpath={.metadata.labels.edited}').stdout).toBe('yes');
    expect(kubectl('run', 'plain', '--image=busybox').status).toBe(0);
    expect(kubectl('get', 'pod', 'plain', '-o', 'jsonpath={.spec.serviceAccountName} {.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds}').stdout).toBe('default 3607');
    const optOut = kubectl('run', 'optout', '--image=busybox', '--overrides={"spec":{"automountServiceAccountToken":false}}');
    expect(optOut.status).toBe(0);
    expect(kubectl('get', 'pod', 'optout', '-o', 'jsonpath={.spec.volumes}').stdout).toBe('');
  });

  it('reads the issuer discovery documents with get --raw', () => {
    const jwks = kubectl('get', '--raw', '/openid/v1/jwks');
    expect(JSON.parse(jwks.stdout).keys[0]).toMatchObject({ use: 'sig', kty: 'RSA', alg: 'RS256' });
  });
});
