import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlPlaneOf, createEmulator, type Emulator } from '../../src/emulator.js';
import type { KubeletAgent } from '../../src/kubelet/kubelet.js';
import { kindInfo } from '../../src/registry/kinds.js';
import type { KubeObject, Pod } from '../../src/registry/types.js';
import { T0 } from '../helpers/emulator.js';

const DEPLOY = kindInfo('Deployment')!;
const RS = kindInfo('ReplicaSet')!;
const POD = kindInfo('Pod')!;
const NODE = kindInfo('Node')!;
const LEASE = kindInfo('Lease', 'coordination.k8s.io')!;

let emu: Emulator;
let root: string;
let kubelet: KubeletAgent;

const objects = () => controlPlaneOf(emu).objects;
const list = (info: typeof POD, ns?: string) => objects().list(info, ns).items;
const condition = (o: KubeObject | undefined, type: string) => ((o?.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions ?? []).find((c) => c.type === type);

function deployment(replicas: number, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } } },
  };
}

/** Lets the controllers, the scheduler and the kubelet settle (a second of the clock, then idle). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await emu.clock.advance(1000);
    await emu.idle();
  }
}

async function setImage(image: string): Promise<void> {
  const d = structuredClone(objects().peek(DEPLOY, 'default', 'web')!);
  (d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image = image;
  await objects().update(DEPLOY, 'default', 'web', d);
}

async function scale(replicas: number): Promise<void> {
  const d = structuredClone(objects().peek(DEPLOY, 'default', 'web')!);
  (d.spec as { replicas: number }).replicas = replicas;
  await objects().update(DEPLOY, 'default', 'web', d);
}

beforeEach(async () => {
  emu = await createEmulator({ clock: 'manual', startTime: T0, workloads: { nodeMonitorGracePeriodMs: 20_000, nodeMonitorPeriodMs: 1000 } });
  root = mkdtempSync(join(tmpdir(), 'satoken-workloads-'));
  kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: root });
});
afterEach(async () => {
  await emu.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the kubelet reports its node', () => {
  it('registers node-1 Ready with the kubelet labels and renews its Lease in kube-node-lease', async () => {
    const node = objects().peek(NODE, undefined, 'node-1')!;
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' });
    expect(condition(node, 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    const lease = objects().peek(LEASE, 'kube-node-lease', 'node-1')!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'node-1', leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'node-1', uid: node.metadata.uid });
    const before = (lease.spec as { renewTime: string }).renewTime;
    await emu.clock.advance(10_000);
    await emu.idle();
    expect((objects().peek(LEASE, 'kube-node-lease', 'node-1')!.spec as { renewTime: string }).renewTime).not.toBe(before);
  });

  it('is marked Unknown and tainted unreachable once its kubelet stops, and Ready again when a kubelet returns', async () => {
    await settle();
    kubelet.stop();
    await emu.clock.advance(15_000);
    await emu.idle();
    expect(condition(objects().peek(NODE, undefined, 'node-1'), 'Ready')?.status).toBe('True');
    await emu.clock.advance(10_000);
    await emu.idle();
    const node = objects().peek(NODE, undefined, 'node-1')!;
    expect(condition(node, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(condition(node, 'MemoryPressure')?.status).toBe('Unknown');
    expect((node.spec as { taints?: unknown[] }).taints).toEqual(
      expect.arrayContaining([
        { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
        expect.objectContaining({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }),
      ]),
    );
    await emu.startKubelet({ nodeName: 'node-1', rootDir: root });
    await settle();
    const back = objects().peek(NODE, undefined, 'node-1')!;
    expect(condition(back, 'Ready')?.status).toBe('True');
    expect((back.spec as { taints?: unknown[] }).taints ?? []).toEqual([]);
  });
});

describe('Deployment → ReplicaSet → Pods that get tokens', () => {
  it('creates <deployment>-<hash>, its pods scheduled on the Ready node, Running with a token file, and completes the rollout', async () => {
    await emu.apply(deployment(3));
    await settle();
    const [rs, ...more] = list(RS, 'default');
    expect(more).toEqual([]);
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    const d = objects().peek(DEPLOY, 'default', 'web')!;
    expect(rs!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect((rs!.spec as { selector: unknown }).selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });

    const pods = list(POD, 'default') as Pod[];
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs!.metadata.name, uid: rs!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.spec.nodeName).toBe('node-1');
      expect((p.status as { phase: string }).phase).toBe('Running');
      expect(condition(p, 'Ready')?.status).toBe('True');
      expect(condition(p, 'PodScheduled')?.status).toBe('True');
      const volume = p.spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
      const token = readFileSync(join(kubelet.volumeDir(p.metadata.uid!, volume.name), 'token'), 'utf8');
      const review = await emu.reviewToken(token);
      expect(review.authenticated).toBe(true);
      expect(review.user?.extra?.['authentication.kubernetes.io/pod-name']).toEqual([p.metadata.name]);
    }

    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(condition(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
  });

  it('scales, rolls out a new template to a new ReplicaSet, and keeps the old one at zero', async () => {
    await emu.apply(deployment(2));
    await settle();
    const first = list(RS, 'default')[0]!;
    await scale(4);
    await settle();
    expect(list(POD, 'default')).toHaveLength(4);
    await setImage('nginx:1.28');
    await settle();
    const sets = list(RS, 'default');
    expect(sets).toHaveLength(2);
    const next = sets.find((r) => r.metadata.uid !== first.metadata.uid)!;
    expect(next.metadata.name).not.toBe(first.metadata.name);
    expect(next.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect((objects().peek(RS, 'default', first.metadata.name!)!.spec as { replicas: number }).replicas).toBe(0);
    const pods = list(POD, 'default') as Pod[];
    expect(pods).toHaveLength(4);
    expect(new Set(pods.map((p) => p.spec.containers[0]!.image))).toEqual(new Set(['nginx:1.28']));
    const d = objects().peek(DEPLOY, 'default', 'web')!;
    expect(d.status).toMatchObject({ observedGeneration: 3, replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(condition(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('leaves pods Pending with FailedScheduling while no node is Ready', async () => {
    kubelet.stop();
    await emu.clock.advance(30_000);
    await emu.idle();
    await emu.apply(deployment(1));
    await settle();
    const [pod] = list(POD, 'default');
    expect((pod as Pod).spec.nodeName).toBeUndefined();
    expect(condition(pod, 'PodScheduled')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    });
  });

  it('garbage-collects the ReplicaSets and pods of a deleted Deployment, and the pods volumes go', async () => {
    await emu.apply(deployment(2));
    await settle();
    const uids = list(POD, 'default').map((p) => p.metadata.uid!);
    await emu.delete('Deployment', 'default', 'web');
    await settle();
    expect(list(RS, 'default')).toEqual([]);
    expect(list(POD, 'default')).toEqual([]);
    for (const uid of uids) expect(existsSync(join(root, 'pods', uid))).toBe(false);
  });

  it('orphans the ReplicaSet when asked (propagationPolicy Orphan), and its pods stay', async () => {
    await emu.apply(deployment(1));
    await settle();
    await objects().delete(DEPLOY, 'default', 'web', { propagationPolicy: 'Orphan' });
    await settle();
    expect(objects().peek(DEPLOY, 'default', 'web')).toBeUndefined();
    const [rs] = list(RS, 'default');
    expect(rs?.metadata.ownerReferences).toBeUndefined();
    expect(list(POD, 'default')).toHaveLength(1);
  });
});

describe('Jobs run to completion on the kubelet', () => {
  const JOB = kindInfo('Job', 'batch')!;
  const job = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { ...spec, template: { metadata: { annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox' }] } } },
  });

  it('runs completions pods, parallelism at a time, and turns Complete with SuccessCriteriaMet first', async () => {
    await emu.apply(job('batch', { completions: 3, parallelism: 2 }, { 'kubelet.satoken.dev/run-seconds': '30' }));
    await settle();
    expect(list(POD, 'default').filter((p) => (p.status as { phase: string }).phase === 'Running')).toHaveLength(2);
    expect(objects().peek(JOB, 'default', 'batch')!.status).toMatchObject({ active: 2, ready: 2 });
    await emu.clock.advance(30_000);
    await settle();
    expect(objects().peek(JOB, 'default', 'batch')!.status).toMatchObject({ active: 1, succeeded: 2 });
    await emu.clock.advance(30_000);
    await settle();
    const done = objects().peek(JOB, 'default', 'batch')!;
    expect(done.status).toMatchObject({ succeeded: 3, ready: 0 });
    expect((done.status as { active?: number }).active).toBeUndefined();
    const conditions = (done.status as { conditions: Array<Record<string, string>> }).conditions;
    expect(conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    expect((done.status as { completionTime?: string }).completionTime).toBeDefined();
    const pods = list(POD, 'default') as Pod[];
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^batch-[a-z0-9]{5}$/);
      expect(p.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'batch', 'job-name': 'batch', 'batch.kubernetes.io/controller-uid': done.metadata.uid });
      expect((p.status as { phase: string }).phase).toBe('Succeeded');
      expect(existsSync(join(root, 'pods', p.metadata.uid!))).toBe(false);
    }
  });

  it('fails with BackoffLimitExceeded once more pods failed than backoffLimit, waiting the pod failure backoff in between', async () => {
    await emu.apply(job('flaky', { backoffLimit: 1 }, { 'kubelet.satoken.dev/exit-code': '2' }));
    await settle();
    expect(list(POD, 'default')).toHaveLength(1);
    expect(objects().peek(JOB, 'default', 'flaky')!.status).toMatchObject({ failed: 1 });
    await emu.clock.advance(11_000);
    await settle();
    expect(list(POD, 'default')).toHaveLength(2);
    const j = objects().peek(JOB, 'default', 'flaky')!;
    expect(j.status).toMatchObject({ failed: 2 });
    expect(condition(j, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  });
});

describe('StatefulSets', () => {
  const STS = kindInfo('StatefulSet', 'apps')!;
  const sts = (replicas: number, image = 'nginx:1.27'): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: { replicas, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } } },
  });
  const status = () => objects().peek(STS, 'default', 'db')!.status as Record<string, unknown>;
  const names = () => list(POD, 'default').map((p) => p.metadata.name).sort();

  it('creates db-0, db-1, db-2 in order, each once the one before is Running and Ready, with their identity', async () => {
    // each pod is created only once the one below it is Running and Ready
    const seen: string[] = [];
    const stop = objects().onEvent((e) => {
      if (e.resource !== POD || e.type !== 'ADDED') return;
      const name = e.object.metadata.name!;
      const n = Number(name.slice(3));
      const below = n > 0 ? objects().peek(POD, 'default', `db-${n - 1}`) : undefined;
      seen.push(`${name}${n > 0 ? ` after db-${n - 1} ${(below?.status as { phase?: string } | undefined)?.phase}/${condition(below, 'Ready')?.status}` : ''}`);
    });
    await emu.apply(sts(3));
    await settle();
    stop();
    expect(seen).toEqual(['db-0', 'db-1 after db-0 Running/True', 'db-2 after db-1 Running/True']);
    expect(names()).toEqual(['db-0', 'db-1', 'db-2']);
    const s = status();
    expect(s).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(s.currentRevision).toBe(s.updateRevision);
    expect(s.updateRevision).toMatch(/^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const pod = objects().peek(POD, 'default', 'db-1') as Pod;
    expect(pod.metadata.labels).toEqual({ app: 'db', 'controller-revision-hash': s.updateRevision, 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(pod.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db', nodeName: 'node-1' });
    const revision = objects().peek(kindInfo('ControllerRevision', 'apps')!, 'default', s.updateRevision as string)!;
    expect(revision).toMatchObject({ revision: 1, metadata: { ownerReferences: [expect.objectContaining({ kind: 'StatefulSet', name: 'db' })] } });
  });

  it('rolls a new template out from the highest ordinal, then scales down from the highest', async () => {
    await emu.apply(sts(3));
    await settle();
    const first = status().updateRevision;
    const s = structuredClone(objects().peek(STS, 'default', 'db')!);
    (s.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image = 'nginx:1.28';
    await objects().update(STS, 'default', 'db', s);
    await settle();
    await settle();
    const after = status();
    expect(after.updateRevision).not.toBe(first);
    expect(after).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentReplicas: 3, currentRevision: after.updateRevision });
    expect(list(POD, 'default').every((p) => (p as Pod).spec.containers[0]!.image === 'nginx:1.28')).toBe(true);
    const scaled = structuredClone(objects().peek(STS, 'default', 'db')!);
    (scaled.spec as { replicas: number }).replicas = 1;
    await objects().update(STS, 'default', 'db', scaled);
    await settle();
    expect(names()).toEqual(['db-0']);
    expect(status()).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });
});

describe('DaemonSets', () => {
  const DS = kindInfo('DaemonSet', 'apps')!;
  const ds = (image = 'fluentd:1'): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'logs', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'logs' } }, template: { metadata: { labels: { app: 'logs' } }, spec: { containers: [{ name: 'agent', image }] } } },
  });

  it('runs one pod on each Ready node, pinned by node affinity, and one more when a node joins', async () => {
    await emu.apply(ds());
    await settle();
    let pods = list(POD, 'default') as Pod[];
    expect(pods).toHaveLength(1);
    expect(pods[0]!.metadata.name).toMatch(/^logs-[a-z0-9]{5}$/);
    expect(pods[0]!.spec.nodeName).toBe('node-1');
    expect(pods[0]!.spec.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }] } } });
    expect(pods[0]!.spec.tolerations).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' })]));
    const root2 = mkdtempSync(join(tmpdir(), 'satoken-workloads-'));
    try {
      await emu.startKubelet({ nodeName: 'node-2', rootDir: root2 });
      await settle();
      pods = list(POD, 'default') as Pod[];
      expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2']);
      expect(objects().peek(DS, 'default', 'logs')!.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberMisscheduled: 0, observedGeneration: 1 });
    } finally {
      rmSync(root2, { recursive: true, force: true });
    }
  });

  it('replaces its pods with the new template on an update', async () => {
    await emu.apply(ds());
    await settle();
    const before = list(POD, 'default')[0]!.metadata.uid;
    const d = structuredClone(objects().peek(DS, 'default', 'logs')!);
    (d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image = 'fluentd:2';
    await objects().update(DS, 'default', 'logs', d);
    await settle();
    const pods = list(POD, 'default') as Pod[];
    expect(pods).toHaveLength(1);
    expect(pods[0]!.metadata.uid).not.toBe(before);
    expect(pods[0]!.spec.containers[0]!.image).toBe('fluentd:2');
    expect(pods[0]!.metadata.labels?.['pod-template-generation']).toBe('2');
    expect(objects().peek(DS, 'default', 'logs')!.status).toMatchObject({ updatedNumberScheduled: 1, numberAvailable: 1, observedGeneration: 2 });
  });
});

describe('CronJobs', () => {
  const CJ = kindInfo('CronJob', 'batch')!;
  const JOB = kindInfo('Job', 'batch')!;
  const cronjob = (extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'default' },
    spec: { schedule: '*/5 * * * *', ...extra, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'tick', image: 'busybox' }] } } } } },
  });
  const jobNames = () => list(JOB, 'default').map((j) => j.metadata.name).sort();

  it('creates <cronjob>-<minutes> at each scheduled time, records the last schedule and success, and keeps three finished Jobs', async () => {
    await emu.apply(cronjob());
    await settle();
    expect(jobNames()).toEqual([]);
    await emu.clock.advance(5 * 60_000 - 5000);
    await settle();
    const minutes = Math.floor((T0 + 5 * 60_000) / 60_000);
    expect(jobNames()).toEqual([`tick-${minutes}`]);
    const job = objects().peek(JOB, 'default', `tick-${minutes}`)!;
    expect(job.metadata.annotations).toEqual({ 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T00:05:00Z' });
    expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'tick', controller: true })]);
    expect(condition(job, 'Complete')?.status).toBe('True');
    const status = objects().peek(CJ, 'default', 'tick')!.status as Record<string, unknown>;
    expect(status.lastScheduleTime).toBe('2026-01-01T00:05:00Z');
    expect(status.lastSuccessfulTime).toBeDefined();
    expect(status.active).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      await emu.clock.advance(5 * 60_000);
      await settle();
    }
    expect(jobNames()).toEqual([minutes + 5, minutes + 10, minutes + 15].map((m) => `tick-${m}`));
  });

  it('skips a run while one is active under concurrencyPolicy Forbid, and creates nothing when suspended', async () => {
    await emu.apply({ ...cronjob({ concurrencyPolicy: 'Forbid' }), spec: { ...(cronjob({ concurrencyPolicy: 'Forbid' }).spec as object), jobTemplate: { spec: { template: { metadata: { annotations: { 'kubelet.satoken.dev/run-seconds': '600' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'tick', image: 'busybox' }] } } } } } });
    await emu.clock.advance(5 * 60_000);
    await settle();
    await emu.clock.advance(5 * 60_000);
    await settle();
    expect(jobNames()).toHaveLength(1);
    expect((objects().peek(CJ, 'default', 'tick')!.status as { active?: unknown[] }).active).toHaveLength(1);
    const cj = structuredClone(objects().peek(CJ, 'default', 'tick')!);
    (cj.spec as { suspend: boolean }).suspend = true;
    await objects().update(CJ, 'default', 'tick', cj);
    await emu.clock.advance(15 * 60_000);
    await settle();
    expect(jobNames()).toHaveLength(1);
  });
});
