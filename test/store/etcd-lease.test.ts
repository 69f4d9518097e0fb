import type { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEtcdClient } from '../../src/store/etcd-client.js';
import { type Election, elect } from '../../src/store/etcd-lease.js';
import { type EtcdServer, type TcpProxy, startEtcd, startProxy, until } from '../helpers/etcd.js';

/** Leader election on a real etcd: one leader at a time, and a hand-over when it goes. */
let etcd: EtcdServer;
let names = 0;
const cleanup: Array<() => Promise<void> | void> = [];
beforeAll(async () => {
  etcd = await startEtcd();
});
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});
afterAll(async () => {
  await etcd?.destroy();
});

/** A replica: its own client (through `endpoint`) and election, recording what it was told. */
interface Replica {
  id: string;
  election: Election;
  log: string[];
}

function client(endpoint: string): Etcd3 {
  const c = createEtcdClient({ endpoints: [endpoint], requestTimeoutMs: 500 });
  cleanup.push(() => c.close());
  return c;
}

/** A replica electing for `name`, appending `+id`/`-id` to a shared timeline of leadership changes. */
function replica(name: string, id: string, endpoint: string, timeline: string[]): Replica {
  const log: string[] = [];
  const election = elect(client(endpoint), {
    name,
    identity: id,
    ttlSeconds: 2,
    retryPeriodMs: 100,
    onStartedLeading: () => timeline.push(`+${id}`),
    onStoppedLeading: () => timeline.push(`-${id}`),
    onNewLeader: (leader) => log.push(leader),
  });
  cleanup.push(() => election.stop());
  return { id, election, log };
}

const leaders = (rs: Replica[]) => rs.filter((r) => r.election.isLeader()).map((r) => r.id);

/** No `+b` before the `-a` of the leader it replaces. */
function expectNoOverlap(timeline: string[]): void {
  let leader: string | undefined;
  for (const step of timeline) {
    if (step.startsWith('+')) {
      expect(leader, `${step} while ${leader} leads: ${timeline.join(' ')}`).toBeUndefined();
      leader = step.slice(1);
    } else {
      expect(step).toBe(`-${leader}`);
      leader = undefined;
    }
  }
}

describe('elect', () => {
  it('elects exactly one of three replicas, which all name, and hands over at once when the leader stops', async () => {
    const timeline: string[] = [];
    const name = `controllers-${++names}`;
    const rs = ['r1', 'r2', 'r3'].map((id) => replica(name, id, etcd.endpoint, timeline));
    await until(() => leaders(rs).length === 1 && rs.every((r) => r.election.leader() === leaders(rs)[0]), 'one leader that all replicas name');
    const first = rs.find((r) => r.election.isLeader())!;
    await first.election.stop();
    expect(first.election.isLeader()).toBe(false);
    const rest = rs.filter((r) => r !== first);
    const handedOver = performance.now();
    await until(() => leaders(rest).length === 1, 'a new leader', 4000);
    expect(performance.now() - handedOver, 'handed over within a few retry periods, not after the 2 s TTL').toBeLessThan(1500);
    expect(leaders(rs)).toHaveLength(1);
    expect(timeline.slice(0, 2)).toEqual([`+${first.id}`, `-${first.id}`]);
    expectNoOverlap(timeline);
    const second = rs.find((r) => r.election.isLeader())!;
    await until(() => rest.every((r) => r.log.at(-1) === second.id), 'the followers to name the new leader');
  });

  it('makes a leader step down when its lock is deleted from under it, and lets one replica take the lock again', async () => {
    const timeline: string[] = [];
    const name = `controllers-${++names}`;
    const rs = ['r1', 'r2'].map((id) => replica(name, id, etcd.endpoint, timeline));
    await until(() => leaders(rs).length === 1, 'a leader');
    const first = leaders(rs)[0]!;
    await client(etcd.endpoint).delete().key(`/satoken/leader-election/${name}`);
    await until(() => timeline.includes(`-${first}`), 'the leader to notice', 3000);
    await until(() => leaders(rs).length === 1, 'a leader again', 3000);
    expect(timeline.filter((step) => step.startsWith('+'))).toHaveLength(2);
  });

  it('lets a leader cut off from etcd step down before its lease expires, and another take over after the TTL', async () => {
    const proxy: TcpProxy = await startProxy(etcd.endpoint);
    cleanup.push(() => proxy.close());
    const timeline: string[] = [];
    const name = `controllers-${++names}`;
    const cutOff = replica(name, 'cut-off', proxy.endpoint, timeline);
    await until(() => cutOff.election.isLeader(), 'the proxied replica to lead');
    const other = replica(name, 'other', etcd.endpoint, timeline);
    await until(() => other.election.leader() === 'cut-off', 'the other replica to see the leader');
    const cutAt = performance.now();
    proxy.cut();
    await until(() => !cutOff.election.isLeader(), 'the cut-off leader to step down', 4000);
    const steppedDown = performance.now() - cutAt;
    await until(() => other.election.isLeader(), 'the other replica to take over', 6000);
    const tookOver = performance.now() - cutAt;
    expect(steppedDown, 'stepped down before its 2 s lease could expire').toBeLessThan(2000);
    expect(tookOver).toBeGreaterThan(steppedDown);
    expect(timeline).toEqual(['+cut-off', '-cut-off', '+other']);
  });
});
