import { describe, expect, it } from 'vitest';
import { create, update } from './strategy-harness.js';

type J = Record<string, any>;

const template = (extra: J = {}, labels: Record<string, string> = { app: 'web' }): J => ({
  metadata: { labels },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra },
});
const deployment = (spec: J = {}, name = 'web'): J => ({ metadata: { name }, spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec } });

describe('Deployment defaults, as SetDefaults_Deployment and the template PodSpec defaults', () => {
  const { obj, errs } = create('Deployment', deployment());
  const spec = obj.spec as J;
  it('validates', () => expect(errs).toEqual([]));
  it.each([
    ['replicas', spec.replicas, 1],
    ['strategy', spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }],
    ['revisionHistoryLimit', spec.revisionHistoryLimit, 10],
    ['progressDeadlineSeconds', spec.progressDeadlineSeconds, 600],
    ['template metadata', spec.template.metadata, { labels: { app: 'web' }, creationTimestamp: null }],
    ['template dnsPolicy', spec.template.spec.dnsPolicy, 'ClusterFirst'],
    ['template restartPolicy', spec.template.spec.restartPolicy, 'Always'],
    ['template schedulerName', spec.template.spec.schedulerName, 'default-scheduler'],
    ['template securityContext', spec.template.spec.securityContext, {}],
    ['template terminationGracePeriodSeconds', spec.template.spec.terminationGracePeriodSeconds, 30],
    ['template container', spec.template.spec.containers[0], { name: 'app', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    ['no enableServiceLinks on a template (SetDefaults_Pod is for pods)', spec.template.spec.enableServiceLinks, undefined],
    ['status', obj.status, {}],
    ['generation', obj.metadata.generation, 1],
  ])('sets %s', (_n, actual, expected) => expect(actual).toEqual(expected));
});

describe('Deployment validation with Kubernetes messages and field paths', () => {
  it.each([
    [
      'a deployment without a selector',
      { selector: undefined },
      '[spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    ],
    ['a selector that the template does not match', { selector: { matchLabels: { app: 'api' } } }, 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    ['an empty selector', { selector: {} }, 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
    ['negative replicas', { replicas: -1 }, 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [
      'a maxUnavailable that is not a percentage',
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '26', maxSurge: 1 } } },
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"26\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ],
    ['maxUnavailable and maxSurge both 0', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }, 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
    ['a strategy type Kubernetes does not know', { strategy: { type: 'BlueGreen' } }, 'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'],
    ['a Recreate strategy with rollingUpdate', { strategy: { type: 'Recreate', rollingUpdate: {} } }, "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ['a progress deadline within minReadySeconds', { minReadySeconds: 600 }, 'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
    ['a template whose pods would not restart', { template: template({ restartPolicy: 'Never' }) }, 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ['a template with activeDeadlineSeconds', { template: template({ activeDeadlineSeconds: 10 }) }, 'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
    ['a template naming an invalid service account', { template: template({ serviceAccountName: 'Build_Robot' }) }, /^spec\.template\.spec\.serviceAccountName: Invalid value: "Build_Robot": a lowercase RFC 1123 subdomain/],
    [
      'a template projecting a token outside its volume',
      { template: template({ volumes: [{ name: 'tok', projected: { sources: [{ serviceAccountToken: { path: '../token' } }] } }] }) },
      "spec.template.spec.volumes[0].projected.path: Invalid value: \"../token\": must not contain '..'",
    ],
    ['a template with two containers of one name', { template: template({ containers: [{ name: 'app', image: 'a' }, { name: 'app', image: 'b' }] }) }, 'spec.template.spec.containers[1].name: Duplicate value: "app"'],
  ])('refuses %s', (_n, spec, message) => {
    const { message: got } = create('Deployment', deployment(spec));
    if (message instanceof RegExp) expect(got).toMatch(message);
    else expect(got).toBe(message);
  });

  it('keeps the selector immutable and bumps the generation only when the spec or annotations change', () => {
    const { obj: old } = create('Deployment', deployment());
    const same = update('Deployment', structuredClone(old) as J, old);
    expect(same.errs).toEqual([]);
    expect(same.obj.metadata.generation).toBe(1);
    const scaled = update('Deployment', { ...structuredClone(old), spec: { ...(old.spec as J), replicas: 3 } }, old);
    expect(scaled.obj.metadata.generation).toBe(2);
    const annotated = update('Deployment', { ...structuredClone(old), metadata: { annotations: { a: 'b' } } }, old);
    expect(annotated.obj.metadata.generation).toBe(2);
    const moved = structuredClone(old) as J;
    moved.spec.selector = { matchLabels: { app: 'web', tier: 'front' } };
    moved.spec.template.metadata.labels = { app: 'web', tier: 'front' };
    expect(update('Deployment', moved, old).message).toBe(
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });
});

describe('ReplicaSet, StatefulSet, DaemonSet and ControllerRevision', () => {
  it('says "deployment" for an empty ReplicaSet selector, as Kubernetes does', () => {
    expect(create('ReplicaSet', deployment({ selector: {} })).message).toContain('empty selector is invalid for deployment');
  });

  it('defaults a StatefulSet and requires a DNS label name', () => {
    const { obj, errs } = create('StatefulSet', deployment());
    expect(errs).toEqual([]);
    expect(obj.spec).toMatchObject({ podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, replicas: 1, revisionHistoryLimit: 10, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } });
    expect(create('StatefulSet', deployment({}, 'db.v1')).message).toMatch(/^metadata\.name: Invalid value: "db\.v1": a lowercase RFC 1123 label/);
  });

  it('validates only the metadata of a StatefulSet template, as Kubernetes 1.33 does (pods are checked when created)', () => {
    expect(create('StatefulSet', deployment({ template: template({ serviceAccountName: 'Not_Valid' }) })).errs).toEqual([]);
  });

  it('refuses StatefulSet updates outside replicas, ordinals, template, updateStrategy, PVC retention and minReadySeconds', () => {
    const { obj: old } = create('StatefulSet', deployment());
    const next = structuredClone(old) as J;
    next.spec.serviceName = 'other';
    expect(update('StatefulSet', next, old).message).toBe(
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
    const scaled = structuredClone(old) as J;
    scaled.spec.replicas = 5;
    expect(update('StatefulSet', scaled, old).errs).toEqual([]);
  });

  it('defaults a DaemonSet, counts its template generations, and refuses both maxSurge and maxUnavailable', () => {
    const { obj: old, errs } = create('DaemonSet', deployment());
    expect(errs).toEqual([]);
    expect((old.spec as J).updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(old.metadata.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
    const next = structuredClone(old) as J;
    next.spec.template.spec.containers[0].image = 'nginx:1.28';
    const up = update('DaemonSet', next, old);
    expect(up.obj.metadata.annotations).toEqual({ 'deprecated.daemonset.template.generation': '2' });
    expect(up.obj.metadata.generation).toBe(2);
    const both = create('DaemonSet', deployment({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } }));
    expect(both.message).toBe('spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero');
  });

  it('requires a ControllerRevision to carry data, and keeps it immutable', () => {
    expect(create('ControllerRevision', { metadata: { name: 'web-1' }, revision: 1 }).message).toBe('data: Required value: data is mandatory');
    const { obj: old } = create('ControllerRevision', { metadata: { name: 'web-1' }, revision: 1, data: { spec: 1 } });
    expect(update('ControllerRevision', { ...structuredClone(old), data: { spec: 2 } }, old).message).toBe('data: Invalid value: {"spec":2}: field is immutable');
  });
});

const job = (spec: J = {}, name = 'pi'): J => ({ metadata: { name }, spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } }, ...spec } });

describe('Job: generated selector, defaults and validation', () => {
  it('generates the selector and labels from the UID and name, and copies them to the Job', () => {
    const { obj, errs } = create('Job', job());
    expect(errs).toEqual([]);
    const uid = obj.metadata.uid;
    const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi' };
    expect((obj.spec as J).selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect((obj.spec as J).template.metadata.labels).toEqual(labels);
    expect(obj.metadata.labels).toEqual(labels);
    expect(obj.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, manualSelector: false, podReplacementPolicy: 'TerminatingOrFailed' });
  });

  it.each([
    ["a template that restarts its pods (Always, the PodSpec default)", { template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } }, 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
    ['a negative backoffLimit', { backoffLimit: -1 }, 'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0'],
    ['an unknown completion mode', { completionMode: 'Sometimes' }, 'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"'],
    ['an Indexed Job without completions', { completionMode: 'Indexed', parallelism: 2 }, 'spec.completions: Required value: when completion mode is Indexed'],
    ['a backoffLimitPerIndex on a NonIndexed Job', { backoffLimitPerIndex: 1 }, 'spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode'],
    ['a selector of its own that is not generated', { selector: { matchLabels: { app: 'x' } } }, /spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{"app":"x", "batch\.kubernetes\.io\/controller-uid":"[0-9a-f-]{36}"\}, MatchExpressions:\[\]v1\.LabelSelectorRequirement\(nil\)\}: `selector` not auto-generated/],
  ])('refuses %s', (_n, spec, message) => {
    const got = create('Job', job(spec)).message;
    if (message instanceof RegExp) expect(got).toMatch(message);
    else expect(got).toBe(message);
  });

  it('keeps the template, selector and completions immutable, but lets a suspended Job that never started move its scheduling directives', () => {
    const { obj: old } = create('Job', job());
    const next = structuredClone(old) as J;
    next.spec.template.spec.containers[0].image = 'perl:5.36';
    expect(update('Job', next, old).message).toMatch(/^spec\.template: Invalid value: core\.PodTemplateSpec\{.*\}: field is immutable$/);
    const more = structuredClone(old) as J;
    more.spec.completions = 3;
    expect(update('Job', more, old).message).toBe('spec.completions: Invalid value: 3: field is immutable');
    const { obj: suspended } = create('Job', job({ suspend: true }));
    const moved = structuredClone(suspended) as J;
    moved.spec.template.spec.nodeSelector = { zone: 'a' };
    expect(update('Job', moved, suspended).errs).toEqual([]);
  });
});

const cron = (spec: J = {}, name = 'hello'): J => ({ metadata: { name }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } } }, ...spec } });

