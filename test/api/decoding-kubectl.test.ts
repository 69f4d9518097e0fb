import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * kubectl 1.33 against `satoken serve` (dist/: run `npm run build` first), printing what it
 * prints against a cluster for the examples: a misspelt field refused by strict decoding,
 * a string where an object belongs, and warnings for unknown fields with --validate=warn.
 */
let server: ServerProcess;
let env: Record<string, string>;
const kubectl = (...args: string[]) => run('kubectl', args, env);
const manifest = (name: string, text: string) => {
  const file = join(server.dir, name);
  writeFileSync(file, text);
  return file;
};

beforeAll(async () => {
  server = await startServer();
  env = kubectlEnv(server);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  cleanup(server.dir);
});

describe('kubectl apply and create against strict decoding', () => {
  it('refuses a misspelt field with the message a cluster gives (kubectl sends fieldValidation=Strict)', () => {
    const file = manifest('typo.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  serviceAccountNmae: build-robot\n  containers:\n  - name: app\n    image: busybox\n');
    const r = kubectl('apply', '-f', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`Error from server (BadRequest): error when creating "${file}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.serviceAccountNmae"\n`);
  });

  it('refuses a string where an object belongs with Go\'s unmarshal message', () => {
    const file = manifest('sc.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: sc\nspec:\n  securityContext: "runAsUser:2000"\n  containers:\n  - name: app\n    image: busybox\n');
    const r = kubectl('create', '-f', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`Error from server (BadRequest): error when creating "${file}": Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.securityContext of type v1.PodSecurityContext\n`);
  });

  it('creates with --validate=warn and prints the server\'s warning', () => {
    const file = manifest('warn.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: warned\ndata:\n  a: "1"\ndataa:\n  b: "2"\n');
    const r = kubectl('create', '--validate=warn', '-f', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('configmap/warned created\n');
    expect(r.stderr).toBe('Warning: unknown field "dataa"\n');
  });

  it('patches a ConfigMap strategically and refuses a patch that gives a map a list', () => {
    expect(kubectl('patch', 'configmap', 'warned', '-p', '{"data":{"c":"3"}}')).toMatchObject({ status: 0, stdout: 'configmap/warned patched\n' });
    const bad = kubectl('patch', 'configmap', 'warned', '--type', 'merge', '-p', '{"data":["x"]}');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^The request is invalid: patch: Invalid value: ".*": json: cannot unmarshal array into Go struct field ConfigMap\.data of type map\[string\]string\n$/);
  });
});
