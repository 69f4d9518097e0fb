import { expect } from 'vitest';
import { nodeRestriction, type NodeRestrictionDeps, type NodeRestrictionGates } from '../../../src/auth/admission/node-restriction.js';
import type { Attributes, AuthorizationResult, Authorizer } from '../../../src/auth/authorizer/index.js';
import { isStatusError } from '../../../src/errors/index.js';
import type { AdmissionAttributes, Operation } from '../../../src/registry/admission.js';
import { resourceInfo, type ResourceInfo } from '../../../src/registry/kinds.js';
import type { KubeObject, Node, Pod, UserInfo } from '../../../src/registry/types.js';

/** The users of plugin/pkg/admission/noderestriction/admission_test.go. */
export const mynode: UserInfo = { username: 'system:node:mynode', groups: ['system:nodes'] };
export const bob: UserInfo = { username: 'bob' };

/** A ResourceInfo by group and resource, served or not (leases, csinodes... are not yet). */
export function gr(group: string, resource: string): ResourceInfo {
  return resourceInfo(group, resource) ?? { resource, singular: resource.slice(0, -1), kind: resource, listKind: '', group, version: 'v1', namespaced: false, shortNames: [], verbs: [], subresources: [] };
}

export const PODS = gr('', 'pods');
export const NODES = gr('', 'nodes');
export const SERVICE_ACCOUNTS = gr('', 'serviceaccounts');

/** `makeTestPod`: uid `pod-uid`; a mirror pod carries the annotation and a controller owner reference to its node. */
export function makeTestPod(namespace: string, name: string, node: string, mirror: boolean, more: Partial<Pod['spec']> = {}): Pod {
  const pod: Pod = { metadata: { namespace, name, uid: 'pod-uid' }, spec: { nodeName: node, containers: [{ name: 'c' }], ...more } };
  if (mirror) {
    pod.metadata.annotations = { 'kubernetes.io/config.mirror': 'true' };
    pod.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node, uid: `${node}-uid`, controller: true }];
  }
  return pod;
}

/** A hand-written lister over arrays that records what it was asked. */
export class FakeCluster implements NodeRestrictionDeps {
  calls: string[] = [];
  constructor(
    public pods: Pod[] = [],
    public nodes: Node[] = [{ metadata: { name: 'mynode', uid: 'mynode-uid' } }],
    public claims: KubeObject[] = [],
    public volumes: KubeObject[] = [],
    public drivers: KubeObject[] = [],
    public authorizer?: Authorizer,
  ) {}
  getPod(namespace: string, name: string): Pod | undefined {
    this.calls.push(`pod ${namespace}/${name}`);
    return this.pods.find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
  }
  getNode(name: string): Node | undefined {
    this.calls.push(`node ${name}`);
    return this.nodes.find((n) => n.metadata.name === name);
  }
  getPersistentVolumeClaim(namespace: string, name: string): KubeObject | undefined {
    this.calls.push(`pvc ${namespace}/${name}`);
    return this.claims.find((c) => c.metadata.namespace === namespace && c.metadata.name === name);
  }
  getPersistentVolume(name: string): KubeObject | undefined {
    this.calls.push(`pv ${name}`);
    return this.volumes.find((v) => v.metadata.name === name);
  }
  getCSIDriver(name: string): KubeObject | undefined {
    this.calls.push(`csidriver ${name}`);
    return this.drivers.find((d) => d.metadata.name === name);
  }
}

/** An authorizer that allows exactly the listed `verb resource name` triples, and records what it was asked. */
export class FakeAuthorizer implements Authorizer {
  asked: Attributes[] = [];
  constructor(private readonly allowed: string[]) {}
  async authorize(a: Attributes): Promise<AuthorizationResult> {
    this.asked.push(a);
    return { decision: this.allowed.includes(`${a.verb} ${a.resource} ${a.name}`) ? 'Allow' : 'NoOpinion', reason: '' };
  }
}

/** `admission.NewAttributesRecord` with satoken's field names. */
export function attrs(operation: Operation, resource: ResourceInfo, o: { object?: KubeObject; oldObject?: KubeObject; namespace?: string; name?: string; subresource?: string; user?: UserInfo } = {}): AdmissionAttributes {
  return {
    operation,
    resource,
    ...(o.subresource ? { subresource: o.subresource } : {}),
    namespace: o.namespace ?? '',
    name: o.name ?? '',
    object: o.object,
    oldObject: o.oldObject,
    user: o.user ?? mynode,
    dryRun: false,
  };
}

/** What the plugin answers: '' for admitted, else `<code> <message>`. */
export async function admit(deps: NodeRestrictionDeps, a: AdmissionAttributes, gates: NodeRestrictionGates = {}): Promise<string> {
  try {
    await nodeRestriction(deps, gates).admit!(a);
    return '';
  } catch (e) {
    if (!isStatusError(e)) throw e;
    return `${e.code} ${e.message}`;
  }
}

/** Asserts the outcome, and that a refusal is a 403 Forbidden (or a lister's 404) with its details. */
export async function expectAdmit(deps: NodeRestrictionDeps, a: AdmissionAttributes, expected: string, gates: NodeRestrictionGates = {}): Promise<void> {
  expect(await admit(deps, a, gates)).toBe(expected);
}
