import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { StatusError } from '../../src/errors/index.js';
import { kindInfo } from '../../src/registry/kinds.js';
import { ObjectRegistry } from '../../src/registry/object-registry.js';
import type { KubeObject } from '../../src/registry/types.js';
import { MemoryStore } from '../../src/store/index.js';

/** Defaulting and validation of the non-workload kinds, with the messages of pkg/apis/<group>/validation. */
let reg: ObjectRegistry;
beforeAll(async () => {
  reg = new ObjectRegistry({ store: new MemoryStore(), clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')) });
  await reg.start();
  await reg.create(kindInfo('Namespace')!, '', { metadata: { name: 'default' } });
});

let n = 0;
const create = (kind: string, body: Record<string, unknown>) => reg.create(kindInfo(kind)!, kindInfo(kind)!.namespaced ? 'default' : '', { metadata: { name: `x${++n}` }, ...body } as KubeObject);
async function message(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e.message;
    throw e;
  }
  return 'accepted';
}

describe('Service', () => {
  it('defaults and allocates as a 1.33 cluster: ClusterIP type, a cluster IP from 10.96.0.0/12, TCP, targetPort = port', async () => {
    const svc = await create('Service', { spec: { selector: { app: 'web' }, ports: [{ name: '80-8080', port: 80, targetPort: 8080 }] } });
    const spec = svc.spec as Record<string, unknown>;
    expect(spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ name: '80-8080', port: 80, targetPort: 8080, protocol: 'TCP' }] });
    expect(spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
  });

  it('allocates node ports for a NodePort service and refuses a requested one that is taken or out of range', async () => {
    const a = await create('Service', { spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    const port = ((a.spec as { ports: Array<{ nodePort: number }> }).ports[0]!).nodePort;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(port).toBeLessThanOrEqual(32767);
    expect(await message(create('Service', { metadata: { name: 'taken' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: port }] } }))).toBe(`Service "taken" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`);
    expect(await message(create('Service', { metadata: { name: 'low' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } }))).toBe('Service "low" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  it('keeps the cluster IP when an update leaves it out, and refuses to change it', async () => {
    const svc = await create('Service', { metadata: { name: 'keep' }, spec: { ports: [{ port: 80 }] } });
    const ip = (svc.spec as { clusterIP: string }).clusterIP;
    const updated = await reg.update(kindInfo('Service')!, 'default', 'keep', { metadata: { name: 'keep' }, spec: { ports: [{ port: 81 }] } });
    expect((updated.spec as { clusterIP: string }).clusterIP).toBe(ip);
    const changed = await message(reg.update(kindInfo('Service')!, 'default', 'keep', { metadata: { name: 'keep' }, spec: { clusterIP: '10.96.7.7', clusterIPs: ['10.96.7.7'], ports: [{ port: 81 }] } }));
    expect(changed).toBe('Service "keep" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.7.7"]: may not change once set');
  });

  it.each([
    ['no ports', { metadata: { name: 's1' }, spec: {} }, 'Service "s1" is invalid: spec.ports: Required value'],
    ['a name that is not a DNS-1035 label', { metadata: { name: '1abc' }, spec: { ports: [{ port: 80 }] } }, /^Service "1abc" is invalid: metadata.name: Invalid value: "1abc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/],
    ['two unnamed ports', { metadata: { name: 's2' }, spec: { ports: [{ port: 80 }, { port: 81 }] } }, 'Service "s2" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]'],
    ['a port out of range', { metadata: { name: 's3' }, spec: { ports: [{ port: 70000 }] } }, 'Service "s3" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]'],
    ['an unknown type', { metadata: { name: 's4' }, spec: { type: 'Magic', ports: [{ port: 80 }] } }, 'Service "s4" is invalid: spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    ['ExternalName without a name', { metadata: { name: 's5' }, spec: { type: 'ExternalName' } }, 'Service "s5" is invalid: spec.externalName: Required value'],
    ['a requested cluster IP out of range', { metadata: { name: 's6' }, spec: { clusterIP: '192.168.0.1', ports: [{ port: 80 }] } }, 'Service "s6" is invalid: spec.clusterIPs: Invalid value: ["192.168.0.1"]: failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12'],
  ])('refuses %s', async (_n, body, expected) => {
    expect(await message(create('Service', body))).toMatch(expected);
  });
});

describe('NetworkPolicy, Ingress, IngressClass', () => {
  it('defaults policyTypes from the rules and the port protocol to TCP', async () => {
    const np = await create('NetworkPolicy', { spec: { podSelector: { matchLabels: { app: 'db' } }, egress: [{ ports: [{ port: 5432 }] }] } });
    expect(np.spec).toEqual({ podSelector: { matchLabels: { app: 'db' } }, egress: [{ ports: [{ port: 5432, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
  });

  it.each([
    ['NetworkPolicy', { metadata: { name: 'n1' }, spec: { podSelector: {}, ingress: [{ from: [{}] }] } }, 'NetworkPolicy.networking.k8s.io "n1" is invalid: spec.ingress[0].from[0]: Required value: must specify a peer'],
    ['NetworkPolicy', { metadata: { name: 'n2' }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] } }, 'NetworkPolicy.networking.k8s.io "n2" is invalid: spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`'],
    ['NetworkPolicy', { metadata: { name: 'n3' }, spec: { podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } } }, "NetworkPolicy.networking.k8s.io \"n3\" is invalid: spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    ['Ingress', { metadata: { name: 'i1' }, spec: {} }, 'Ingress.networking.k8s.io "i1" is invalid: spec: Invalid value: []: either `defaultBackend` or `rules` must be specified'],
    ['Ingress', { metadata: { name: 'i2' }, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, 'Ingress.networking.k8s.io "i2" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'],
    ['Ingress', { metadata: { name: 'i3' }, spec: { defaultBackend: { service: { name: 'web' } } } }, 'Ingress.networking.k8s.io "i3" is invalid: spec.defaultBackend.service.port: Required value: port name or number is required'],
    ['IngressClass', { metadata: { name: 'c1' }, spec: { controller: 'nginx' } }, 'IngressClass.networking.k8s.io "c1" is invalid: spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")'],
  ])('refuses a %s: %j', async (kind, body, expected) => {
    expect(await message(create(kind, body))).toBe(expected);
  });

  it('keeps an IngressClass controller immutable', async () => {
    await create('IngressClass', { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } });
    expect(await message(reg.update(kindInfo('IngressClass')!, '', 'nginx', { metadata: { name: 'nginx' }, spec: { controller: 'example.com/other' } }))).toBe(
      'IngressClass.networking.k8s.io "nginx" is invalid: spec.controller: Invalid value: "example.com/other": field is immutable',
    );
  });
});

describe('PodDisruptionBudget, Lease, Endpoints, ControllerRevision', () => {
  it.each([
    ['PodDisruptionBudget', { metadata: { name: 'p1' }, spec: { minAvailable: 1, maxUnavailable: 1 } }, 'PodDisruptionBudget.policy "p1" is invalid: spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set'],
    ['PodDisruptionBudget', { metadata: { name: 'p2' }, spec: { minAvailable: '150%' } }, 'PodDisruptionBudget.policy "p2" is invalid: spec.minAvailable: Invalid value: "150%": must not be greater than 100%'],
    ['PodDisruptionBudget', { metadata: { name: 'p3' }, spec: { maxUnavailable: 'half' } }, "PodDisruptionBudget.policy \"p3\" is invalid: spec.maxUnavailable: Invalid value: \"half\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
    ['Lease', { metadata: { name: 'l1' }, spec: { leaseDurationSeconds: 0 } }, 'Lease.coordination.k8s.io "l1" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'],
    ['Endpoints', { metadata: { name: 'e1' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }] }] }, 'Endpoints "e1" is invalid: subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['Endpoints', { metadata: { name: 'e2' }, subsets: [{ ports: [{ port: 80 }] }] }, 'Endpoints "e2" is invalid: subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`'],
    ['ControllerRevision', { metadata: { name: 'r1' }, revision: 1 }, 'ControllerRevision.apps "r1" is invalid: data: Required value: data is mandatory'],
  ])('refuses a %s: %j', async (kind, body, expected) => {
    expect(await message(create(kind, body))).toBe(expected);
  });

  it('drops the alpha coordinated-election fields of a Lease (the feature is off in 1.33)', async () => {
    const lease = await create('Lease', { spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, strategy: 'OldestEmulationVersion', preferredHolder: 'x' } });
    expect(lease.spec).toEqual({ holderIdentity: 'node-1', leaseDurationSeconds: 40 });
  });
});

describe('LimitRange, ResourceQuota, PersistentVolumeClaim', () => {
  it.each([
    ['LimitRange', { metadata: { name: 'lr1' }, spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '500m' } }] } }, 'LimitRange "lr1" is invalid: spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 500m'],
    ['LimitRange', { metadata: { name: 'lr2' }, spec: { limits: [{ type: 'Pod', default: { cpu: '1' } }] } }, "LimitRange \"lr2\" is invalid: spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"],
    ['ResourceQuota', { metadata: { name: 'q1' }, spec: { hard: { pods: '1.5' } } }, 'ResourceQuota "q1" is invalid: spec.hard[pods]: Invalid value: "1500m": must be an integer'],
    ['ResourceQuota', { metadata: { name: 'q2' }, spec: { hard: { widgets: '1' } } }, 'ResourceQuota "q2" is invalid: spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota'],
    ['ResourceQuota', { metadata: { name: 'q3' }, spec: { hard: { cpu: 'lots' } } }, "ResourceQuota in version \"v1\" cannot be handled as a ResourceQuota: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['PersistentVolumeClaim', { metadata: { name: 'c1' }, spec: { resources: { requests: { storage: '1Gi' } } } }, 'PersistentVolumeClaim "c1" is invalid: spec.accessModes: Required value: at least 1 access mode is required'],
    ['PersistentVolumeClaim', { metadata: { name: 'c2' }, spec: { accessModes: ['ReadWriteOnce'] } }, 'PersistentVolumeClaim "c2" is invalid: spec.resources[storage]: Required value'],
    ['PersistentVolumeClaim', { metadata: { name: 'c3' }, spec: { accessModes: ['ReadWriteSometimes'], resources: { requests: { storage: '1Gi' } } } }, 'PersistentVolumeClaim "c3" is invalid: spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
  ])('refuses a %s: %j', async (kind, body, expected) => {
    expect(await message(create(kind, body))).toBe(expected);
  });

  it('defaults a claim to Filesystem and keeps its spec immutable while unbound', async () => {
    const pvc = await create('PersistentVolumeClaim', { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    expect((pvc.spec as { volumeMode: string }).volumeMode).toBe('Filesystem');
    expect(await message(reg.update(kindInfo('PersistentVolumeClaim')!, 'default', 'data', { ...pvc, spec: { ...(pvc.spec as object), resources: { requests: { storage: '2Gi' } } } }))).toBe(
      'PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    );
  });
});

