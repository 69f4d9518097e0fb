import { describe, expect, it } from 'vitest';
import { POD_UPDATE_FORBIDDEN, validatePodUpdate } from '../../../src/registry/validation/pod-update.js';
import type { Pod } from '../../../src/registry/types.js';

/**
 * Kubernetes' own TestValidatePodUpdate (pkg/apis/core/validation/validation_test.go), ported
 * case by case over v1 JSON: `podtest.MakePod` builds the same pod (one container `ctr`, image
 * `image`, ClusterFirst, Always, 30 s grace), tweaks are the same fields, and each expected
 * error is the same substring of the aggregated message.
 */
type Tweak = (p: Pod) => void;
type J = Record<string, unknown>;

function container(name: string, extra: J = {}): J {
  return { name, image: 'image', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File', terminationMessagePath: '/dev/termination-log', ...extra };
}

function makePod(name: string, ...tweaks: Tweak[]): Pod {
  const p = {
    metadata: { name, namespace: 'default' },
    spec: { containers: [container('ctr')], dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', terminationGracePeriodSeconds: 30 },
  } as unknown as Pod;
  for (const t of tweaks) t(p);
  return p;
}

const spec = (k: string, v: unknown): Tweak => (p) => void ((p.spec as J)[k] = v);
const containers = (...c: J[]): Tweak => spec('containers', c);
const initContainers = (...c: J[]): Tweak => spec('initContainers', c);
const labels = (l: Record<string, string>): Tweak => (p) => void (p.metadata.labels = l);
const annotations = (a: Record<string, string>): Tweak => (p) => void (p.metadata.annotations = a);
const objectMeta = (m: J): Tweak => (p) => void (p.metadata = m);
const image = (name: string, img: string) => container(name, { image: img });
const resources = (r: J) => container('container', { resources: r });
const res = (cpu: string, memory: string, storage: string): J => ({ ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}), ...(storage ? { 'ephemeral-storage': storage } : {}) });
const tol = (t: J): J => t;
const gates = (...names: string[]): Tweak => spec('schedulingGates', names.map((name) => ({ name })));
const nodeAffinity = (na: J | undefined): Tweak => spec('affinity', na === undefined ? undefined : { nodeAffinity: na });
const req = (key: string, ...values: string[]): J => ({ key, operator: 'In', values });
const required = (...terms: J[]): J => ({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } });
const preferred = (...exprs: J[]): J => ({ preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: exprs } }] });
const now = '2025-01-01T00:00:00Z';

