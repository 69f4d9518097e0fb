import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { StatusError } from '../../src/errors/index.js';
import { kindInfo } from '../../src/registry/kinds.js';
import { ObjectRegistry } from '../../src/registry/object-registry.js';
import type { KubeObject } from '../../src/registry/types.js';
import { MemoryStore } from '../../src/store/index.js';

/**
 * Status, generation and scale as kube-apiserver's strategies define them
 * (pkg/registry/apps/deployment/strategy.go and storage.go; the other kinds alike).
 */
const T0 = Date.parse('2026-01-01T00:00:00Z');
let reg: ObjectRegistry;
beforeEach(async () => {
  reg = new ObjectRegistry({ store: new MemoryStore(), clock: new ManualClock(T0) });
  await reg.start();
  await reg.create(kindInfo('Namespace')!, '', { metadata: { name: 'default' } });
});

const D = () => kindInfo('Deployment')!;
const deployment = (extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
  ...extra,
});

async function refusal(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('status and generation of the main resource', () => {
  it('drops the status a client sends on create and starts the generation at 1', async () => {
    const d = await reg.create(D(), 'default', deployment({ status: { replicas: 9, readyReplicas: 9 }, metadata: { name: 'web', generation: 7 } }));
    expect(d.status).toEqual({});
    expect(d.metadata.generation).toBe(1);
  });

  it.each([
    ['ReplicaSet', { replicas: 0 }],
    ['StatefulSet', { replicas: 0, availableReplicas: 0 }],
    ['DaemonSet', { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }],
    ['Job', {}],
    ['CronJob', {}],
    ['Service', { loadBalancer: {} }],
    ['PersistentVolumeClaim', { phase: 'Pending' }],
    ['PodDisruptionBudget', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }],
    ['Ingress', { loadBalancer: {} }],
    ['ResourceQuota', {}],
  ])('gives a new %s the status a cluster shows before any controller ran', async (kind, status) => {
    const info = kindInfo(kind)!;
    const template = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const jobTemplate = { metadata: {}, spec: { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Never' } };
    const body: Record<string, Record<string, unknown>> = {
      ReplicaSet: { spec: { selector: { matchLabels: { a: 'b' } }, template } },
      StatefulSet: { spec: { selector: { matchLabels: { a: 'b' } }, template } },
      DaemonSet: { spec: { selector: { matchLabels: { a: 'b' } }, template } },
      Job: { spec: { template: jobTemplate } },
      CronJob: { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: jobTemplate } } } },
      Service: { spec: { ports: [{ port: 80 }] } },
      PersistentVolumeClaim: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      PodDisruptionBudget: { spec: { minAvailable: 1 } },
      Ingress: { spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } },
      ResourceQuota: { spec: { hard: { pods: '10' } } },
    };
    const o = await reg.create(info, 'default', { metadata: { name: 'x' }, ...body[kind], status: { bogus: true } } as KubeObject);
    expect(o.status).toEqual(status);
  });

  it('keeps the stored status on update, so status changes sent to the main resource are ignored', async () => {
    await reg.create(D(), 'default', deployment());
    await reg.updateStatus(D(), 'default', 'web', { ...deployment(), status: { replicas: 2, readyReplicas: 1 } });
    const d = await reg.update(D(), 'default', 'web', { ...deployment(), status: { replicas: 0 } });
    expect(d.status).toEqual({ replicas: 2, readyReplicas: 1 });
  });

  it.each([
    ['a spec change', (d: KubeObject) => ({ ...d, spec: { ...(d.spec as object), replicas: 3 } }), 2],
    ['a label change', (d: KubeObject) => ({ ...d, metadata: { ...d.metadata, labels: { x: 'y' } } }), 1],
    ['an annotation change (a Deployment copies annotations to its ReplicaSets)', (d: KubeObject) => ({ ...d, metadata: { ...d.metadata, annotations: { note: 'x' } } }), 2],
    ['a client-set generation', (d: KubeObject) => ({ ...d, metadata: { ...d.metadata, generation: 42 } }), 1],
    ['an empty list where there was none', (d: KubeObject) => ({ ...d, spec: { ...(d.spec as object), template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', args: [] }] } } } }), 1],
  ])('moves the generation of a Deployment on %s to %d', async (_n, change, generation) => {
    const d = await reg.create(D(), 'default', deployment());
    const next = await reg.update(D(), 'default', 'web', change(structuredClone(d)));
    expect(next.metadata.generation).toBe(generation);
  });

  it('moves the generation of a ReplicaSet on spec changes only, not on annotations', async () => {
    const rs = kindInfo('ReplicaSet')!;
    const o = await reg.create(rs, 'default', { metadata: { name: 'r' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    const annotated = await reg.update(rs, 'default', 'r', { ...o, metadata: { ...o.metadata, annotations: { a: 'b' } } });
    expect(annotated.metadata.generation).toBe(1);
  });

  it('gives kinds without a generation none (Service)', async () => {
    const svc = await reg.create(kindInfo('Service')!, 'default', { metadata: { name: 's', generation: 5 }, spec: { ports: [{ port: 80 }] } });
    const next = await reg.update(kindInfo('Service')!, 'default', 's', { ...svc, spec: { ...(svc.spec as object), ports: [{ port: 81 }] } });
    expect(next.metadata.generation).toBe(5);
  });
});

describe('/status', () => {
  it('changes only the status: spec, generation and (for a Deployment) labels stay as stored', async () => {
    await reg.create(D(), 'default', deployment({ metadata: { name: 'web', labels: { app: 'web' } } }));
    const d = await reg.updateStatus(D(), 'default', 'web', {
      ...deployment({ metadata: { name: 'web', labels: { hacked: 'yes' }, annotations: { seen: 'y' }, generation: 9 } }),
      spec: { replicas: 50 },
      status: { observedGeneration: 1, replicas: 2 },
    });
    expect((d.spec as { replicas: number }).replicas).toBe(2);
    expect(d.status).toEqual({ observedGeneration: 1, replicas: 2 });
    expect(d.metadata.generation).toBe(1);
    expect(d.metadata.labels).toEqual({ app: 'web' });
    expect(d.metadata.annotations).toEqual({ seen: 'y' });
  });

  it('lets a Node report its status after registering (kubectl get nodes reads Ready from it)', async () => {
    const node = kindInfo('Node')!;
    const n = await reg.create(node, '', { metadata: { name: 'node-1' }, status: { capacity: { pods: '110' } } });
    expect(n.status).toEqual({ capacity: { pods: '110' } });
    const ready = await reg.updateStatus(node, '', 'node-1', { ...n, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(ready.status).toEqual({ conditions: [{ type: 'Ready', status: 'True' }] });
    const main = await reg.update(node, '', 'node-1', { ...ready, spec: { unschedulable: true }, status: {} });
    expect(main.status).toEqual({ conditions: [{ type: 'Ready', status: 'True' }] });
    expect(main.spec).toEqual({ unschedulable: true });
  });

  it('keeps a pod\'s owner references on /status (old kubelets corrupted them)', async () => {
    const pods = kindInfo('Pod')!;
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: 'u1', controller: true }];
    const p = await reg.create(pods, 'default', { metadata: { name: 'p', ownerReferences: owner }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const next = await reg.updateStatus(pods, 'default', 'p', { ...p, metadata: { ...p.metadata, ownerReferences: [] }, status: { phase: 'Running' } });
    expect(next.metadata.ownerReferences).toEqual(owner);
    expect((next.status as { phase: string }).phase).toBe('Running');
  });

  it('is a 404 for a kind without status (NetworkPolicy) and a conflict for a stale resourceVersion', async () => {
    const np = kindInfo('NetworkPolicy')!;
    await reg.create(np, 'default', { metadata: { name: 'deny' }, spec: {} });
    expect((await refusal(reg.updateStatus(np, 'default', 'deny', { metadata: { name: 'deny' } }))).code).toBe(404);
    const d = await reg.create(D(), 'default', deployment());
    await reg.updateStatus(D(), 'default', 'web', { ...d, status: { replicas: 1 } });
    const stale = await refusal(reg.updateStatus(D(), 'default', 'web', { ...d, status: { replicas: 3 } }));
    expect(stale.message).toBe('Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
  });
});

describe('/scale', () => {
  it('reads spec.replicas, status.replicas and the selector as a string', async () => {
    const base = deployment().spec as { template: { metadata: object; spec: object } };
    const template = { ...base.template, metadata: { labels: { app: 'web', tier: 'fe' } } };
    const d = await reg.create(D(), 'default', deployment({ spec: { ...base, template, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] } } }));
    await reg.updateStatus(D(), 'default', 'web', { ...d, status: { replicas: 1 } });
    const scale = reg.getScale(D(), 'default', 'web');
    expect(scale).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'default', uid: d.metadata.uid, resourceVersion: scale.metadata.resourceVersion, creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { replicas: 2 },
      status: { replicas: 1, selector: 'app=web,tier in (be,fe)' },
    });
  });

  it('writes spec.replicas through the workload, whose generation moves, and answers the new Scale', async () => {
    await reg.create(D(), 'default', deployment());
    const scale = await reg.updateScale(D(), 'default', 'web', { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 5 } });
    expect(scale.spec).toEqual({ replicas: 5 });
    const d = reg.get(D(), 'default', 'web');
    expect((d.spec as { replicas: number }).replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);
  });

  it.each([
    ['negative replicas', { metadata: { name: 'web' }, spec: { replicas: -1 } }, 422, 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ['replicas as a string', { metadata: { name: 'web' }, spec: { replicas: 'three' } }, 400, 'json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32'],
    ['another name', { metadata: { name: 'api' }, spec: { replicas: 1 } }, 400, 'the name of the object (api) does not match the name on the URL (web)'],
    ['another kind', { kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1 } }, 400, 'the kind in the data (Deployment) does not match the expected kind (Scale)'],
    ['a stale resourceVersion', { metadata: { name: 'web', resourceVersion: '1' }, spec: { replicas: 1 } }, 409, 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again'],
    ['another uid', { metadata: { name: 'web', uid: 'nope' }, spec: { replicas: 1 } }, 409, /^Operation cannot be fulfilled on deployments\/scale\.apps "web": Precondition failed: UID in precondition: nope, UID in object meta: /],
  ])('refuses a Scale with %s', async (_n, body, code, message) => {
    await reg.create(D(), 'default', deployment());
    const e = await refusal(reg.updateScale(D(), 'default', 'web', body as KubeObject));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('is a 404 for a kind without scale (DaemonSet) and for a missing workload', async () => {
    expect((await refusal(Promise.resolve().then(() => reg.getScale(kindInfo('DaemonSet')!, 'default', 'x')))).code).toBe(404);
    const missing = await refusal(Promise.resolve().then(() => reg.getScale(D(), 'default', 'nope')));
    expect(missing.message).toBe('deployments.apps "nope" not found');
  });
});
