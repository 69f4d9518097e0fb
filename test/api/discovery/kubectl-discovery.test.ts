import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/registry/types.js';
import { startDiscoveryServer, type DiscoveryServer } from './discovery-server.js';

const KUBECTL = '/usr/bin/kubectl';
const HAVE_KUBECTL = existsSync(KUBECTL);
const run = promisify(execFile);
const NOW = Date.parse('2024-06-06T10:05:12Z');

/** What `kubectl api-resources` prints against a 1.33 cluster for the resources satoken serves (sorted by group). */
const API_RESOURCES = `NAME                        SHORTNAMES   APIVERSION                     NAMESPACED   KIND
configmaps                  cm           v1                             true         ConfigMap
endpoints                   ep           v1                             true         Endpoints
events                      ev           v1                             true         Event
limitranges                 limits       v1                             true         LimitRange
namespaces                  ns           v1                             false        Namespace
nodes                       no           v1                             false        Node
persistentvolumeclaims      pvc          v1                             true         PersistentVolumeClaim
pods                        po           v1                             true         Pod
resourcequotas              quota        v1                             true         ResourceQuota
secrets                                  v1                             true         Secret
serviceaccounts             sa           v1                             true         ServiceAccount
services                    svc          v1                             true         Service
controllerrevisions                      apps/v1                        true         ControllerRevision
daemonsets                  ds           apps/v1                        true         DaemonSet
deployments                 deploy       apps/v1                        true         Deployment
replicasets                 rs           apps/v1                        true         ReplicaSet
statefulsets                sts          apps/v1                        true         StatefulSet
selfsubjectreviews                       authentication.k8s.io/v1       false        SelfSubjectReview
tokenreviews                             authentication.k8s.io/v1       false        TokenReview
localsubjectaccessreviews                authorization.k8s.io/v1        true         LocalSubjectAccessReview
selfsubjectaccessreviews                 authorization.k8s.io/v1        false        SelfSubjectAccessReview
selfsubjectrulesreviews                  authorization.k8s.io/v1        false        SelfSubjectRulesReview
subjectaccessreviews                     authorization.k8s.io/v1        false        SubjectAccessReview
cronjobs                    cj           batch/v1                       true         CronJob
jobs                                     batch/v1                       true         Job
leases                                   coordination.k8s.io/v1         true         Lease
ingressclasses                           networking.k8s.io/v1           false        IngressClass
ingresses                   ing          networking.k8s.io/v1           true         Ingress
networkpolicies             netpol       networking.k8s.io/v1           true         NetworkPolicy
poddisruptionbudgets        pdb          policy/v1                      true         PodDisruptionBudget
clusterrolebindings                      rbac.authorization.k8s.io/v1   false        ClusterRoleBinding
clusterroles                             rbac.authorization.k8s.io/v1   false        ClusterRole
rolebindings                             rbac.authorization.k8s.io/v1   true         RoleBinding
roles                                    rbac.authorization.k8s.io/v1   true         Role
awsroles                                 testing.satoken.dev/v1alpha1   false        AWSRole
azurefederatedcredentials                testing.satoken.dev/v1alpha1   false        AzureFederatedCredential
tokenfaults                              testing.satoken.dev/v1alpha1   false        TokenFault
`;