const cases: Array<[test: string, next: Pod, old: Pod, err: string]> = [
  ['nothing', makePod(''), makePod(''), ''],
  ['ids', makePod('foo'), makePod('bar'), 'metadata.name'],
  ['labels', makePod('foo', labels({ foo: 'bar' })), makePod('foo', labels({ bar: 'foo' })), ''],
  ['annotations', makePod('foo', annotations({ foo: 'bar' })), makePod('foo', annotations({ bar: 'foo' })), ''],
  ['less containers', makePod('foo', containers(image('foo', 'foo:V2'))), makePod('foo', containers(image('foo', 'foo:V1'), image('bar', 'bar:V1'))), 'may not add or remove containers'],
  ['more containers', makePod('foo', containers(image('foo', 'foo:V2'), image('bar', 'bar:V2'))), makePod('foo', containers(image('foo', 'foo:V1'))), 'may not add or remove containers'],
  ['more init containers', makePod('foo', initContainers(image('foo', 'foo:V2'))), makePod('foo', initContainers(image('foo', 'foo:V1'), image('bar', 'bar:V1'))), 'may not add or remove containers'],
  ['deletion timestamp removed', makePod('foo'), makePod('foo', objectMeta({ deletionTimestamp: now })), 'metadata.deletionTimestamp'],
  ['deletion timestamp added', makePod('foo', objectMeta({ deletionTimestamp: now })), makePod('foo'), 'metadata.deletionTimestamp'],
  ['deletion grace period seconds changed', makePod('foo', objectMeta({ deletionTimestamp: now, deletionGracePeriodSeconds: 30 })), makePod('foo', objectMeta({ deletionTimestamp: now, deletionGracePeriodSeconds: 31 })), 'metadata.deletionGracePeriodSeconds'],
  ['image change', makePod('foo', containers(image('container', 'foo:V1'))), makePod('foo', containers(image('container', 'foo:V2'))), ''],
  ['init container image change', makePod('foo', initContainers(image('container', 'foo:V1'))), makePod('foo', initContainers(image('container', 'foo:V2'))), ''],
  ['image change to empty', makePod('foo', containers(image('container', ''))), makePod('foo', containers(image('container', 'foo:V2'))), 'spec.containers[0].image'],
  ['init container image change to empty', makePod('foo', initContainers(image('container', ''))), makePod('foo', initContainers(image('container', 'foo:V2'))), 'spec.initContainers[0].image'],
  ['ephemeralContainer changes are not allowed via normal pod update', makePod('foo', spec('ephemeralContainers', [{ name: 'ephemeral', image: 'busybox', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }])), makePod('foo'), 'Forbidden: pod updates may not change fields other than'],
  ['activeDeadlineSeconds no change, nil', makePod(''), makePod(''), ''],
  ['activeDeadlineSeconds no change, set', makePod('', spec('activeDeadlineSeconds', 30)), makePod('', spec('activeDeadlineSeconds', 30)), ''],
  ['activeDeadlineSeconds change to positive from nil', makePod('', spec('activeDeadlineSeconds', 30)), makePod(''), ''],
  ['activeDeadlineSeconds change to smaller positive', makePod('', spec('activeDeadlineSeconds', 30)), makePod('', spec('activeDeadlineSeconds', 31)), ''],
  ['activeDeadlineSeconds change to larger positive', makePod('', spec('activeDeadlineSeconds', 31)), makePod('', spec('activeDeadlineSeconds', 30)), 'spec.activeDeadlineSeconds'],
  ['activeDeadlineSeconds change to negative from nil', makePod('', spec('activeDeadlineSeconds', -30)), makePod(''), 'spec.activeDeadlineSeconds'],
  ['activeDeadlineSeconds change to negative from positive', makePod('', spec('activeDeadlineSeconds', -30)), makePod('', spec('activeDeadlineSeconds', 30)), 'spec.activeDeadlineSeconds'],
  ['activeDeadlineSeconds change to zero from positive', makePod('', spec('activeDeadlineSeconds', 0)), makePod('', spec('activeDeadlineSeconds', 30)), 'spec.activeDeadlineSeconds'],
  ['activeDeadlineSeconds change to zero from nil', makePod('', spec('activeDeadlineSeconds', 0)), makePod(''), 'spec.activeDeadlineSeconds'],
  ['activeDeadlineSeconds change to nil from positive', makePod(''), makePod('', spec('activeDeadlineSeconds', 30)), 'spec.activeDeadlineSeconds'],
  ['cpu limit change', makePod('pod', containers(resources({ limits: res('200m', '0', '1Gi') }))), makePod('pod', containers(resources({ limits: res('100m', '0', '1Gi') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['memory limit change', makePod('pod', containers(resources({ limits: res('100m', '100Mi', '') }))), makePod('pod', containers(resources({ limits: res('100m', '200Mi', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['storage limit change', makePod('pod', containers(resources({ limits: res('100m', '100Mi', '1Gi') }))), makePod('pod', containers(resources({ limits: res('100m', '100Mi', '2Gi') }))), 'Forbidden: pod updates may not change fields other than'],
  ['cpu request change', makePod('pod', containers(resources({ requests: res('100m', '0', '') }))), makePod('pod', containers(resources({ requests: res('200m', '0', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['memory request change', makePod('pod', containers(resources({ requests: res('0', '200Mi', '') }))), makePod('pod', containers(resources({ requests: res('0', '100Mi', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['storage request change', makePod('pod', containers(resources({ requests: res('100m', '0', '2Gi') }))), makePod('pod', containers(resources({ requests: res('100m', '0', '1Gi') }))), 'Forbidden: pod updates may not change fields other than'],
  ['Pod QoS unchanged, guaranteed -> guaranteed', makePod('pod', containers(resources({ limits: res('200m', '400Mi', '1Gi'), requests: res('200m', '400Mi', '1Gi') }))), makePod('pod', containers(resources({ limits: res('100m', '100Mi', '1Gi'), requests: res('100m', '100Mi', '1Gi') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS unchanged, burstable -> burstable', makePod('pod', containers(resources({ limits: res('200m', '200Mi', '2Gi'), requests: res('100m', '100Mi', '1Gi') }))), makePod('pod', containers(resources({ limits: res('400m', '400Mi', '2Gi'), requests: res('200m', '200Mi', '1Gi') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS unchanged, burstable -> burstable, add limits', makePod('pod', containers(resources({ limits: res('200m', '200Mi', ''), requests: res('100m', '100Mi', '') }))), makePod('pod', containers(resources({ requests: res('100m', '100Mi', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS unchanged, burstable -> burstable, remove limits', makePod('pod', containers(resources({ requests: res('100m', '100Mi', '') }))), makePod('pod', containers(resources({ limits: res('200m', '200Mi', ''), requests: res('100m', '100Mi', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS unchanged, burstable -> burstable, add requests', makePod('pod', containers(resources({ limits: res('400m', '', '1Gi'), requests: res('300m', '', '1Gi') }))), makePod('pod', containers(resources({ limits: res('200m', '500Mi', '1Gi') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS unchanged, burstable -> burstable, remove requests', makePod('pod', containers(resources({ limits: res('400m', '500Mi', '2Gi') }))), makePod('pod', containers(resources({ limits: res('200m', '300Mi', '2Gi'), requests: res('100m', '200Mi', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS change, guaranteed -> burstable', makePod('pod', containers(resources({ limits: res('200m', '200Mi', ''), requests: res('100m', '100Mi', '') }))), makePod('pod', containers(resources({ limits: res('100m', '100Mi', ''), requests: res('100m', '100Mi', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS change, burstable -> guaranteed', makePod('pod', containers(resources({ limits: res('100m', '100Mi', ''), requests: res('100m', '100Mi', '') }))), makePod('pod', containers(resources({ requests: res('100m', '100Mi', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS change, besteffort -> burstable', makePod('pod', containers(resources({ limits: res('200m', '200Mi', ''), requests: res('100m', '100Mi', '') }))), makePod('pod'), 'spec: Forbidden: pod updates may not change fields'],
  ['Pod QoS change, burstable -> besteffort', makePod('pod'), makePod('pod', containers(resources({ limits: res('200m', '200Mi', ''), requests: res('100m', '100Mi', '') }))), 'spec: Forbidden: pod updates may not change fields'],
  ['fsGroupChangePolicy change', makePod('pod', spec('securityContext', { fsGroupChangePolicy: 'OnRootMismatch' })), makePod('pod', spec('securityContext', {})), 'spec: Forbidden: pod updates may not change fields'],
  ['port change', makePod('pod', containers(container('container', { ports: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }] }))), makePod('pod', containers(container('container', { ports: [{ hostPort: 8000, containerPort: 80, protocol: 'TCP' }] }))), 'spec: Forbidden: pod updates may not change fields'],
  ['bad label change', makePod('foo', labels({ foo: 'bar' })), makePod('foo', labels({ bar: 'foo' })), ''],
  ['existing toleration value modified in pod spec updates', makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value2' })])), makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1' })])), 'spec.tolerations: Forbidden'],
  ['existing toleration value modified in pod spec updates with modified tolerationSeconds', makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value2', operator: 'Equal', effect: 'NoExecute' })])), makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 10 })])), 'spec.tolerations: Forbidden'],
  ['modified tolerationSeconds in existing toleration value in pod spec updates', makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 10 })])), makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 20 })])), ''],
  ['toleration modified in updates to an unscheduled pod', makePod('foo', spec('tolerations', [tol({ key: 'key1', value: 'value2' })])), makePod('foo', spec('nodeName', ''), spec('tolerations', [tol({ key: 'key1', value: 'value1' })])), 'spec.tolerations: Forbidden'],
  ['tolerations unmodified in updates to a scheduled pod', makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1' })])), makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1' })])), ''],
  [
    'added valid new toleration to existing tolerations in pod spec updates',
    makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 20 }), tol({ key: 'key2', value: 'value2', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 30 })])),
    makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 10 })])),
    '',
  ],
  [
    'added invalid new toleration to existing tolerations in pod spec updates',
    makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 20 }), tol({ key: 'key2', value: 'value2', operator: 'Equal', effect: 'NoSchedule', tolerationSeconds: 30 })])),
    makePod('foo', spec('nodeName', 'node1'), spec('tolerations', [tol({ key: 'key1', value: 'value1', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 10 })])),
    'spec.tolerations[1].effect',
  ],
  ['removed nodeName from pod spec', makePod('foo', spec('nodeName', 'foo')), makePod('foo'), 'spec: Forbidden: pod updates may not change fields'],
  ['added mirror pod annotation', makePod('foo', annotations({ 'kubernetes.io/config.mirror': '' }), spec('nodeName', 'foo')), makePod('foo', spec('nodeName', 'foo')), 'metadata.annotations[kubernetes.io/config.mirror]'],
  ['removed mirror pod annotation', makePod('foo', spec('nodeName', 'foo')), makePod('foo', annotations({ 'kubernetes.io/config.mirror': '' }), spec('nodeName', 'foo')), 'metadata.annotations[kubernetes.io/config.mirror]'],
  ['changed mirror pod annotation', makePod('foo', annotations({ 'kubernetes.io/config.mirror': 'foo' }), spec('nodeName', 'foo')), makePod('foo', annotations({ 'kubernetes.io/config.mirror': 'bar' }), spec('nodeName', 'foo')), 'metadata.annotations[kubernetes.io/config.mirror]'],
  ['changed priority class name', makePod('foo', spec('nodeName', 'node1'), spec('priorityClassName', 'bar-priority')), makePod('foo', spec('nodeName', 'node1'), spec('priorityClassName', 'foo-priority')), 'spec: Forbidden: pod updates'],
  ['removed priority class name', makePod('foo', spec('nodeName', 'node1'), spec('priorityClassName', '')), makePod('foo', spec('nodeName', 'node1'), spec('priorityClassName', 'foo-priority')), 'spec: Forbidden: pod updates'],
  ['update termination grace period seconds', makePod('foo', spec('terminationGracePeriodSeconds', 1)), makePod('foo', spec('terminationGracePeriodSeconds', -1)), ''],
  ['update termination grace period seconds not 1', makePod('foo', spec('terminationGracePeriodSeconds', 0)), makePod('foo', spec('terminationGracePeriodSeconds', -1)), 'spec: Forbidden: pod updates'],
  [
    'pod OS changing from Linux to Windows, IdentifyPodOS featuregate set',
    makePod('foo', spec('os', { name: 'windows' }), spec('securityContext', { seLinuxOptions: { role: 'dummy' } })),
    makePod('foo', spec('os', { name: 'linux' }), spec('securityContext', { seLinuxOptions: { role: 'dummy' } })),
    'Forbidden: pod updates may not change fields other than `spec.containers[*].image',
  ],
  [
    "pod OS changing from Linux to Windows, IdentifyPodOS featuregate set, we'd get SELinux errors as well",
    makePod('foo', spec('os', { name: 'windows' }), spec('securityContext', { seLinuxOptions: { role: 'dummy' } })),
    makePod('foo', spec('os', { name: 'linux' }), spec('securityContext', { seLinuxOptions: { role: 'dummy' } })),
    'spec.securityContext.seLinuxOptions: Forbidden',
  ],
  ['invalid PodOS update, IdentifyPodOS featuregate set', makePod('foo', spec('os', { name: 'dummy' })), makePod('foo'), 'Forbidden: pod updates may not change fields other than `spec.containers[*].image'],
  ['update pod spec OS to a valid value, featuregate disabled', makePod('foo', spec('os', { name: 'linux' })), makePod('foo', spec('os', { name: 'windows' })), 'Forbidden: pod updates may not change fields other than '],
  ['update pod spec schedulingGates: add new scheduling gate', makePod('foo', gates('foo')), makePod('foo'), "Forbidden: only deletion is allowed, but found new scheduling gate 'foo'"],
  ['update pod spec schedulingGates: mutating an existing scheduling gate', makePod('foo', gates('bar')), makePod('foo', gates('foo')), "Forbidden: only deletion is allowed, but found new scheduling gate 'bar'"],
  ['update pod spec schedulingGates: mutating an existing scheduling gate along with deletion', makePod('foo', gates('baz')), makePod('foo', gates('foo', 'bar')), "Forbidden: only deletion is allowed, but found new scheduling gate 'baz'"],
  ['update pod spec schedulingGates: legal deletion', makePod('foo'), makePod('foo', gates('foo')), ''],
  ['adding node selector is allowed for gated pods', makePod('foo', spec('nodeSelector', { foo: 'bar' }), gates('baz')), makePod('foo', gates('baz')), ''],
  ['adding node selector is not allowed for non-gated pods', makePod('foo', spec('nodeSelector', { foo: 'bar', foo2: 'bar2' })), makePod('foo', spec('nodeSelector', { foo: 'bar' })), 'Forbidden: pod updates may not change fields other than `spec.containers[*].image'],
  ['removing node selector is not allowed for gated pods', makePod('foo', gates('baz')), makePod('foo', spec('nodeSelector', { foo: 'bar' }), gates('baz')), 'spec.nodeSelector: Invalid value:'],
  ['removing node selector is not allowed for non-gated pods', makePod('foo'), makePod('foo', spec('nodeSelector', { foo: 'bar' })), 'Forbidden: pod updates may not change fields other than `spec.containers[*].image'],
  ['old pod spec has scheduling gate, new pod spec does not, and node selector is added', makePod('foo', spec('nodeSelector', { foo: 'bar', foo2: 'bar2' })), makePod('foo', spec('nodeSelector', { foo: 'bar' }), gates('baz')), ''],
  ['modifying value of existing node selector is not allowed', makePod('foo', spec('nodeSelector', { foo: 'new value' }), gates('baz')), makePod('foo', spec('nodeSelector', { foo: 'bar' }), gates('baz')), 'spec.nodeSelector: Invalid value:'],
  [
    'addition to nodeAffinity is allowed for gated pods',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo'), req('expr2', 'foo2')], matchFields: [req('metadata.name', 'foo')] })), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] })), gates('baz')),
    '',
  ],
  [
    'old RequiredDuringSchedulingIgnoredDuringExecution is non-nil, new RequiredDuringSchedulingIgnoredDuringExecution is nil, pod is gated',
    makePod('foo', nodeAffinity({}), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] })), gates('baz')),
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Invalid value:',
  ],
  [
    'addition to nodeAffinity is not allowed for non-gated pods',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo'), req('expr2', 'foo2')], matchFields: [req('metadata.name', 'foo')] }))),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] }))),
    'Forbidden: pod updates may not change fields other than `spec.containers[*].image',
  ],
  [
    'old pod spec has scheduling gate, new pod spec does not, and node affinity addition occurs',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo'), req('expr2', 'foo2')], matchFields: [req('metadata.name', 'foo')] }))),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] })), gates('baz')),
    '',
  ],
  [
    'nodeAffinity deletion from MatchExpressions not allowed',
    makePod('foo', nodeAffinity(required({ matchFields: [req('metadata.name', 'foo')] })), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] })), gates('baz')),
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]: Invalid value:',
  ],
  [
    'nodeAffinity deletion from MatchFields not allowed',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] })), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')], matchFields: [req('metadata.name', 'foo')] })), gates('baz')),
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]: Invalid value:',
  ],
  [
    'nodeAffinity modification of item in MatchExpressions not allowed',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'bar')], matchFields: [req('metadata.name', 'foo')] })), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')], matchFields: [req('metadata.name', 'foo')] })), gates('baz')),
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]: Invalid value:',
  ],
  [
    'nodeAffinity modification of item in MatchFields not allowed',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')], matchFields: [req('metadata.name', 'bar')] })), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')], matchFields: [req('metadata.name', 'foo')] })), gates('baz')),
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]: Invalid value:',
  ],
  [
    'nodeSelectorTerms addition on gated pod should fail',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')], matchFields: [req('metadata.name', 'bar')] }, { matchExpressions: [req('expr', 'foo2')], matchFields: [req('metadata.name', 'bar2')] })), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')], matchFields: [req('metadata.name', 'foo')] })), gates('baz')),
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Invalid value:',
  ],
  ['preferredDuringSchedulingIgnoredDuringExecution can modified for gated pods', makePod('foo', nodeAffinity(preferred(req('expr', 'foo2'))), gates('baz')), makePod('foo', nodeAffinity(preferred(req('expr', 'foo'))), gates('baz')), ''],
  [
    'preferredDuringSchedulingIgnoredDuringExecution can have additions for gated pods',
    makePod('foo', nodeAffinity({ preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [req('expr', 'foo'), req('expr2', 'foo2')], matchFields: [req('metadata.name', 'bar')] } }] }), gates('baz')),
    makePod('foo', nodeAffinity(preferred(req('expr', 'foo'))), gates('baz')),
    '',
  ],
  ['preferredDuringSchedulingIgnoredDuringExecution can have removals for gated pods', makePod('foo', gates('baz')), makePod('foo', nodeAffinity(preferred(req('expr', 'foo'))), gates('baz')), ''],
  [
    'new node affinity is nil',
    makePod('foo', spec('affinity', {}), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] })), gates('baz')),
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Invalid value:',
  ],
  [
    'empty NodeSelectorTerm (selects nothing) cannot become populated (selects something)',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] })), gates('baz')),
    makePod('foo', nodeAffinity(required({})), gates('baz')),
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]: Invalid value:',
  ],
  ['nil affinity can be mutated for gated pods', makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'foo')] })), gates('baz')), makePod('foo', gates('baz')), ''],
  [
    'the podAffinity cannot be updated on gated pods',
    makePod('foo', spec('affinity', { nodeAffinity: required({ matchExpressions: [req('expr', 'foo')] }), podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'foo', labelSelector: { matchLabels: { foo: 'bar' } } }] } }), gates('baz')),
    makePod('foo', gates('baz')),
    'pod updates may not change fields other than',
  ],
  [
    'the podAntiAffinity cannot be updated on gated pods',
    makePod('foo', spec('affinity', { nodeAffinity: required({ matchExpressions: [req('expr', 'foo')] }), podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'foo', labelSelector: { matchLabels: { foo: 'bar' } } }] } }), gates('baz')),
    makePod('foo', gates('baz')),
    'pod updates may not change fields other than',
  ],
  ['allow update pod if old pod already has invalid label-value in node affinity', makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', '-1')] }))), makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', '-1')] })), gates('baz')), ''],
  [
    'not allow update node affinity to an invalid label-value',
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', '-1')] })), gates('baz')),
    makePod('foo', nodeAffinity(required({ matchExpressions: [req('expr', 'bar')] })), gates('baz')),
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'",
  ],
];

