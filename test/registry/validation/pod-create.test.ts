import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator.js';
import { StatusError } from '../../../src/errors/index.js';
import { fixture } from '../../helpers/emulator.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await fixture();
});
afterAll(() => emu.close());

type J = Record<string, any>;
let n = 0;
const pod = (spec: J, meta: J = {}): J => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${++n}`, namespace: 'default', ...meta }, spec });
const app = (extra: J = {}): J => ({ name: 'app', image: 'busybox', ...extra });

async function refusal(body: J): Promise<StatusError> {
  try {
    await emu.apply(body as never);
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('the pod was accepted');
}

describe('pod defaults, as pkg/apis/core/v1/defaults.go and the default admission plugins set them', () => {
  let spec: J;
  let status: J;
  beforeAll(async () => {
    const [p] = await emu.apply(pod({ containers: [app({ ports: [{ containerPort: 80 }], resources: { limits: { cpu: '0.5', memory: '1024Mi' } }, readinessProbe: { httpGet: { port: 80 } } })] }) as never);
    spec = (p as J).spec;
    status = (p as J).status;
  });
  it.each([
    ['dnsPolicy', () => spec.dnsPolicy, 'ClusterFirst'],
    ['restartPolicy', () => spec.restartPolicy, 'Always'],
    ['schedulerName', () => spec.schedulerName, 'default-scheduler'],
    ['enableServiceLinks', () => spec.enableServiceLinks, true],
    ['terminationGracePeriodSeconds', () => spec.terminationGracePeriodSeconds, 30],
    ['securityContext', () => spec.securityContext, {}],
    ['priority (Priority admission)', () => spec.priority, 0],
    ['preemptionPolicy (Priority admission)', () => spec.preemptionPolicy, 'PreemptLowerPriority'],
    [
      'tolerations (DefaultTolerationSeconds admission)',
      () => spec.tolerations,
      [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    ],
    ['serviceAccountName (ServiceAccount admission)', () => spec.serviceAccountName, 'default'],
    ['container imagePullPolicy for an untagged image', () => spec.containers[0].imagePullPolicy, 'Always'],
    ['container terminationMessagePath', () => spec.containers[0].terminationMessagePath, '/dev/termination-log'],
    ['container terminationMessagePolicy', () => spec.containers[0].terminationMessagePolicy, 'File'],
    ['port protocol', () => spec.containers[0].ports[0].protocol, 'TCP'],
    ['resources, in canonical form, with requests from limits', () => spec.containers[0].resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }],
    ['probe timings and HTTP path and scheme', () => spec.containers[0].readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }],
    ['kube-api-access projected volume mode', () => spec.volumes[0].projected.defaultMode, 420],
    ['status phase and QoS class', () => status, { phase: 'Pending', qosClass: 'Guaranteed' }],
  ])('sets %s', (_n, actual, expected) => expect(actual()).toEqual(expected));

  it.each([
    ['nginx:1.27', 'IfNotPresent'],
    ['nginx:latest', 'Always'],
    ['localhost:5000/app', 'Always'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
  ])('pulls %s with %s', async (image, policy) => {
    const [p] = await emu.apply(pod({ containers: [app({ image })] }) as never);
    expect((p as J).spec.containers[0].imagePullPolicy).toBe(policy);
  });

  it('keeps a toleration the pod already has for not-ready and adds only the missing one', async () => {
    const [p] = await emu.apply(pod({ containers: [app()], tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] }) as never);
    expect((p as J).spec.tolerations.map((t: J) => t.key ?? '')).toEqual(['', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
  });

  it('refuses a priority class that does not exist, and takes the system classes', async () => {
    expect((await refusal(pod({ containers: [app()], priorityClassName: 'gold' }, { name: 'gold' }))).message).toBe('pods "gold" is forbidden: no PriorityClass with name gold was found');
    const [p] = await emu.apply(pod({ containers: [app()], priorityClassName: 'system-node-critical' }) as never);
    expect((p as J).spec.priority).toBe(2000001000);
  });
});

describe('projected-volume and mount paths, with validateLocalDescendingPath and ValidateLocalNonReservedPath messages', () => {
  const vol = (projected: J): J => ({ containers: [app()], serviceAccountName: 'build-robot', volumes: [{ name: 'v', projected }] });
  it.each([
    ['a token path with a .. segment', vol({ sources: [{ serviceAccountToken: { path: 'a/../token' } }] }), `spec.volumes[0].projected.path: Invalid value: "a/../token": must not contain '..'`],
    ['a token path starting with ..', vol({ sources: [{ serviceAccountToken: { path: '..token' } }] }), `spec.volumes[0].projected.path: Invalid value: "..token": must not start with '..'`],
    ['an absolute token path', vol({ sources: [{ serviceAccountToken: { path: '/etc/token' } }] }), 'spec.volumes[0].projected.path: Invalid value: "/etc/token": must be a relative path'],
    ['a token that expires within 10 minutes', vol({ sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 60 } }] }), 'spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes'],
    ['a configMap item escaping the volume', vol({ sources: [{ configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: '../ca.crt' }] } }] }), `spec.volumes[0].projected.sources[0].configMap.items[0].path: Invalid value: "../ca.crt": must not contain '..'`],
    ['a secret item with an absolute path', vol({ sources: [{ secret: { name: 'creds', items: [{ key: 'a', path: '/a' }] } }] }), 'spec.volumes[0].projected.sources[0].secret.items[0].path: Invalid value: "/a": must be a relative path'],
    ['a downwardAPI item starting with ..', vol({ sources: [{ downwardAPI: { items: [{ path: '..ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] }), `spec.volumes[0].projected.sources[0].downwardAPI.path: Invalid value: "..ns": must not start with '..'`],
    ['two sources writing one path', vol({ sources: [{ configMap: { name: 'a', items: [{ key: 'k', path: 'same' }] } }, { secret: { name: 'creds', items: [{ key: 'k', path: 'same' }] } }] }), 'spec.volumes[0].projected: Invalid value: "creds": conflicting duplicate paths'],
    ['a secret volume item path with ..', { containers: [app()], volumes: [{ name: 's', secret: { secretName: 'creds', items: [{ key: 'a', path: 'x/../../a' }] } }] }, `spec.volumes[0].secret.items[0].path: Invalid value: "x/../../a": must not contain '..'`],
    ['a subPath that climbs out', { containers: [app({ volumeMounts: [{ name: 'd', mountPath: '/d', subPath: '../etc' }] })], volumes: [{ name: 'd', emptyDir: {} }] }, `spec.containers[0].volumeMounts.subPath: Invalid value: "../etc": must not contain '..'`],
    ['a mount of a volume that does not exist', { containers: [app({ volumeMounts: [{ name: 'nope', mountPath: '/x' }] })] }, 'spec.containers[0].volumeMounts[0].name: Not found: "nope"'],
  ])('refuses %s', async (_n, spec, message) => {
    const e = await refusal(pod(spec));
    expect(e.code).toBe(422);
    expect(e.message).toContain(message);
  });
});

describe('container, port, resource and security context rules on create', () => {
  it.each([
    ['two containers of one name', { containers: [app(), app()] }, 'spec.containers[1].name: Duplicate value: "app"'],
    ['an init container named as a container', { containers: [app()], initContainers: [app()] }, 'spec.initContainers[0].name: Duplicate value: "app"'],
    ['a port above 65535', { containers: [app({ ports: [{ containerPort: 70000 }] })] }, 'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ['an unknown protocol', { containers: [app({ ports: [{ containerPort: 80, protocol: 'ICMP' }] })] }, 'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
    ['a port name with capitals', { containers: [app({ ports: [{ containerPort: 80, name: 'Web' }] })] }, 'spec.containers[0].ports[0].name: Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
    ['a request above its limit', { containers: [app({ resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } })] }, 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    ['a negative memory request', { containers: [app({ resources: { requests: { memory: '-1Mi' } } })] }, 'spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0'],
    ['a resource that is not one', { containers: [app({ resources: { requests: { gpu: '1' } } })] }, 'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified'],
    ['a negative runAsUser', { containers: [app()], securityContext: { runAsUser: -1 } }, 'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive'],
    ['an env var name with =', { containers: [app({ env: [{ name: 'A=B', value: 'x' }] })] }, `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`],
    ['an unknown restart policy', { containers: [app()], restartPolicy: 'Sometimes' }, 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ['ephemeral containers on create', { containers: [app()], ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] }, 'spec.ephemeralContainers: Forbidden: cannot be set on create'],
  ])('refuses %s', async (_n, spec, message) => {
    const e = await refusal(pod(spec));
    expect(e.code).toBe(422);
    expect(e.message).toContain(message);
  });
});

describe('hostile bodies are 422 Invalid with field errors, never a 500', () => {
  it.each([
    ['a spec that is a string', 'runAsUser:2000', 'spec: Invalid value: "runAsUser:2000": must be of type object'],
    ['containers that are a string', { containers: 'app' }, 'spec.containers: Invalid value: "app": must be of type array'],
    ['a volume list holding a number', { containers: [app()], volumes: [1] }, 'spec.volumes[0]: Invalid value: 1: must be of type object'],
    ['a securityContext that is a string', { containers: [app()], securityContext: 'runAsUser:2000' }, 'spec.securityContext: Invalid value: "runAsUser:2000": must be of type object'],
    ['a runAsUser that is a string', { containers: [app()], securityContext: { runAsUser: '2000' } }, 'spec.securityContext.runAsUser: Invalid value: "2000": must be of type integer'],
    ['a container name that is an object', { containers: [app({ name: { a: 1 } })] }, 'spec.containers[0].name: Invalid value: {"a":1}: must be of type string'],
    ['a null container', { containers: [null] }, 'spec.containers[0].name: Required value'],
    ['a null volume', { containers: [app()], volumes: [null] }, 'spec.volumes[0].name: Required value'],
    ['env that is an object', { containers: [app({ env: { A: 'b' } })] }, 'spec.containers[0].env: Invalid value: {"A":"b"}: must be of type array'],
  ])('refuses %s', async (_n, spec, message) => {
    const e = await refusal(pod(spec as J));
    expect(e.code).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.message).toContain(message);
  });

  it('answers 5000 containers of one name with a 422 listing the duplicates', async () => {
    const e = await refusal(pod({ containers: Array.from({ length: 5000 }, () => app()) }));
    expect(e.code).toBe(422);
    expect(e.message).toContain('spec.containers[4999].name: Duplicate value: "app"');
  });
});
