import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, kubectlEnv, run, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * The walkthrough with kubectl 1.33 against `satoken serve`: a pod's spec is immutable
 * but for images and a few fields, so `kubectl patch` and `kubectl edit` are refused with
 * kube-apiserver's Forbidden message, and `kubectl replace --force` (delete, then create) works.
 */
let server: ServerProcess;
let env: Record<string, string>;
const kubectl = (...args: string[]) => run('kubectl', args, env);
const FORBIDDEN = 'The Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

beforeAll(async () => {
  server = await startServer();
  env = kubectlEnv(server);
  const r = kubectl('run', 'web', '--image=busybox:1.36', '--command', '--', 'sleep', '3600');
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('pod/web created\n');
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  cleanup(server.dir);
});

describe('kubectl against pod immutability', () => {
  it('shows the defaults a cluster shows', () => {
    const pod = JSON.parse(kubectl('get', 'pod', 'web', '-o', 'json').stdout);
    expect(pod.spec).toMatchObject({ dnsPolicy: 'ClusterFirst', enableServiceLinks: true, priority: 0, schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, preemptionPolicy: 'PreemptLowerPriority' });
    expect(pod.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    expect(pod.spec.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
  });

  it.each([
    ['spec.nodeName', '{"spec":{"nodeName":"node-1"}}', '+ \tNodeName: "node-1",'],
    ['securityContext.runAsUser', '{"spec":{"securityContext":{"runAsUser":2000}}}', '+ \t\tRunAsUser: &2000,'],
    ['automountServiceAccountToken', '{"spec":{"automountServiceAccountToken":false}}', '+ \tAutomountServiceAccountToken: &false,'],
  ])('refuses kubectl patch of %s with the Forbidden message and the diff', (_f, patch, line) => {
    const r = kubectl('patch', 'pod', 'web', '-p', patch);
    expect(r.status).toBe(1);
    expect(r.stderr.startsWith(FORBIDDEN)).toBe(true);
    expect(r.stderr).toContain(line);
  });

  it('lets kubectl set image change the image', () => {
    expect(kubectl('set', 'image', 'pod/web', 'web=busybox:1.37')).toMatchObject({ status: 0, stdout: 'pod/web image updated\n' });
  });

  it('reopens kubectl edit with the Forbidden message when the edit changes the spec', () => {
    const script = join(server.dir, 'editor.sh');
    const reopened = join(server.dir, 'reopened.yaml');
    writeFileSync(script, `#!/bin/sh\nif grep -q "pod updates may not change fields" "$1"; then cp "$1" "${reopened}"; exit 0; fi\nsed -i 's/restartPolicy: Always/restartPolicy: Never/' "$1"\n`);
    const r = run('kubectl', ['edit', 'pod', 'web'], { ...env, KUBE_EDITOR: `sh ${script}` });
    expect(r.status).toBe(1);
    const text = readFileSync(reopened, 'utf8');
    expect(text).toContain('# pods "web" was not valid:');
    expect(text).toContain('# * spec: Forbidden: pod updates may not change fields other than');
    expect(text).toContain('RestartPolicy: "Always"');
  });

  it('replaces the pod with kubectl replace --force: a new pod, with the new spec', () => {
    const before = JSON.parse(kubectl('get', 'pod', 'web', '-o', 'json').stdout);
    before.spec.securityContext = { runAsUser: 2000 };
    const file = join(server.dir, 'web.json');
    writeFileSync(file, JSON.stringify(before));
    const r = kubectl('replace', '--force', '-f', file);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('pod "web" deleted\npod/web replaced\n');
    const after = JSON.parse(kubectl('get', 'pod', 'web', '-o', 'json').stdout);
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    expect(after.spec.securityContext).toEqual({ runAsUser: 2000 });
  });
});