describe('ValidatePodUpdate, from Kubernetes TestValidatePodUpdate', () => {
  it.each(cases)('%s', (_name, next, old, err) => {
    for (const p of [next, old]) p.metadata.resourceVersion = '1';
    if (!next.metadata.name && !old.metadata.name) next.metadata.name = old.metadata.name = 'name';
    if (!next.metadata.namespace && !old.metadata.namespace) next.metadata.namespace = old.metadata.namespace = 'namespace';
    const errs = validatePodUpdate(next, old);
    const message = errs.map((e) => e.toString()).join(', ');
    if (err === '') expect(message).toBe('');
    else expect(message).toContain(err);
  });

  it('appends the diff of the two specs to the Forbidden message, as Kubernetes does', () => {
    const old = makePod('web', spec('serviceAccountName', 'default'));
    const next = makePod('web', spec('serviceAccountName', 'build-robot'));
    const [e] = validatePodUpdate(next, old);
    expect(e!.toString()).toBe(
      `spec: Forbidden: ${POD_UPDATE_FORBIDDEN}\n` + ['  core.PodSpec{', '  \t... // 4 identical fields', '- \tServiceAccountName: "default",', '+ \tServiceAccountName: "build-robot",', '  }', ''].join('\n'),
    );
  });

  it('prints a field the JSON leaves out as its Go zero value, and a set pointer with &, as go-cmp does over core.PodSpec', () => {
    const old = makePod('web', spec('securityContext', {}));
    const next = makePod('web', spec('nodeName', 'elsewhere'), spec('securityContext', { runAsUser: 2000 }));
    const text = validatePodUpdate(next, old)[0]!.toString();
    expect(text).toContain(['- \tNodeName: "",', '+ \tNodeName: "elsewhere",'].join('\n'));
    expect(text).toContain(['  \tSecurityContext: &core.PodSecurityContext{', '- \t\tRunAsUser: nil,', '+ \t\tRunAsUser: &2000,'].join('\n'));
  });

  it('names the container field that changed inside the containers list', () => {
    const old = makePod('web', containers(container('app', { command: ['sleep', '1'] })));
    const next = makePod('web', containers(container('app', { command: ['sleep', '2'] })));
    const text = validatePodUpdate(next, old)[0]!.toString();
    expect(text).toContain('  \tContainers: []core.Container{\n  \t\t{\n');
    expect(text).toContain(['  \t\t\tCommand: []string{', '  \t\t\t\t... // 1 identical element', '- \t\t\t\t"1",', '+ \t\t\t\t"2",', '  \t\t\t},'].join('\n'));
  });
});