describe('CronJob: schedule, time zone, job template and defaults', () => {
  it('defaults concurrencyPolicy, suspend and the history limits', () => {
    const { obj, errs } = create('CronJob', cron());
    expect(errs).toEqual([]);
    expect(obj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  });

  it.each([
    ['a schedule with four fields', { schedule: '* * * *' }, 'spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]'],
    ['a minute out of range', { schedule: '61 * * * *' }, 'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'],
    ['a schedule that is not a number', { schedule: 'x * * * *' }, 'spec.schedule: Invalid value: "x * * * *": failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['an unknown descriptor', { schedule: '@fortnightly' }, 'spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly'],
    ['a TZ in the schedule', { schedule: 'CRON_TZ=UTC 0 * * * *' }, 'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'],
    ['a job template with its own selector', { jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } } } }, 'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated'],
    ['an unknown concurrency policy', { concurrencyPolicy: 'Sometimes' }, 'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'],
  ])('refuses %s', (_n, spec, message) => expect(create('CronJob', cron(spec)).message).toBe(message));

  it('accepts descriptors, names and steps robfig/cron accepts', () => {
    for (const schedule of ['@hourly', '@every 1h30m', '0 9 * JAN-MAR MON-FRI', '*/15 0-6,18-23 ? * *']) expect(create('CronJob', cron({ schedule })).errs).toEqual([]);
  });

  it('limits names to 52 characters on create only', () => {
    const long = 'a'.repeat(53);
    expect(create('CronJob', cron({}, long)).message).toBe(`metadata.name: Invalid value: "${long}": must be no more than 52 characters`);
  });
});

describe('pod templates are validated as pods are', () => {
  it('reports a Job template path at spec.template.spec and a CronJob template at spec.jobTemplate.spec.template.spec', () => {
    const bad = { containers: [{ name: 'Bad', image: 'x' }], restartPolicy: 'Never' };
    expect(create('Job', job({ template: { spec: bad } })).message).toMatch(/^spec\.template\.spec\.containers\[0\]\.name: Invalid value: "Bad"/);
    expect(create('CronJob', cron({ jobTemplate: { spec: { template: { spec: bad } } } })).message).toMatch(/^spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\.name: Invalid value: "Bad"/);
  });

});