const OBJECTS: Record<string, KubeObject[]> = {
  '/api/v1/namespaces/default/serviceaccounts': [
    { metadata: { name: 'build-robot', namespace: 'default', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-06-06T10:00:00Z', labels: { team: 'ci' } }, secrets: [{ name: 's' }] },
  ],
  '/api/v1/namespaces/default/pods': [
    {
      metadata: { name: 'web', namespace: 'default', uid: 'u2', resourceVersion: '6', creationTimestamp: '2024-06-06T09:05:12Z' },
      spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
      status: { phase: 'Running', podIPs: [{ ip: '10.244.0.5' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
    },
  ],
  '/api/v1/namespaces/default/services': [
    {
      metadata: { name: 'web', namespace: 'default', uid: 'u3', resourceVersion: '7', creationTimestamp: '2024-06-06T09:05:12Z' },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'web' } },
    },
  ],
  '/apis/apps/v1/namespaces/default/deployments': [
    {
      metadata: { name: 'web', namespace: 'default', uid: 'u4', resourceVersion: '8', generation: 1, creationTimestamp: '2024-06-06T09:05:12Z' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
      status: { replicas: 2, readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
    },
  ],
  '/apis/batch/v1/namespaces/default/cronjobs': [
    {
      metadata: { name: 'nightly', namespace: 'default', uid: 'u5', resourceVersion: '9', creationTimestamp: '2024-06-06T10:00:12Z' },
      spec: { schedule: '0 3 * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'busybox' }] } } } } },
      status: {},
    },
  ],
};

/** `kubectl get all`: one Table per kind of category `all` that has objects, as printers.go fills them. */
const GET_ALL = `NAME      READY   STATUS    RESTARTS   AGE
pod/web   1/1     Running   0          60m

NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
service/web   ClusterIP   10.96.0.10   <none>        80/TCP    60m

NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/web   1/2     2            1           60m

NAME                    SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE
cronjob.batch/nightly   0 3 * * *   <none>     False     0        <none>          5m
`;

/** /version, /api, /apis and the group-version lists: what every resource command fetches first. */
const isDiscovery = (request: string) => /^GET \/(version|api|apis)(\/v1|\/[^/?]+\/v1)?\?/.test(request);

let server: DiscoveryServer | undefined;
let home: string | undefined;

afterEach(async () => {
  await server?.close();
  if (home) await rm(home, { recursive: true, force: true });
  server = undefined;
  home = undefined;
});

/** Starts the fake server and runs the real kubectl (through the dispatcher) against it with a fresh HOME and cache. */
async function kubectl(args: string[], opts: { legacyOnly?: boolean; files?: Record<string, string> } = {}) {
  server ??= await startDiscoveryServer({ legacyOnly: opts.legacyOnly, now: NOW, objects: OBJECTS });
  home ??= await mkdtemp(join(tmpdir(), 'satoken-kubectl-'));
  const config = `apiVersion: v1
kind: Config
clusters: [{name: emu, cluster: {server: "${server.url}"}}]
users: [{name: anon, user: {}}]
contexts: [{name: emu, context: {cluster: emu, user: anon, namespace: default}}]
current-context: emu
`;
  await writeFile(join(home, 'kubeconfig'), config);
  for (const [name, text] of Object.entries(opts.files ?? {})) await writeFile(join(home, name), text);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: join(home, 'kubeconfig'), KUBECACHEDIR: join(home, 'cache') };
  const { stdout } = await run(KUBECTL, args.map((a) => a.replace('$HOME', home!)), { env, timeout: 60_000 });
  return { stdout, seen: server.seen.map((s) => `${s.method} ${s.url}`), agents: [...new Set(server.seen.map((s) => s.userAgent.split(' ')[0]))] };
}

describe.skipIf(!HAVE_KUBECTL)(`the real kubectl against the discovery bodies${HAVE_KUBECTL ? '' : ' (skipped: /usr/bin/kubectl is absent)'}`, () => {
  it('is dispatched to kubectl 1.33.1 by /version', async () => {
    const { agents } = await kubectl(['api-resources']);
    expect(agents).toEqual(['kubectl-dispatcher/v1.0', 'kubectl/v1.33.1']);
  });

  it.each([
    ['aggregated discovery, in two requests', false, ['GET /version?timeout=5s', 'GET /api?timeout=32s', 'GET /apis?timeout=32s']],
    [
      'legacy discovery, fetching every group-version',
      true,
      [
        'GET /api/v1?timeout=32s',
        'GET /api?timeout=32s',
        'GET /apis/apps/v1?timeout=32s',
        'GET /apis/authentication.k8s.io/v1?timeout=32s',
        'GET /apis/authorization.k8s.io/v1?timeout=32s',
        'GET /apis/batch/v1?timeout=32s',
        'GET /apis/coordination.k8s.io/v1?timeout=32s',
        'GET /apis/networking.k8s.io/v1?timeout=32s',
        'GET /apis/policy/v1?timeout=32s',
        'GET /apis/rbac.authorization.k8s.io/v1?timeout=32s',
        'GET /apis/testing.satoken.dev/v1alpha1?timeout=32s',
        'GET /apis?timeout=32s',
        'GET /version?timeout=5s',
      ],
    ],
  ])('lists every served resource with api-resources over %s', async (_name, legacyOnly, requests) => {
    const { stdout, seen } = await kubectl(['api-resources'], { legacyOnly });
    expect(stdout).toBe(API_RESOURCES);
    expect(legacyOnly ? [...seen].sort() : seen).toEqual(requests);
  });

  it.each([
    ['get sa, by short name', ['get', 'sa'], 'NAME          SECRETS   AGE\nbuild-robot   1         5m12s\n'],
    ['get serviceaccounts --show-labels', ['get', 'serviceaccounts', '--show-labels'], 'NAME          SECRETS   AGE     LABELS\nbuild-robot   1         5m12s   team=ci\n'],
    [
      'get po -o wide',
      ['get', 'po', '-o', 'wide'],
      'NAME   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\nweb    1/1     Running   0          60m   10.244.0.5   node-1   <none>           <none>\n',
    ],
    ['get all, through the category every workload kind is in', ['get', 'all'], GET_ALL],
  ])('prints the Table of %s', async (_name, args, expected) => {
    expect((await kubectl(args)).stdout).toBe(expected);
  });

  it('explains a kind from its OpenAPI v3 schema', async () => {
    const { stdout } = await kubectl(['explain', 'serviceaccount.secrets']);
    expect(stdout.split('\n').slice(0, 5)).toEqual(['KIND:       ServiceAccount', 'VERSION:    v1', '', 'FIELD: secrets <[]ObjectReference>', '']);
  });

  it('validates create -f tokenreview.yaml on the server via OpenAPI v3 (fieldValidation=Strict)', async () => {
    const files = { 'tr.yaml': 'apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: abc\n' };
    const { stdout, seen } = await kubectl(['create', '-f', '$HOME/tr.yaml', '-o', 'jsonpath={.status}'], { files });
    expect(stdout).toBe('{"authenticated":false,"user":{}}');
    expect(seen.filter((s) => !isDiscovery(s))).toEqual([
      'GET /openapi/v3?timeout=32s',
      expect.stringMatching(/^GET \/openapi\/v3\/apis\/authentication\.k8s\.io\/v1\?hash=[0-9A-F]{128}&timeout=32s$/),
      'POST /apis/authentication.k8s.io/v1/tokenreviews?fieldManager=kubectl-create&fieldValidation=Strict',
    ]);
  });

  it('applies role.yaml: reads OpenAPI v3, finds no object, creates it with fieldValidation=Strict', async () => {
    const files = { 'role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: pod-reader, namespace: default}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n' };
    const { stdout, seen } = await kubectl(['apply', '-f', '$HOME/role.yaml'], { files });
    expect(stdout).toBe('role.rbac.authorization.k8s.io/pod-reader created\n');
    expect(seen.filter((s) => !isDiscovery(s) && !s.startsWith('GET /openapi'))).toEqual([
      'GET /apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/pod-reader',
      'POST /apis/rbac.authorization.k8s.io/v1/namespaces/default/roles?fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
    ]);
  });
});
