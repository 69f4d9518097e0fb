import { describe, expect, it } from 'vitest';
import { podCells } from '../../../src/api/discovery/pod-cells.js';
import type { KubeObject } from '../../../src/registry/types.js';

const NOW = Date.parse('2024-06-06T12:00:00Z');
const running = (name: string, ready = true, restartCount = 0, extra: Record<string, unknown> = {}) => ({ name, ready, restartCount, state: { running: {} }, ...extra });
const pod = (spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ metadata: { name: 'p', creationTimestamp: '2024-06-06T11:00:00Z', ...metadata }, spec: { containers: [{ name: 'a' }], ...spec }, status }) as KubeObject;

/** printPod cases: [ready, status, restarts] and, for the wide ones, IP, node, nominated node, readiness gates. */
describe('Pod rows (printers.go printPod)', () => {
  it.each([
    ['a pod not yet scheduled', pod({}, { phase: 'Pending' }), ['0/1', 'Pending', '0']],
    ['a pod held by scheduling gates', pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), ['0/1', 'SchedulingGated', '0']],
    ['a running pod with one of two containers ready', pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { phase: 'Running', containerStatuses: [running('a'), running('b', false)] }), ['1/2', 'Running', '0']],
    [
      'a container waiting in CrashLoopBackOff after restarts',
      pod({}, {
        phase: 'Running',
        containerStatuses: [{ name: 'a', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-06-06T11:58:00Z' } } }],
      }),
      ['0/1', 'CrashLoopBackOff', '4 (2m ago)'],
    ],
    ['a container that exited without a reason', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 2 } } }] }), ['0/1', 'ExitCode:2', '0']],
    ['a container killed by a signal', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } }] }), ['0/1', 'Signal:9', '0']],
    ['a completed container next to a running ready one', pod({ containers: [{ name: 'a' }, { name: 'b' }] }, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [running('a'), { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }), ['1/2', 'Running', '0']],
    ['the same pod not Ready', pod({ containers: [{ name: 'a' }, { name: 'b' }] }, {
      phase: 'Running',
      containerStatuses: [running('a'), { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }), ['1/2', 'NotReady', '0']],
    ['an init container still running (1 of 2)', pod({ initContainers: [{ name: 'i1' }, { name: 'i2' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }],
    }), ['0/1', 'Init:1/2', '0']],
    ['an init container that failed with a reason', pod({ initContainers: [{ name: 'i1' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'i1', restartCount: 2, state: { terminated: { exitCode: 1, reason: 'Error' } } }],
    }), ['0/1', 'Init:Error', '2']],
    ['an init container that failed by exit code', pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 3 } } }] }), ['0/1', 'Init:ExitCode:3', '0']],
    ['an init container that failed by signal', pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 1, signal: 15 } } }] }), ['0/1', 'Init:Signal:15', '0']],
    ['an init container waiting on an image', pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { waiting: { reason: 'ErrImagePull' } } }] }), ['0/1', 'Init:ErrImagePull', '0']],
    ['a started sidecar counted as ready', pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [running('a', true, 2)],
    }), ['2/2', 'Running', '3']],
    ['a pod being deleted', pod({}, { phase: 'Running', containerStatuses: [running('a')] }, { deletionTimestamp: '2024-06-06T11:59:00Z' }), ['1/1', 'Terminating', '0']],
    ['a pod being deleted whose node was lost', pod({}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('a')] }, { deletionTimestamp: '2024-06-06T11:59:00Z' }), ['1/1', 'Unknown', '0']],
    ['a finished pod being deleted', pod({}, { phase: 'Succeeded' }, { deletionTimestamp: '2024-06-06T11:59:00Z' }), ['0/1', 'Succeeded', '0']],
    ['a pod evicted (status reason)', pod({}, { phase: 'Failed', reason: 'Evicted' }), ['0/1', 'Evicted', '0']],
  ])('show %s', (_name, obj, [ready, status, restarts]) => {
    expect(podCells(obj, NOW)).toEqual(['p', ready, status, restarts, '60m', '<none>', '<none>', '<none>', '<none>']);
  });

  it.each([
    ['IP, node and nominated node when set', { nodeName: 'node-1' }, { podIPs: [{ ip: '10.0.0.7' }, { ip: 'fd00::7' }], nominatedNodeName: 'node-2' }, ['10.0.0.7', 'node-1', 'node-2', '<none>']],
    ['readiness gates as true/total', { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] }, {
      conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' }],
    }, ['<none>', '<none>', '<none>', '1/2']],
  ])('fill the wide cells: %s', (_name, spec, status, wide) => {
    expect(podCells(pod(spec, status), NOW).slice(5)).toEqual(wide);
  });

  it('shows <unknown> age without a creationTimestamp', () => {
    expect(podCells({ metadata: { name: 'p' }, spec: { containers: [] } } as KubeObject, NOW)).toEqual(['p', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  });
});
