import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditPolicyError, MAX_POLICY_FILE_BYTES, loadPolicyFile, parsePolicy } from '../../src/audit/policy-file.js';
import { validatePolicy } from '../../src/audit/policy-validation.js';
import type { Level, Policy, PolicyRule } from '../../src/audit/types.js';

const dir = mkdtempSync(join(tmpdir(), 'audit-policy-'));
let n = 0;
function file(text: string | Buffer): string {
  const p = join(dir, `policy-${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}
function loadError(text: string): string {
  const p = file(text);
  try {
    loadPolicyFile(p);
  } catch (e) {
    expect(e).toBeInstanceOf(AuditPolicyError);
    return (e as Error).message.replace(p, '<path>');
  }
  throw new Error('the policy loaded');
}

// reader_test.go's policyDefPattern (v1 only: v1alpha1 and v1beta1 were removed in 1.24)
const READER_POLICY = `
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    nonResourceURLs:
      - /healthz*
      - /version
  - level: RequestResponse
    users: ["tim"]
    userGroups: ["testers", "developers"]
    verbs: ["patch", "delete", "create"]
    resources:
      - group: ""
      - group: "rbac.authorization.k8s.io"
        resources: ["clusterroles", "clusterrolebindings"]
    namespaces: ["default", "kube-system"]
  - level: Metadata
`;

describe('parsePolicy: reader_test.go', () => {
  it('TestParser: the v1 policy reads as Kubernetes expects it', () => {
    const { policy, warnings } = loadPolicyFile(file(READER_POLICY));
    expect(warnings).toEqual([]);
    expect(policy).toEqual({
      rules: [
        { level: 'None', nonResourceURLs: ['/healthz*', '/version'] },
        {
          level: 'RequestResponse',
          users: ['tim'],
          userGroups: ['testers', 'developers'],
          verbs: ['patch', 'delete', 'create'],
          resources: [{ group: '' }, { group: 'rbac.authorization.k8s.io', resources: ['clusterroles', 'clusterrolebindings'] }],
          namespaces: ['default', 'kube-system'],
        },
        { level: 'Metadata' },
      ],
    });
  });

  it('JSON works too, with omitStages and omitManagedFields', () => {
    const { policy } = parsePolicy('{"apiVersion":"audit.k8s.io/v1","kind":"Policy","omitStages":["RequestReceived"],"omitManagedFields":true,"rules":[{"level":"Metadata","omitManagedFields":false}]}');
    expect(policy).toEqual({ rules: [{ level: 'Metadata', omitManagedFields: false }], omitStages: ['RequestReceived'], omitManagedFields: true });
  });

  it('the kind may be left out when apiVersion names audit.k8s.io/v1 (the decoder defaults it)', () => {
    expect(parsePolicy('apiVersion: audit.k8s.io/v1\nrules:\n- level: Metadata\n').policy.rules).toEqual([{ level: 'Metadata' }]);
  });

  it.each([
    ['TestParsePolicyWithNoVersionOrKind', READER_POLICY.replace('apiVersion: audit.k8s.io/v1\nkind: Policy\n', ''), 'loading audit policy file: unknown group version field audit.k8s.io/__internal, Kind=Policy in policy: from file <path>'],
    ['an empty file (TestPolicyCntCheck)', '', 'loading audit policy file: unknown group version field audit.k8s.io/__internal, Kind=Policy in policy: from file <path>'],
    ['no rules (TestPolicyCntCheck)', 'apiVersion: audit.k8s.io/v1\nkind: Policy', 'loading audit policy file: loaded illegal policy with 0 rules: from file <path>'],
    ['v1beta1, removed in 1.24 (the error rke2#3813 shows)', READER_POLICY.replace('/v1', '/v1beta1'), 'loading audit policy file: failed decoding: no kind "Policy" is registered for version "audit.k8s.io/v1beta1" in scheme "k8s.io/apiserver/pkg/audit/scheme.go:30": from file <path>'],
    ['another kind', 'apiVersion: audit.k8s.io/v1\nkind: Polcy\nrules: []', 'loading audit policy file: failed decoding: no kind "Polcy" is registered for version "audit.k8s.io/v1" in scheme "k8s.io/apiserver/pkg/audit/scheme.go:30": from file <path>'],
    ['an Event is not a Policy', 'apiVersion: audit.k8s.io/v1\nkind: Event\n', 'loading audit policy file: failed decoding: converting (v1.Event) to (audit.Policy): unknown conversion: from file <path>'],
    ['apiVersion with two slashes', 'apiVersion: a/b/c\nkind: Policy\n', 'loading audit policy file: failed decoding: unexpected GroupVersion string: a/b/c: from file <path>'],
    ['apiVersion not a string', 'apiVersion: 1\nkind: Policy\n', 'loading audit policy file: failed decoding: couldn\'t get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string: from file <path>'],
    ['a list, not an object', '- level: Metadata\n', 'loading audit policy file: failed decoding: couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }: from file <path>'],
    ['rules not a list', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: all\n', 'loading audit policy file: failed decoding: json: cannot unmarshal string into Go struct field Policy.rules of type []v1.PolicyRule: from file <path>'],
    ['a number for a level', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: 3\n', 'loading audit policy file: failed decoding: json: cannot unmarshal number into Go struct field PolicyRule.rules.level of type v1.Level: from file <path>'],
    ['a user list of numbers', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [1]\n', 'loading audit policy file: failed decoding: json: cannot unmarshal number into Go struct field PolicyRule.rules.users of type string: from file <path>'],
    ['a resources string', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources: [{group: "", resources: pods}]\n', 'loading audit policy file: failed decoding: json: cannot unmarshal string into Go struct field GroupResources.rules.resources.resources of type []string: from file <path>'],
    ['broken JSON', '{"apiVersion": "audit.k8s.io/v1",', 'loading audit policy file: failed decoding: couldn\'t get version/kind; json parse error: unexpected end of JSON input: from file <path>'],
    ['a missing level', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- verbs: [get]\n', 'loading audit policy file: rules[0].level: Required value: from file <path>'],
    [
      'several errors, aggregated',
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [Never]\nrules:\n- level: FooBar\n- level: Metadata\n  nonResourceURLs: [logs, "/a/*b"]\n  namespaces: [default]\n',
      'loading audit policy file: [omitStages[0]: Invalid value: "Never": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic, rules[0].level: Unsupported value: "FooBar": supported values: "None", "Metadata", "Request", "RequestResponse", rules[1].nonResourceURLs[0]: Invalid value: "logs": non-resource URL rules must begin with a \'/\' character, rules[1].nonResourceURLs[1]: Invalid value: "/a/*b": non-resource URL wildcards \'*\' must be the final character of the rule, rules[1].nonResourceURLs: Invalid value: []string{"logs", "/a/*b"}: rules cannot apply to both regular resources and non-resource URLs]: from file <path>',
    ],
  ])('%s', (_name, text, message) => {
    expect(loadError(text)).toBe(message);
  });

  it('a YAML syntax error keeps the yaml: prefix of sigs.k8s.io/yaml', () => {
    expect(loadError('apiVersion: audit.k8s.io/v1\nrules:\n- level: x\n  bad\n')).toMatch(/^loading audit policy file: failed decoding: yaml: .+: from file <path>$/);
  });

  it('a missing file is Go\'s path error', () => {
    expect(() => loadPolicyFile('/nonexistent/audit.yaml')).toThrow('loading audit policy file: failed to read file path "/nonexistent/audit.yaml": open /nonexistent/audit.yaml: no such file or directory');
  });
});

describe('parsePolicy: hostile and oversized files get one clear line', () => {
  it('a file over 1 MiB is refused before it is read', () => {
    const p = file(Buffer.alloc(MAX_POLICY_FILE_BYTES + 1, 0x20));
    expect(() => loadPolicyFile(p)).toThrow(`loading audit policy file: ${p} is ${MAX_POLICY_FILE_BYTES + 1} bytes, more than the 1048576 an audit policy may have`);
  });

  it('an alias bomb stops at the parser\'s alias limit', () => {
    const bomb = ['apiVersion: audit.k8s.io/v1', 'kind: Policy', 'a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`), 'rules: [{level: Metadata}]'].join('\n');
    expect(loadError(bomb)).toMatch(/^loading audit policy file: failed decoding: yaml: Excessive alias count indicates a resource exhaustion attack: from file <path>$/);
  });

  it('an alias that refers to itself is an error, not a stack overflow', () => {
    expect(loadError('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: &r [{level: Metadata, users: *r}]\n')).toMatch(/^loading audit policy file: failed decoding: /);
  });

  it('deep nesting is an error, not a crash', () => {
    expect(loadError(`apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: ${'['.repeat(50_000)}\n`)).toMatch(/^loading audit policy file: failed decoding: yaml: /);
  });

  it('binary garbage is an error', () => {
    expect(loadError('\u0000\u0001\u0002 \uFFFF')).toMatch(/^loading audit policy file: /);
  });
});

describe('parsePolicy: warnings for what Kubernetes silently ignores', () => {
  it('misspelled members are named with their path', () => {
    const { warnings } = parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata: {name: x, labels: {a: b}}\nrules:\n- level: Metadata\n  userGroup: [devs]\n  resources: [{group: "", resource: [pods]}]\n');
    expect(warnings).toEqual(['unknown field "rules[0].userGroup"', 'unknown field "rules[0].resources[0].resource"']);
  });

  it('only the first YAML document is read, and that is said', () => {
    const { policy, warnings } = parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n---\napiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None}]\n');
    expect(policy.rules).toEqual([{ level: 'Metadata' }]);
    expect(warnings).toEqual(['only the first of 2 YAML documents is read, as kube-apiserver reads it']);
  });
});

describe('validatePolicy: validation_test.go TestValidatePolicy', () => {
  const validRules: PolicyRule[] = [
    { level: 'Metadata' },
    { level: 'None', userGroups: ['system:serviceaccounts', 'system:nodes'] },
    { level: 'RequestResponse', verbs: ['get'], resources: [{ group: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings'] }], namespaces: ['kube-system'] },
    { level: 'Metadata', userGroups: ['developers'], nonResourceURLs: ['/logs*', '/healthz*', '/metrics', '*'] },
  ];
  it.each([...validRules.map((r) => ({ rules: [r] })), { rules: [] }, { rules: validRules }] as Policy[])('valid: %j', (p) => {
    expect(validatePolicy(p)).toEqual([]);
  });

  const invalidRules = [
    {},
    { verbs: ['get'], resources: [{ resources: ['secrets'] }], namespaces: ['kube-system'] },
    { level: 'FooBar' },
    { level: 'Metadata', namespaces: ['default'], nonResourceURLs: ['/logs*'] },
    { level: 'Metadata', resources: [{ resources: ['secrets'] }], nonResourceURLs: ['/logs*'] },
    { level: 'Metadata', resources: [{ group: 'rbac.authorization.k8s.io/v1beta1', resources: ['roles'] }] },
    { level: 'Metadata', nonResourceURLs: ['logs', '/healthz*'] },
    { level: 'Metadata', nonResourceURLs: ['', '/healthz*'] },
    { level: 'Metadata', nonResourceURLs: ['/logs/*/*', '/metrics'] },
    { level: 'Metadata', nonResourceURLs: ['/logs/*.log', '/metrics'] },
    { level: 'Metadata', resources: [{ resourceNames: ['edit'] }] },
    { level: 'Metadata', omitStages: ['Later'] },
  ] as unknown as PolicyRule[];
  it.each([...invalidRules.map((r) => ({ rules: [r] })), { rules: [...validRules, {} as PolicyRule] }] as Policy[])('invalid: %j', (p) => {
    expect(validatePolicy(p).length).toBeGreaterThan(0);
  });

  it.each([
    [{ level: 'Metadata', resources: [{ group: 'rbac.authorization.k8s.io/v1beta1', resources: ['roles'] }] }, 'rules[0].resources.group: Invalid value: "rbac.authorization.k8s.io/v1beta1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'],
    [{ level: 'Metadata', resources: [{ resourceNames: ['edit'] }] }, 'rules[0].resources.resourceNames: Invalid value: []string{"edit"}: using resourceNames requires at least one resource'],
    [{ level: '' as Level }, 'rules[0].level: Required value'],
  ] as Array<[PolicyRule, string]>)('message for %j', (rule, message) => {
    expect(validatePolicy({ rules: [rule] }).map(String)).toEqual([message]);
  });
});
